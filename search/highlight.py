"""Marking the words a search found in the text it shows: every piece is escaped
first, then the found words are wrapped in <mark> (never a raw string spliced
into HTML)."""

from __future__ import annotations

import re

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from pythainlp.tokenize import word_tokenize

from lampang_tracker import thai

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"


def _pattern(words: list[str]) -> re.Pattern | None:
    """The long words (found inside others too), any case, Thai or Arabic digits."""
    parts = []
    for word in sorted({w for w in words if len(w) >= thai.PART_OF_WORD_MIN}, key=len, reverse=True):
        parts.append("".join(f"[{ch}{THAI_DIGITS[int(ch)]}]" if ch in "0123456789" else re.escape(ch) for ch in word))
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def _segments(text: str, words: list[str]) -> list[tuple[str, bool]]:
    """``text`` cut into (piece, found) in order; the pieces join back into ``text``.
    Long words are found anywhere (across newmm's cuts too); short ones only where
    newmm makes them a word of their own, as search finds them."""
    spans: list[tuple[int, int]] = []
    if pattern := _pattern(words):
        spans.extend(m.span() for m in pattern.finditer(text))
    short = {w for w in words if len(w) < thai.PART_OF_WORD_MIN}
    if short:
        offset = 0
        for token in word_tokenize(text, engine="newmm", keep_whitespace=True):
            if thai.normalise(token).strip() in short:
                spans.append((offset, offset + len(token)))
            offset += len(token)
    segments: list[tuple[str, bool]] = []
    position = 0
    for lo, hi in sorted(spans):
        if lo < position:  # overlaps one already marked
            continue
        segments.append((text[position:lo], False))
        segments.append((text[lo:hi], True))
        position = hi
    segments.append((text[position:], False))
    return [s for s in segments if s[0]]


def highlight(text: str | None, words: list[str], *, width: int = 180) -> SafeString:
    """A window of ``text`` (cleaned as search sees it) around the first found word,
    escaped, with the found words in <mark>."""
    text = thai.clean(text)
    if not text:
        return mark_safe("")
    segments = _segments(text, words) if words else [(text, False)]
    # Where the first found word starts, to centre the window on it.
    offset = 0
    first = 0
    for piece, found in segments:
        if found:
            first = offset
            break
        offset += len(piece)
    start = max(0, first - width // 3)
    end = start + width
    html = ["…"] if start else []
    offset = 0
    for piece, found in segments:
        lo, hi = offset, offset + len(piece)
        offset = hi
        if hi <= start or lo >= end:
            continue
        visible = piece[max(0, start - lo) : len(piece) - max(0, hi - end)]
        html.append(format_html("<mark>{}</mark>", visible) if found else escape(visible))
    if end < len(text):
        html.append("…")
    return mark_safe("".join(str(h) for h in html))
