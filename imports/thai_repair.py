"""Repair Thai text that PDF extraction broke, without touching text that is right.

Text copied out of a PDF loses sara am ("ลาปาง" for "ลำปาง": the glyph was drawn
as nikhahit + sara aa and only the aa survived), puts marks after the next letter
("ประชมุ" for "ประชุม", "นเิ วศ" for "นิเวศ") and inserts spaces where a displaced
mark left a gap ("จงั หวดั"). See the slides seed for real examples.

The repair is a small search guided by pythainlp's dictionary: a stretch of text
is changed only if the change leaves fewer characters outside dictionary words
(pythainlp's ``newmm`` tokenizer over ``thai_words()``). Text that is already right
is made of dictionary words, so no edit can improve it and it comes back as it was;
names and typos that are not in the dictionary are kept unless an edit turns them
into words, which real names seldom become.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pythainlp.corpus import thai_words
from pythainlp.tokenize import word_tokenize

# Above and below vowels, tone marks, thanthakhat, nikhahit, maitaikhu.
MARKS = set("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")
THAI_LETTER = re.compile(r"[\u0e01-\u0e4e]")
# A run of Thai with the single spaces inside it (where extraction may have put them).
THAI_RUN = re.compile(r"[\u0e01-\u0e4e]+(?: [\u0e01-\u0e4e]+)*")
WINDOW = 24  # characters either side of an edit
PAIR_REACH = 4  # how far apart two edits that only help together may be
MAX_RUN = 200  # characters; longer runs are repaired word group by word group


@lru_cache(maxsize=1)
def _words() -> frozenset[str]:
    return frozenset(thai_words())


@lru_cache(maxsize=20000)
def _tokens(text: str) -> tuple[tuple[int, int, bool], ...]:
    """(start, end, is a dictionary word) of each Thai token of ``text``."""
    words = _words()
    out, pos = [], 0
    for token in word_tokenize(text, engine="newmm", keep_whitespace=True):
        start, pos = pos, pos + len(token)
        if THAI_LETTER.search(token):
            out.append((start, pos, token in words))
    return tuple(out)


def unknown_chars(text: str) -> int:
    """How many Thai characters of ``text`` fall outside dictionary words."""
    return sum(end - start for start, end, known in _tokens(text) if not known)


def _score(text: str) -> tuple[int, int]:
    return unknown_chars(text), len(_tokens(text))


def _token_at(text: str, position: int) -> tuple[int, int, bool] | None:
    for token in _tokens(text):
        if token[0] <= position < token[1]:
            return token
    return None


def _invalid_mark(text: str, i: int) -> bool:
    """A mark that cannot stand where it is: after a space, a leading vowel or sara aa."""
    return i == 0 or text[i - 1] in " \u0e40\u0e41\u0e42\u0e43\u0e44\u0e30\u0e32\u0e33"


def _edits(text: str, damaged: bool):
    """Single-step repairs of ``text`` as (kind, candidate, position in candidate,
    position in text): a mark (or run of marks) moved back over the letter or space
    before it; sara aa read as sara am (alone or with a mark moved in the same word);
    a space dropped."""
    n = len(text)
    moves = []
    i = 0
    while i < n:
        if text[i] in MARKS:
            j = i
            while j < n and text[j] in MARKS:
                j += 1
            if i >= 1 and text[i - 1] not in MARKS:
                rest = text[j:]
                if text[i - 1] == " " and rest.startswith(" "):
                    rest = rest[1:]  # the mark took the place of a space of its own
                moves.append((i, j))
                yield "mark", text[: i - 1] + text[i:j] + text[i - 1] + rest, i - 1, i
            i = j
            continue
        if text[i] == " " and i >= 1 and (damaged or text[i - 1] in MARKS or (i + 1 < n and text[i + 1] in MARKS)):
            yield "space", text[:i] + text[i + 1 :], i, i
        i += 1
    for i, ch in enumerate(text):
        if ch == "\u0e32" and i >= 1 and text[i - 1] not in MARKS:  # า → ำ
            am = text[:i] + "\u0e33" + text[i + 1 :]
            yield "am", am, i, i
            for start, end in moves:
                if i < start <= i + 6 and " " not in text[i:start]:
                    yield "am", am[: start - 1] + am[start:end] + am[start - 1] + am[end:], i, i


def _accept(kind: str, old: str, new: str, new_pos: int, old_pos: int, damaged: bool) -> bool:
    """An edit is kept only where it turns something broken into a dictionary word;
    moves of a mark that stood validly, and joins, only in text known to be damaged."""
    token = _token_at(new, new_pos)
    if token is None or not token[2]:
        return False
    if kind == "mark":
        if _invalid_mark(old, old_pos):
            return True
        before = _token_at(old, old_pos)
        return damaged and (before is None or not before[2]) and token[1] > new_pos + 1
    if kind == "am":
        # ลา|ปาง → ลำปาง: a longer word with sara am inside it, where there were pieces
        return token[1] - token[0] >= 4 and new_pos < token[1] - 1 and len(_tokens(new)) < len(_tokens(old))
    # a dropped space: the word must reach across where the space was
    return token[0] < new_pos < token[1] and (damaged or _invalid_mark(old, old_pos + 1))


def _window(text: str, position: int) -> tuple[int, int]:
    """The stretch around ``position`` an edit is judged on: words are short, so a
    few dozen characters either side decide, and long runs cost no more than short ones."""
    return max(0, position - WINDOW), min(len(text), position + WINDOW)


def _repair_run(run: str, damaged: bool) -> tuple[str, bool]:
    """The repaired run, and whether anything in it showed damage.

    Each round takes the edit that most reduces the characters outside dictionary
    words in its neighbourhood; rounds stop when no edit helps."""
    best = run
    for _ in range(1 + len(run) // 2):
        chosen = None
        for kind, candidate, new_pos, old_pos in _edits(best, damaged):
            start, end = _window(best, old_pos)
            old_part = best[start:end]
            new_part = candidate[start : end + len(candidate) - len(best)]
            if not _accept(kind, old_part, new_part, new_pos - start, old_pos - start, damaged):
                continue
            old_score, new_score = _score(old_part), _score(new_part)
            if new_score < old_score:
                gain = (old_score[0] - new_score[0], old_score[1] - new_score[1])
                if chosen is None or gain > chosen[0]:
                    chosen = (gain, candidate)
        if chosen is None and damaged:
            chosen = _best_pair(best)
        if chosen is None:
            break
        best, damaged = chosen[1], True
    return best, damaged


def _best_pair(text: str) -> tuple[tuple[int, int], str] | None:
    """Two edits close together that only help as a pair, as in "มสี ว่ นรว่ ม": the
    first mark goes back, the space drops, the next mark goes back. Only in text
    already known to be damaged."""
    chosen = None
    for _, first, first_new, first_old in _edits(text, True):
        for _kind, candidate, new_pos, old_pos in _edits(first, True):
            if not 0 < abs(old_pos - first_new) <= PAIR_REACH:
                continue
            start, end = _window(text, first_old)
            old_part = text[start:end]
            new_part = candidate[start : end + len(candidate) - len(text)]
            token = _token_at(new_part, min(new_pos, first_new) - start)
            if token is None or not token[2]:
                continue
            old_score, new_score = _score(old_part), _score(new_part)
            if new_score[0] < old_score[0]:
                gain = (old_score[0] - new_score[0], old_score[1] - new_score[1])
                if chosen is None or gain > chosen[0]:
                    chosen = (gain, candidate)
    return chosen


def _pieces(run: str) -> list[str]:
    """Split a long run at spaces that follow a complete word, to bound the search."""
    if len(run) <= MAX_RUN:
        return [run]
    parts, start = [], 0
    for match in re.finditer(" ", run):
        if match.start() - start >= MAX_RUN // 2 and run[match.start() - 1] not in MARKS:
            parts.append(run[start : match.start()])
            start = match.start() + 1
    parts.append(run[start:])
    return parts


def looks_damaged(text: str) -> bool:
    """Signs that only a broken extraction leaves: a mark after a space, a leading
    vowel or sara aa; sara am split into nikhahit + sara aa."""
    if "\u0e4d\u0e32" in text:
        return True
    return any(ch in MARKS and _invalid_mark(text, i) for i, ch in enumerate(text))


def repair(text: str, *, damaged: bool | None = None) -> str:
    """The text with broken Thai words put back; right text comes back unchanged.

    ``damaged`` says the document this text comes from shows damage elsewhere (one
    line of a page may carry no sign of its own); by default the text is judged alone."""
    if not text or not THAI_LETTER.search(text):
        return text
    damaged = looks_damaged(text) if damaged is None else damaged or looks_damaged(text)
    text = text.replace("\u0e4d\u0e32", "\u0e33")  # nikhahit + sara aa, as PDFs split sara am
    for _ in range(2):  # a second pass once a sara am repair has shown the text is damaged
        out, last, was = [], 0, damaged
        for match in THAI_RUN.finditer(text):
            out.append(text[last : match.start()])
            pieces = []
            for piece in _pieces(match.group()):
                fixed, damaged = _repair_run(piece, damaged)
                pieces.append(fixed)
            out.append(" ".join(pieces))
            last = match.end()
        out.append(text[last:])
        text = "".join(out)
        if damaged == was:
            break
    return text
