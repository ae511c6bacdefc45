"""Repair the text layer of the PDFs WeasyPrint writes, so Thai copies out right.

WeasyPrint builds each font's /ToUnicode map from the shaped text: a glyph gets the
text of the first cluster it was drawn in. Thai clusters hold several glyphs, so the
map comes out wrong — sara aa (า) is mapped to sara am (ำ) because it first appeared
as half of one, the nikhahit half maps to nothing, tone marks inside a cluster map to
nothing — and copying "น้ำ" from the PDF gives "นา".

``repair_text_layer`` rewrites every /ToUnicode map so that each glyph maps to its
own character(s), worked out from the font itself:

1. the font's cmap, reversed (glyph → the code point that selects it);
2. Thai presentation forms in the private use area (U+F700–U+F71A: tone marks
   shifted low or left, ฐ and ญ without their descender…) map back to the base
   character they draw;
3. glyphs no code point selects (variants and ligatures produced by GSUB) are
   traced back through the GSUB lookups to the characters they came from, and
   glyph names (``uni0E33.alt1``) are the last resort.

The subset font WeasyPrint embeds keeps its cmap for the glyphs it uses but loses its
GSUB table and glyph names; WeasyPrint subsets with retained glyph ids, so the
bundled font file it came from (matched by PostScript name and checked by glyph
widths) supplies those. A glyph none of this explains keeps WeasyPrint's mapping.

Glyphs are drawn in visual order, not typed order: sara am is drawn as nikhahit +
sara aa with the tone mark between them (น ํ ้ า for "น้ำ"), a tone mark before the
vowel below it (ร ้ ู for "รู้"). With the per-glyph map alone, extraction gives the
same letters in drawing order ("นํ้า"), which Thai normalisation (NFC plus
pythainlp's ``normalize``) turns back into what was typed. To give back the typed
text itself, each such run of marks is also wrapped in a marked-content span with
/ActualText (PDF 32000 §14.9.4) — poppler (pdftotext, Evince, Okular) and Acrobat
read it. For a reader that ignores /ActualText (pypdf, for one) the glyphs of such
a run are also drawn through alias codes (same glyph, through /CIDToGIDMap): the
first carries the typed run as its text, the others none, so "น้ำ" comes back as
typed from the per-glyph map alone.
Only runs inside one TJ/Tj operator are wrapped; WeasyPrint writes a word's glyphs
in one, with the marks' offsets as position adjustments.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pikepdf
from fontTools import agl
from fontTools.ttLib import TTFont

logger = logging.getLogger(__name__)

# Thai presentation forms (the Microsoft / Apple private-use convention that TLWG and
# TH Sarabun fonts follow) → the character each glyph draws.
THAI_PUA_TO_BASE = {
    0xF700: "\u0e10",  # ฐ without its lower tail
    0xF701: "\u0e34",  # sara i, shifted left
    0xF702: "\u0e35",
    0xF703: "\u0e36",
    0xF704: "\u0e37",
    0xF705: "\u0e48",  # mai ek, low and left
    0xF706: "\u0e49",
    0xF707: "\u0e4a",
    0xF708: "\u0e4b",
    0xF709: "\u0e4c",
    0xF70A: "\u0e48",  # mai ek, low
    0xF70B: "\u0e49",
    0xF70C: "\u0e4a",
    0xF70D: "\u0e4b",
    0xF70E: "\u0e4c",
    0xF70F: "\u0e0d",  # ญ without its lower tail
    0xF710: "\u0e31",  # mai han-akat, left
    0xF711: "\u0e4d",  # nikhahit, left
    0xF712: "\u0e47",  # mai taikhu, left
    0xF713: "\u0e48",  # mai ek, left
    0xF714: "\u0e49",
    0xF715: "\u0e4a",
    0xF716: "\u0e4b",
    0xF717: "\u0e4c",
    0xF718: "\u0e38",  # sara u, low
    0xF719: "\u0e39",
    0xF71A: "\u0e3a",
}

_NAME_CODEPOINT_RE = re.compile(r"^(?:uni([0-9A-F]{4})|u([0-9A-F]{4,6}))$")
_BFCHAR_RE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")
_BFRANGE_RE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>")


def _is_private_use(codepoint: int) -> bool:
    return 0xE000 <= codepoint <= 0xF8FF or codepoint >= 0xF0000


def _text_from_glyph_name(name: str) -> str | None:
    """``uni0E34.left`` → "ิ"; ``uni0E1F_uni0E49`` → "ฟ้"; AGL names too."""
    base = name.split(".", 1)[0]
    if not base:
        return None
    parts = []
    for part in base.split("_"):
        if match := _NAME_CODEPOINT_RE.match(part):
            codepoint = int(match[1] or match[2], 16)
        else:
            text = agl.toUnicode(part)
            if not text:
                return None
            parts.append(text)
            continue
        if _is_private_use(codepoint):
            text = THAI_PUA_TO_BASE.get(codepoint)
            if text is None:
                return None
            parts.append(text)
        else:
            parts.append(chr(codepoint))
    return "".join(parts) or None


def _texts_from_cmap(font: TTFont) -> dict[str, str]:
    """Glyph name → text, from the cmap. A glyph selected by several code points
    takes the lowest ordinary one; a private-use code point counts only through
    the Thai presentation-form table."""
    texts: dict[str, str] = {}
    if "cmap" not in font:
        return texts
    best: dict[str, int] = {}
    fallback: dict[str, str] = {}
    for table in font["cmap"].tables:
        if not table.isUnicode():
            continue
        for codepoint, glyph in table.cmap.items():
            if _is_private_use(codepoint):
                if codepoint in THAI_PUA_TO_BASE:
                    fallback.setdefault(glyph, THAI_PUA_TO_BASE[codepoint])
                continue
            if glyph not in best or codepoint < best[glyph]:
                best[glyph] = codepoint
    texts.update({glyph: chr(codepoint) for glyph, codepoint in best.items()})
    for glyph, text in fallback.items():
        texts.setdefault(glyph, text)
    return texts


# The features HarfBuzz (through Pango) applies without being asked.
DEFAULT_FEATURES = frozenset({"ccmp", "locl", "rlig", "liga", "clig", "calt"})


def _gsub_subtables(font: TTFont):
    """(lookup index, lookup type, subtable) for every GSUB subtable."""
    if "GSUB" not in font or font["GSUB"].table.LookupList is None:
        return
    for index, lookup in enumerate(font["GSUB"].table.LookupList.Lookup):
        for subtable in lookup.SubTable:
            if lookup.LookupType == 7:  # extension: the real subtable is inside
                yield index, subtable.ExtSubTable.LookupType, subtable.ExtSubTable
            else:
                yield index, lookup.LookupType, subtable


def _called_lookups(node, depth: int = 0):
    """Lookup indices a (chained) contextual subtable calls, wherever they sit."""
    if depth > 8:
        return
    if hasattr(node, "SequenceIndex") and hasattr(node, "LookupListIndex"):
        yield node.LookupListIndex
    elif isinstance(node, list):
        for item in node:
            yield from _called_lookups(item, depth + 1)
    elif hasattr(node, "__dict__") and not isinstance(node, str):
        for value in vars(node).values():
            if isinstance(value, list) or hasattr(value, "__dict__"):
                yield from _called_lookups(value, depth + 1)


def _default_lookups(font: TTFont) -> set[int]:
    """The GSUB lookups that run in default shaping, called ones included."""
    gsub = font["GSUB"].table
    if gsub.FeatureList is None:
        return set()
    indices = {
        index
        for record in gsub.FeatureList.FeatureRecord
        if record.FeatureTag in DEFAULT_FEATURES
        for index in record.Feature.LookupListIndex
    }
    subtables: dict[int, list] = defaultdict(list)
    for index, lookup_type, subtable in _gsub_subtables(font):
        if lookup_type in (5, 6):
            subtables[index].append(subtable)
    pending = list(indices)
    while pending:
        for subtable in subtables.get(pending.pop(), []):
            for called in _called_lookups(subtable):
                if called not in indices:
                    indices.add(called)
                    pending.append(called)
    return indices


def _prefer_ligature_components(font: TTFont, texts: dict[str, str]) -> None:
    """A ligature that default shaping makes from typed letters ("fi" → ﬁ) reads back
    as those letters, even when the cmap also gives the ligature a code point
    (U+FB01). Ligatures of optional features (frac: 1/2 → ½) keep their code point."""
    if "GSUB" not in font:
        return
    default = _default_lookups(font)
    for index, lookup_type, subtable in _gsub_subtables(font):
        if lookup_type != 4 or index not in default:
            continue
        for first, ligatures in subtable.ligatures.items():
            for ligature in ligatures:
                components = [first, *ligature.Component]
                if all(component in texts for component in components):
                    texts[ligature.LigGlyph] = "".join(texts[c] for c in components)


def _add_gsub_texts(font: TTFont, texts: dict[str, str]) -> None:
    """Give glyphs that only GSUB produces the text of what they replace.

    Single and alternate substitutions inherit their source's text; a ligature gets
    its components' texts joined; the glyphs a multiple substitution splits a
    character into share its compatibility decomposition when the counts match
    (ำ → ํ + า), else the first takes the whole text. Repeated until nothing
    changes, since lookups feed each other.
    """
    subtables = [(lookup_type, subtable) for _, lookup_type, subtable in _gsub_subtables(font)]
    changed = True
    while changed:
        changed = False

        def give(glyph: str, text: str) -> None:
            nonlocal changed
            if glyph not in texts:
                texts[glyph] = text
                changed = True

        for lookup_type, subtable in subtables:
            if lookup_type == 1:
                for source, target in subtable.mapping.items():
                    if source in texts:
                        give(target, texts[source])
            elif lookup_type == 2:
                for source, targets in subtable.mapping.items():
                    if source not in texts or not targets:
                        continue
                    parts = list(unicodedata.normalize("NFKD", texts[source]))
                    if len(parts) != len(targets):
                        parts = [texts[source]] + [""] * (len(targets) - 1)
                    for target, part in zip(targets, parts, strict=True):
                        give(target, part)
            elif lookup_type == 3:
                for source, alternates in subtable.alternates.items():
                    if source in texts:
                        for alternate in alternates:
                            give(alternate, texts[source])
            elif lookup_type == 4:
                for first, ligatures in subtable.ligatures.items():
                    for ligature in ligatures:
                        components = [first, *ligature.Component]
                        if all(component in texts for component in components):
                            give(ligature.LigGlyph, "".join(texts[c] for c in components))


def glyph_texts(font: TTFont) -> dict[int, str]:
    """Glyph id → the text that glyph draws, for every glyph we can explain."""
    texts = _texts_from_cmap(font)
    order = font.getGlyphOrder()
    _prefer_ligature_components(font, texts)
    _add_gsub_texts(font, texts)
    for name in order:
        if name not in texts and (text := _text_from_glyph_name(name)) is not None:
            texts[name] = text
    return {gid: texts[name] for gid, name in enumerate(order) if name in texts}


def _postscript_name(font: TTFont) -> str | None:
    if "name" not in font:
        return None
    name = font["name"].getDebugName(6)
    return name.split("+", 1)[-1] if name else None


class _SourceFont:
    """A bundled font file: its PostScript name, glyph widths and glyph texts."""

    def __init__(self, path: Path):
        font = TTFont(path, lazy=True)
        self.path = path
        self.postscript_name = _postscript_name(font)
        self.num_glyphs = font["maxp"].numGlyphs
        order = font.getGlyphOrder()
        metrics = font["hmtx"].metrics
        self.advances = [metrics[name][0] for name in order]
        self.texts = glyph_texts(font)
        font.close()

    def matches(self, embedded: TTFont) -> bool:
        """Same PostScript name, and the same advance width for every glyph the
        subset kept: the subset kept this file's glyph ids."""
        if _postscript_name(embedded) != self.postscript_name:
            return False
        order = embedded.getGlyphOrder()
        if len(order) > self.num_glyphs:
            return False
        metrics = embedded["hmtx"].metrics
        kept = [gid for gid, name in enumerate(order) if name in metrics and metrics[name][0]]
        return all(metrics[order[gid]][0] == self.advances[gid] for gid in kept)


@lru_cache(maxsize=32)
def _source_font(path: str, mtime: float) -> _SourceFont:
    return _SourceFont(Path(path))


def _source_fonts(paths: Iterable[Path]) -> list[_SourceFont]:
    sources = []
    for path in paths:
        try:
            sources.append(_source_font(str(path), path.stat().st_mtime))
        except Exception:  # not a font we can read: the subsets' own cmaps still serve
            logger.warning("Cannot read font file %s", path, exc_info=True)
    return sources


def _parse_to_unicode(data: bytes) -> dict[int, str]:
    """The bfchar and bfrange entries of a ToUnicode CMap (what WeasyPrint writes)."""
    mapping: dict[int, str] = {}

    def decode(hex_text: bytes) -> str:
        return bytes.fromhex(hex_text.decode()).decode("utf-16-be", errors="replace")

    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in _BFCHAR_RE.findall(block):
            mapping[int(code, 16)] = decode(text)
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for start, end, text in _BFRANGE_RE.findall(block):
            first = decode(text)
            for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                mapping[code] = first[:-1] + chr(ord(first[-1]) + offset) if first else ""
    return mapping


def _to_unicode_stream(mapping: dict[int, str]) -> bytes:
    lines = [
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
    ]
    items = sorted(mapping.items())
    for start in range(0, len(items), 100):  # at most 100 entries per block
        batch = items[start : start + 100]
        lines.append(f"{len(batch)} beginbfchar".encode())
        for code, text in batch:
            lines.append(f"<{code:04x}> <{text.encode('utf-16-be').hex()}>".encode())
        lines.append(b"endbfchar")
    lines += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    return b"\n".join(lines)


def _cid_to_gid(descendant: pikepdf.Dictionary) -> dict[int, int] | None:
    """None means the identity (WeasyPrint's /Identity map)."""
    cid_map = descendant.get("/CIDToGIDMap")
    if cid_map is None or cid_map == pikepdf.Name.Identity:
        return None
    data = cid_map.read_bytes()
    return {cid: int.from_bytes(data[2 * cid : 2 * cid + 2], "big") for cid in range(len(data) // 2)}


def _widths(descendant: pikepdf.Dictionary) -> dict[int, int]:
    """CID → advance width from a CIDFont's /W array (both of its forms)."""
    widths: dict[int, int] = {}
    items = list(descendant.get("/W", []))
    index = 0
    while index < len(items):
        first = int(items[index])
        following = items[index + 1]
        if isinstance(following, pikepdf.Array):
            for offset, width in enumerate(following):
                widths[first + offset] = int(width)
            index += 2
        else:
            last, width = int(following), int(items[index + 2])
            for cid in range(first, last + 1):
                widths[cid] = width
            index += 3
    return widths


def _embedded_font(descendant: pikepdf.Dictionary) -> TTFont | None:
    descriptor = descendant.get("/FontDescriptor")
    if descriptor is None:
        return None
    stream = descriptor.get("/FontFile2") or descriptor.get("/FontFile3")
    if stream is None:
        return None
    try:
        return TTFont(io.BytesIO(stream.read_bytes()))
    except Exception:  # a font fontTools cannot read: leave its map alone
        logger.warning("Cannot read embedded font %s", descriptor.get("/FontName"), exc_info=True)
        return None


def _repair_font(font_dict: pikepdf.Dictionary, sources: list[_SourceFont]) -> dict[int, str] | None:
    """Rebuild one Type0 font's /ToUnicode; return its new map (code → text)."""
    descendants = font_dict.get("/DescendantFonts")
    if not descendants or "/ToUnicode" not in font_dict:
        return None
    descendant = descendants[0]
    embedded = _embedded_font(descendant)
    if embedded is None:
        return None
    old = _parse_to_unicode(font_dict.ToUnicode.read_bytes())
    # The bundled file the subset came from knows more (GSUB, glyph names); the
    # subset's own cmap covers fonts we did not bundle.
    source = next((source for source in sources if source.matches(embedded)), None)
    texts = dict(source.texts) if source else {}
    for gid, text in glyph_texts(embedded).items():
        texts.setdefault(gid, text)
    cid_to_gid = _cid_to_gid(descendant)
    new = {}
    for cid, old_text in old.items():
        gid = cid if cid_to_gid is None else cid_to_gid.get(cid, cid)
        new[cid] = texts.get(gid, old_text)
    if new != old:
        font_dict.ToUnicode.write(_to_unicode_stream(new))
    return new


# ---------------------------------------------------------------------------
# /ActualText where the glyph order is not the typed order

NIKHAHIT, SARA_AA, SARA_AM = "\u0e4d", "\u0e32", "\u0e33"
# Thai vowel signs and marks drawn above or below their consonant.
THAI_MARKS = frozenset(
    "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e"
)


def mark_spans(texts: list[str]) -> list[tuple[int, int, str]]:
    """(first, end, actual text) for each run of mark glyphs drawn out of typed order.

    Glyphs come in drawing order. Sara am is drawn as nikhahit + sara aa with the
    tone mark between them (น ํ ้ า for น้ำ), and a tone mark is drawn before the
    vowel below it (ร ้ ู for รู้). Such a run gets the text it was typed as: the
    marks in canonical order (NFC), then sara am.
    """
    spans = []
    index = 0
    while index < len(texts):
        if texts[index] not in THAI_MARKS:
            index += 1
            continue
        end = index
        while end < len(texts) and texts[end] in THAI_MARKS:
            end += 1
        marks = texts[index:end]
        am = NIKHAHIT in marks and end < len(texts) and texts[end] == SARA_AA
        if am:
            marks = [mark for mark in marks if mark != NIKHAHIT]
            end += 1
        drawn = "".join(texts[index:end])
        typed = unicodedata.normalize("NFC", "".join(marks)) + (SARA_AM if am else "")
        if typed != drawn:
            spans.append((index, end, typed))
        index = end
    return spans


# WeasyPrint writes text as "/F1 21.333008 Tf" and "[<0116>0<013a0123>-14.3<0105>] TJ":
# hex strings of two-byte glyph codes and numbers. A page is rewritten at the byte
# level (parsing every operator with pikepdf costs more than the rest of the repair);
# an array in any other form is left as it is.
_TEXT_RE = re.compile(rb"/([^\s/\[\]<>()]+)\s+[-+0-9.]+\s+Tf|\[([^\]()]*)\]\s*TJ")
_ARRAY_RE = re.compile(rb"(?:\s*(?:<[0-9A-Fa-f]*>|[-+0-9.]+))*\s*")
_HEX_RE = re.compile(rb"<([0-9A-Fa-f]*)>")
# Only these marks can be drawn out of typed order: nikhahit (half of sara am), and
# the vowels below, which the font draws after a tone mark.
_OUT_OF_ORDER_MARKS = frozenset("\u0e4d\u0e38\u0e39\u0e3a")


class _FontText:
    """A font's code → text map, and a quick test for arrays that may need a span.

    ``alias`` hands out new codes for glyphs inside a run of marks drawn out of typed
    order: the run's first glyph gets a code whose text is the whole typed run, the
    others a code with no text, each drawing the same glyph as before (the
    CIDToGIDMap says so). Readers that ignore /ActualText (pypdf) then still read
    "น้ำ", not "นํ้า"; ``finish`` writes the new codes into the font.
    """

    def __init__(self, to_text: dict[int, str], font_dict: pikepdf.Dictionary | None = None):
        self.to_text = to_text
        self.font_dict = font_dict
        self.aliases: dict[tuple[int, str], int] = {}
        self.next_code = max(to_text, default=0) + 1
        codes = [f"{code:04x}".encode() for code, text in to_text.items() if text in _OUT_OF_ORDER_MARKS]
        # Matches a glyph-code string (4 hex digits a glyph) holding one of ``codes``.
        self.trigger = re.compile(rb"^(?:[0-9a-f]{4})*?(?:" + b"|".join(codes) + rb")", re.I) if codes else None

    def may_need_span(self, array: bytes) -> bool:
        return self.trigger is not None and self.trigger.match(b"".join(_HEX_RE.findall(array))) is not None

    def alias(self, code: int, text: str) -> int | None:
        """A code drawing the same glyph as ``code`` whose text is ``text``."""
        if self.font_dict is None:
            return None
        key = (code, text)
        if key not in self.aliases:
            if self.next_code > 0xFFFF:
                return None
            self.aliases[key] = self.next_code
            self.next_code += 1
        return self.aliases[key]

    def finish(self, pdf: pikepdf.Pdf) -> None:
        """Write the alias codes into the font: /ToUnicode, /CIDToGIDMap and /W."""
        if not self.aliases or self.font_dict is None:
            return
        descendant = self.font_dict.DescendantFonts[0]
        cid_to_gid = _cid_to_gid(descendant)
        widths = _widths(descendant)
        default_width = int(descendant.get("/DW", 1000))
        top = max(self.aliases.values())
        gids = bytearray()
        for cid in range(top + 1):
            gid = cid if cid_to_gid is None else cid_to_gid.get(cid, 0)
            gids += gid.to_bytes(2, "big")
        mapping = dict(self.to_text)
        extra_widths = pikepdf.Array()
        for (code, text), alias in sorted(self.aliases.items(), key=lambda item: item[1]):
            gid = code if cid_to_gid is None else cid_to_gid.get(code, 0)
            gids[2 * alias : 2 * alias + 2] = gid.to_bytes(2, "big")
            mapping[alias] = text
            extra_widths.append(alias)
            extra_widths.append(pikepdf.Array([widths.get(code, default_width)]))
        descendant.CIDToGIDMap = pdf.make_stream(bytes(gids))
        descendant.W = pikepdf.Array(list(descendant.get("/W", pikepdf.Array())) + list(extra_widths))
        self.font_dict.ToUnicode.write(_to_unicode_stream(mapping))


def _with_actual_text(array: bytes, font: _FontText) -> bytes | None:
    """The TJ ``array`` split so that each run of marks drawn out of typed order
    sits in a /Span with its /ActualText; None if it has none (or is not in the
    form WeasyPrint writes)."""
    if not _ARRAY_RE.fullmatch(array):
        return None
    strings = [(match.start(1), match.end(1)) for match in _HEX_RE.finditer(array)]
    if any((end - start) % 4 for start, end in strings):
        return None  # not two-byte codes
    offsets = [offset for start, end in strings for offset in range(start, end, 4)]
    spans = mark_spans([font.to_text.get(int(array[o : o + 4], 16), "") for o in offsets])
    if not spans:
        return None
    # The run's glyphs drawn through alias codes that carry the typed text.
    recoded = bytearray(array)
    for first, end, actual in spans:
        for index in range(first, end):
            offset = offsets[index]
            alias = font.alias(int(array[offset : offset + 4], 16), actual if index == first else "")
            if alias is not None:
                recoded[offset : offset + 4] = f"{alias:04x}".encode()
    array = bytes(recoded)

    def cut(index: int) -> tuple[int, bool]:
        """Where glyph ``index`` starts in ``array``, and whether inside a string."""
        if index == len(offsets):
            return len(array), False
        position = offsets[index]
        return (position - 1, False) if array[position - 1 : position] == b"<" else (position, True)

    def tj(start: tuple[int, bool], end: tuple[int, bool]) -> bytes:
        body = (b"<" if start[1] else b"") + array[start[0] : end[0]] + (b">" if end[1] else b"")
        return b"[" + body + b"] TJ"

    pieces: list[bytes] = []
    position = (0, False)
    for first, end, actual in spans:
        begin, stop = cut(first), cut(end)
        if array[position[0] : begin[0]].strip():
            pieces.append(tj(position, begin))
        text = ("\ufeff" + actual).encode("utf-16-be").hex().encode()
        pieces += [b"/Span <</ActualText <" + text + b">>> BDC", tj(begin, stop), b"EMC"]
        position = stop
    if array[position[0] :].strip():
        pieces.append(tj(position, (len(array), False)))
    return b"\n".join(pieces)


def _add_actual_text(pdf: pikepdf.Pdf, maps: dict[tuple[int, int], _FontText]) -> None:
    for page in pdf.pages:
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        by_name = {str(name)[1:].encode(): maps.get(font.objgen) for name, font in fonts.items()}
        if not any(by_name.values()):
            continue
        contents = page.obj.get("/Contents")
        if contents is None:
            continue
        streams = list(contents) if isinstance(contents, pikepdf.Array) else [contents]
        data = b"\n".join(stream.read_bytes() for stream in streams)
        current: _FontText | None = None
        pieces: list[bytes] = []
        position = 0
        changed = False
        for match in _TEXT_RE.finditer(data):
            if match[1] is not None:
                current = by_name.get(match[1])
                continue
            if current is None or not current.may_need_span(match[2]):
                continue
            split = _with_actual_text(match[2], current)
            if split is not None:
                pieces += [data[position : match.start()], split]
                position = match.end()
                changed = True
        if changed:
            pieces.append(data[position:])
            page.obj.Contents = pdf.make_stream(b"".join(pieces))


def repair_text_layer(pdf_bytes: bytes, source_fonts: Iterable[Path] = ()) -> bytes:
    """Return ``pdf_bytes`` with every Type0 font's /ToUnicode rebuilt glyph by glyph,
    and /ActualText on each run of Thai marks drawn out of typed order.

    ``source_fonts`` are the font files the document was set in; they supply what
    the embedded subsets dropped (GSUB, glyph names).
    """
    sources = _source_fonts(source_fonts)
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        maps: dict[tuple[int, int], _FontText] = {}
        for obj in pdf.objects:
            is_font = isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.Font
            if (
                is_font
                and obj.get("/Subtype") == pikepdf.Name.Type0
                and obj.get("/Encoding") == pikepdf.Name("/Identity-H")
            ):
                mapping = _repair_font(obj, sources)
                if mapping is not None:
                    maps[obj.objgen] = _FontText(mapping, obj)
        if not maps:
            return pdf_bytes
        _add_actual_text(pdf, maps)
        for font in maps.values():
            font.finish(pdf)
        out = io.BytesIO()
        pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.preserve)
        return out.getvalue()
