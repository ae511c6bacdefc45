"""Thai formatting and parsing: the one place that knows how the office writes.

Everything goes through pythainlp (digits, Buddhist-Era dates, dictionary order)
so no hand-written tables live in the project.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

from django.db.models import Case, IntegerField, Q, Value, When
from pythainlp.util import (
    arabic_digit_to_thai_digit,
    collate,
    normalize,
    reorder_vowels,
    thai_digit_to_arabic_digit,
    thai_strftime,
)

from lampang_tracker import fulltext

T = TypeVar("T")

BE_OFFSET = 543


def thai_digits(value: object) -> str:
    """Write every Arabic digit of ``value`` as a Thai digit (๐–๙)."""
    if value is None:
        return ""
    return arabic_digit_to_thai_digit(str(value))


def arabic_digits(value: str) -> str:
    """Turn Thai digits typed by a user into Arabic digits."""
    return thai_digit_to_arabic_digit(value) if value else value


def be_year(date: datetime.date) -> int:
    return date.year + BE_OFFSET


def _as_datetime(value: datetime.date | datetime.datetime) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.combine(value, datetime.time())


def date_long(value: datetime.date | None, *, digits: bool = True) -> str:
    """๒๙ พฤศจิกายน ๒๕๖๐"""
    if not value:
        return ""
    return thai_strftime(_as_datetime(value), "%-d %B %Y", thaidigit=digits)


def date_weekday(value: datetime.date | None, *, digits: bool = True) -> str:
    """วันพุธที่ ๑๗ มิถุนายน ๒๕๖๓: the heading line of minutes (แบบที่ ๑๑)."""
    if not value:
        return ""
    return thai_strftime(_as_datetime(value), "%Aที่ %-d %B %Y", thaidigit=digits)


def date_short(value: datetime.date | None, *, digits: bool = True) -> str:
    """๒๙ พ.ย. ๒๕๖๐"""
    if not value:
        return ""
    return thai_strftime(_as_datetime(value), "%-d %b %Y", thaidigit=digits)


def date_numeric(value: datetime.date | None) -> str:
    """29/11/2560: the form Thai users type and read in inputs."""
    if not value:
        return ""
    return f"{value.day:02d}/{value.month:02d}/{be_year(value)}"


def time_thai(value: datetime.time | None, *, digits: bool = True) -> str:
    """๐๙.๓๐ น."""
    if not value:
        return ""
    text = f"{value.hour:02d}.{value.minute:02d} น."
    return thai_digits(text) if digits else text


_DATE_RE = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\s*$")
_ISO_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def parse_thai_date(text: str) -> datetime.date:
    """Read a date as Thai users type it.

    ``29/11/2560`` (day/month/พ.ศ., Thai or Arabic digits, / . or - between) and the
    ISO ``2017-11-29`` that browsers' date pickers send. A four-digit year above
    2400 is taken as พ.ศ.; raises ``ValueError`` with a Thai message otherwise.
    """
    text = arabic_digits(text or "").strip()
    if match := _ISO_RE.match(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DATE_RE.match(text):
        day, month, year = (int(g) for g in match.groups())
    else:
        raise ValueError("กรุณากรอกวันที่ในรูปแบบ วว/ดด/ปปปป (พ.ศ.) เช่น 29/11/2560")
    if year > 2400:
        year -= BE_OFFSET
    elif year < 1900:
        raise ValueError("ปีไม่ถูกต้อง กรุณากรอกปี พ.ศ. เช่น 2560")
    try:
        return datetime.date(year, month, day)
    except ValueError as exc:
        raise ValueError("ไม่มีวันที่นี้ในปฏิทิน กรุณาตรวจสอบวัน เดือน ปี") from exc


# What one centred line of a document's head holds at 16 pt in 16 cm, counting the
# characters that take room (Thai vowels and tone marks above and below take none).
HEAD_LINE_WIDTH = 70


def display_width(text: str) -> int:
    return sum(1 for ch in text if unicodedata.category(ch) != "Mn")


def head_lines(text: str, width: int = HEAD_LINE_WIDTH) -> list[str]:
    """A head line too long for one line, cut where the office cuts it: after a
    closing bracket ("ณ ห้องศูนย์ปฏิบัติการจังหวัดลำปาง (สำนักงาน…แห่งชาติ)" / "ชั้น ๑
    ศาลากลางจังหวัดลำปาง", as the minutes seed), the latest that leaves the first
    line whole; with no such place, one line that the renderer wraps."""
    text = text.strip()
    if display_width(text) <= width:
        return [text]
    cuts = [match.end() for match in re.finditer(r"\)\s+", text)]
    fitting = [cut for cut in cuts if display_width(text[:cut].rstrip()) <= width and text[cut:].strip()]
    if not fitting:
        return [text]
    return [text[: fitting[-1]].rstrip(), text[fitting[-1] :].strip()]


def thai_sorted(items: Iterable[T], key: Callable[[T], str] = str) -> list[T]:
    """Sort in Thai dictionary order (เ/แ/ไ words among their consonant, not last)."""
    items = list(items)
    names = [key(item) for item in items]
    rank = {name: index for index, name in enumerate(collate(names))}
    return sorted(items, key=lambda item: rank[key(item)])


# ---------------------------------------------------------------------------
# Line breaks between words (printed documents)

# Office words pythainlp's dictionary lacks or would cut in two ("โยธา|ธิการ", "ตัว|ชี้|วัด").
OFFICE_WORDS = frozenset(
    {
        "โยธาธิการ",
        "ตัวชี้วัด",
        "อยู่ระหว่าง",
        "ส่วนราชการ",
        "หน่วยงาน",
        "ผังเมือง",
        "รายบุคคล",
        "ข้อตกลง",
        "ช่องทาง",
        "ดำเนินการ",
        "พระพุทธศาสนา",
        "ศึกษาธิการ",
        "สาธารณภัย",
        "ปศุสัตว์",
        "ท้องถิ่น",
        "อำนวยการ",
        "เลขานุการ",
        "ยุทธศาสตร์",
        "ผู้ว่าราชการจังหวัด",
        "รองผู้ว่าราชการจังหวัด",
        "นายอำเภอ",
        "ที่ประชุม",
        "มติที่ประชุม",
        "ประธาน",
        "หมายเหตุ",
        "รับทราบ",
        "ลำปาง",
    }
)
# A word is set in one piece only up to this many characters (marks included): a
# longer dictionary entry could not fit the หน่วยงานรับผิดชอบ column, so it is cut
# into the shorter words it is made of.
LONGEST_UNBROKEN_WORD = 20
# The parts of an agency's name that are not words of their own.
_AGENCY_AFFIX_RE = re.compile(r"^(?:สำนักงาน|ที่ทำการ|สำนัก|ศูนย์|กอง)|(?:จังหวัดลำปาง|จังหวัด|ลำปาง)$")
_THAI_RUN_RE = re.compile(r"[\u0e01-\u0e5b]+")


def agency_words(names: Iterable[str]) -> set[str]:
    """Words of agency names for the line-break dictionary: "สำนักงานโยธาธิการและ
    ผังเมืองจังหวัดลำปาง" gives "โยธาธิการ" and "ผังเมือง" (short enough to keep whole)."""
    words = set()
    for name in names:
        for part in re.split(r"[\s/(),]+|และ", name):
            core = part
            for _ in range(2):
                core = _AGENCY_AFFIX_RE.sub("", core)
            if 2 < len(core) <= 12 and _THAI_RUN_RE.fullmatch(core):
                words.add(core)
    return words


class WordSet:
    """The dictionary newmm cuts with, in a few MB where pythainlp's ``Trie`` (a
    Python object per letter of every word) takes some 60 MB of every process that
    prints. newmm asks it one thing only, ``prefixes``: the words that begin at a
    place of a text, shortest first — the same answer as the trie's."""

    # Every beginning of a word this long is kept: a text whose next letters begin
    # no word is given up there instead of tried at every length up to the longest.
    HEAD_LENGTHS = (2, 3, 4, 5)

    def __init__(self, words: Iterable[str]):
        self.words = frozenset(word.strip() for word in words if word.strip())
        self.longest = max(map(len, self.words), default=0)
        self.heads = frozenset(
            word[:length] for word in self.words for length in self.HEAD_LENGTHS if len(word) >= length
        )

    def prefixes(self, text: str, start: int = 0) -> list[str]:
        found = []
        for stop in range(start + 1, min(len(text), start + self.longest) + 1):
            piece = text[start:stop]
            if stop - start in self.HEAD_LENGTHS and piece not in self.heads:
                break
            if piece in self.words:
                found.append(piece)
        return found

    def __contains__(self, word: object) -> bool:
        return word in self.words

    def __len__(self) -> int:
        return len(self.words)


_word_sets: dict[frozenset[str], WordSet] = {}


def _word_set(extra: frozenset[str]) -> WordSet:
    from pythainlp.corpus import thai_words

    if extra not in _word_sets:
        _word_sets.clear()  # only the latest agency list is kept
        words = {word for word in thai_words() if len(word) <= LONGEST_UNBROKEN_WORD}
        _word_sets[extra] = WordSet(words | OFFICE_WORDS | extra)
    return _word_sets[extra]


def thai_words_of(text: str, *, extra_words: Iterable[str] = ()) -> list[str]:
    """``text`` cut into words (pythainlp newmm with the office's dictionary)."""
    return list(_words_of(text, frozenset(extra_words)))


@lru_cache(maxsize=20_000)
def _words_of(text: str, extra_words: frozenset[str]) -> tuple[str, ...]:
    # Agency names, states and headings repeat on every page of a report.
    from pythainlp.tokenize import word_tokenize

    return tuple(word_tokenize(text, custom_dict=_word_set(extra_words), engine="newmm", keep_whitespace=True))


# Bidirectional controls (LRM, RLM, ALM, the embeddings, overrides and isolates): Thai
# text never needs them, and one in a file name or a title prints it backwards
# ("exe.pdf รายงาน" for "รายงาน\u202efdp.exe").
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")

# Thai stacks at most three marks on a consonant (below vowel, above vowel, tone mark
# all at once never happens; two is the usual most). Fifty stacked marks draw a tower
# that overprints the rows above it in a PDF.
MAX_MARKS = 3


def strip_bidi(text: str) -> str:
    return BIDI_CONTROLS.sub("", text)


def limit_marks(text: str, most: int = MAX_MARKS) -> str:
    """Keep at most ``most`` combining marks after each base character."""
    kept, run = [], 0
    for char in text:
        run = run + 1 if unicodedata.combining(char) or unicodedata.category(char) == "Mn" else 0
        if run <= most:
            kept.append(char)
    return "".join(kept)


def tidy_text(text: str) -> str:
    """What a text box keeps of what was typed: no bidi controls, no towers of marks."""
    return limit_marks(strip_bidi(text))


# --- Search: one normaliser for stored text and queries ---------------------------

# Characters that change nothing a reader sees: zero-width space/non-joiner/joiner,
# word joiner, byte-order mark and the soft hyphen (PDF copies are full of them).
_INVISIBLE_RE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
# A search word: letters, digits and Thai marks; punctuation and spaces separate words.
_SPLIT_RE = re.compile(r"(?:[^\W_]|[\u0e00-\u0e7f])+")


def normalise(text: str | None) -> str:
    """The one spelling search compares: NFC; invisible characters removed; nikhahit +
    sara aa written as sara am and vowels/tone marks in their standard order
    (pythainlp ``normalize`` + ``reorder_vowels``); Thai digits as Arabic ones; lower case.

    ``normalise("ลําปาง") == normalise("ลำปาง")``; used for what is stored and what is typed."""
    if not text:
        return ""
    return thai_digit_to_arabic_digit(clean(text)).casefold()


def clean(text: str | None) -> str:
    """:func:`normalise` without the digit and case folding: what a search result shows."""
    if not text:
        return ""
    return _clean(str(text))


# pythainlp's normalize runs dozens of regular expressions over the whole text; search
# results and highlights clean the same texts again and again (the same hits for the
# same query), so the answers are kept (per process, bounded).
@functools.lru_cache(maxsize=4096)
def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _INVISIBLE_RE.sub("", text)
    return reorder_vowels(normalize(text))


@functools.lru_cache(maxsize=50_000)
def _words(text: str) -> tuple[str, ...]:
    from pythainlp.tokenize import word_tokenize

    words: list[str] = []
    for token in word_tokenize(text, engine="newmm", keep_whitespace=False):
        words.extend(_SPLIT_RE.findall(token))
    return tuple(words)


def search_words(text: str | None) -> list[str]:
    """The words of ``text`` after :func:`normalise`, cut with pythainlp's newmm
    (a dictionary tokeniser, offline), punctuation dropped."""
    text = normalise(text)
    if not text:
        return []
    words: list[str] = []
    for chunk in text.split():
        words.extend(_words(chunk) if len(chunk) < 400 else _words_long(chunk))
    return words


def _words_long(chunk: str) -> list[str]:
    # newmm is slow on one very long unspaced run: cut it into pieces of at most 400
    # characters at a Thai-safe place (the tokeniser's own safe mode does the rest).
    from pythainlp.tokenize import word_tokenize

    words: list[str] = []
    for token in word_tokenize(chunk, engine="newmm-safe", keep_whitespace=False):
        words.extend(_SPLIT_RE.findall(token))
    return words


def plain_words(text: str | None) -> list[str]:
    """``text`` after :func:`normalise`, cut only where it has spaces or punctuation
    (Thai runs stay whole)."""
    return _SPLIT_RE.findall(normalise(text))


# Between the two halves of the search column; never part of a query word.
SEARCH_SEPARATOR = "|"


def search_text(*parts: str | None) -> str:
    """The search column of a row, in two halves, each word with a space on each side:
    the words pythainlp's newmm cuts (`` ส่งเสริม การท่องเที่ยว จังหวัด ลำปาง ``),
    where a word is found whole as `` word ``; then the text as written, normalised
    (`` ส่งเสริมการท่องเที่ยวจังหวัดลำปาง ``), where a longer query word is found
    inside an unspaced run whatever the cuts."""
    words: list[str] = []
    plain: list[str] = []
    for part in parts:
        words.extend(search_words(part))
        plain.extend(plain_words(part))
    if not words:
        return ""
    return f" {' '.join(words)} {SEARCH_SEPARATOR} {' '.join(plain)} "


def refresh_search_text(instance, fields: Iterable[str], save_kwargs: dict) -> None:
    """Fill ``instance.search_text`` from ``fields`` in a model's ``save()`` (the
    services save through it, so the column never lags). A save limited by
    ``update_fields`` to other columns leaves it alone; one touching a source field
    also writes it."""
    fields = tuple(fields)
    update_fields = save_kwargs.get("update_fields")
    if update_fields is not None:
        if not set(update_fields) & set(fields):
            return
        save_kwargs["update_fields"] = {*update_fields, "search_text"}
    instance.search_text = search_text(*(getattr(instance, name) for name in fields))


def backfill_search_text(model, fields: Iterable[str], *, batch: int = 2000) -> int:
    """Write the search column of every row of ``model`` (a data migration's historical
    model too, which has no ``save()`` of ours); rows already right are not written.
    Returns how many rows changed."""
    fields = tuple(fields)
    changed = 0
    last = 0
    while True:
        rows = list(model.objects.filter(pk__gt=last).order_by("pk").only("pk", "search_text", *fields)[:batch])
        if not rows:
            return changed
        last = rows[-1].pk
        dirty = []
        for row in rows:
            value = search_text(*(getattr(row, name) for name in fields))
            if value != row.search_text:
                row.search_text = value
                dirty.append(row)
        if dirty:
            model.objects.bulk_update(dirty, ["search_text"], batch_size=500)
            changed += len(dirty)


MAX_QUERY_WORDS = 10
# A query word this long is also found inside a longer word (a compound such as
# "จังหวัด" in "ผู้ว่าราชการจังหวัด"); a shorter one only as a word of its own (as
# newmm cuts it, or as written between spaces), so "ตา" does not find "ตาม".
PART_OF_WORD_MIN = 3


def query_words(query: str | None) -> list[str]:
    """The words of what a user typed: normalised, cut where the user put spaces or
    punctuation (bounded). "สำนักงานจังหวัด" stays one word, found only where it is
    written so; "ลำปาง ท่องเที่ยว" is two, each to be found."""
    return plain_words(query)[:MAX_QUERY_WORDS]


def search_needles(words: list[str]) -> list[str]:
    """What the search column must hold for ``words``: a long word anywhere, a short
    one with a space on each side (a word of its own)."""
    return [word if len(word) >= PART_OF_WORD_MIN else f" {word} " for word in words]


def search_condition(words: list[str], field: str = "search_text") -> Q:
    """Rows whose search column holds every word (as a word, or inside one if long enough)."""
    condition = Q()
    for needle in search_needles(words):
        # search_contains: contains, read from the FTS5 index on SQLite (lampang_tracker.fulltext).
        condition &= Q(**{f"{field}__search_contains": needle})
    return condition


def search_matches(text: str, words: list[str]) -> bool:
    """:func:`search_condition` in Python, for a column value already in hand."""
    return bool(words) and all(needle in text for needle in search_needles(words))


def search_matches_parts(parts: Iterable[str | None], words: list[str]) -> bool:
    """``search_matches(search_text(*parts), words)``, cutting the words with newmm
    only when a short query word needs it. A long word is in the column exactly when
    it is in the text as written (its second half: every newmm word lies inside one of
    its words), and a short word must at least be there too."""
    if not words:
        return False
    parts = list(parts)
    plain = " ".join(word for part in parts for word in plain_words(part))
    if not all(word in plain for word in words):
        return False
    if all(len(word) >= PART_OF_WORD_MIN for word in words):
        return True
    return search_matches(search_text(*parts), words)


# Site search reads its hits rank by rank (rank_levels) for up to this many distinct
# query words (2**2 combinations of whole words); a longer query is ranked at once
# (each level of three common words costs the index more than ranking them all).
MAX_LEVELLED_WORDS = 2


def rank_levels(words: list[str], *, most: int = MAX_LEVELLED_WORDS) -> list[list[fulltext.Term]] | None:
    """The rows :func:`search_condition` finds, split by their :func:`search_rank`,
    highest rank first: each level a list of :class:`fulltext.Term` (one for each set
    of words held whole that gives that rank). ``None`` for more than ``most``
    distinct words.

    For ``["ช้าง"]``: rank 1 holds `` ช้าง `` (a whole word), rank 0 holds ``ช้าง`` but
    not `` ช้าง ``. A short word is only found whole, so it is in every level's set."""
    weights: dict[str, int] = {}
    for word in words:
        weights[word] = weights.get(word, 0) + 1
    distinct = list(weights)
    if not distinct or len(distinct) > most:
        return None
    levels: dict[int, list[fulltext.Term]] = {}
    for mask in range(2 ** len(distinct)):
        held = [w for i, w in enumerate(distinct) if mask >> i & 1]
        missing = [w for i, w in enumerate(distinct) if not mask >> i & 1]
        if any(len(w) < PART_OF_WORD_MIN for w in missing):
            continue  # a short word is found only as a whole word
        term = fulltext.Term(
            needles=tuple(f" {w} " for w in held) + tuple(missing),
            excluded=tuple(f" {w} " for w in missing),
        )
        levels.setdefault(sum(weights[w] for w in held), []).append(term)
    return [levels[rank] for rank in sorted(levels, reverse=True)]


def search_rank(words: list[str], field: str = "search_text", *, weight: int = 1):
    """How many of ``words`` the row holds as whole words (an expression to order by)."""
    terms = [
        Case(
            When(**{f"{field}__contains": f" {word} "}, then=Value(weight)),
            default=Value(0),
            output_field=IntegerField(),
        )
        for word in words
    ]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total
