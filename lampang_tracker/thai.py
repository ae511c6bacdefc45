"""Thai formatting and parsing: the one place that knows how the office writes.

Everything goes through pythainlp (digits, Buddhist-Era dates, dictionary order)
so no hand-written tables live in the project.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import TypeVar

from pythainlp.util import arabic_digit_to_thai_digit, collate, thai_digit_to_arabic_digit, thai_strftime

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


_tries: dict[frozenset[str], object] = {}


def _word_trie(extra: frozenset[str]):
    from pythainlp.corpus import thai_words
    from pythainlp.util import dict_trie

    if extra not in _tries:
        _tries.clear()  # only the latest agency list is kept
        words = {word for word in thai_words() if len(word) <= LONGEST_UNBROKEN_WORD}
        _tries[extra] = dict_trie(words | OFFICE_WORDS | extra)
    return _tries[extra]


def thai_words_of(text: str, *, extra_words: Iterable[str] = ()) -> list[str]:
    """``text`` cut into words (pythainlp newmm with the office's dictionary)."""
    return list(_words_of(text, frozenset(extra_words)))


@lru_cache(maxsize=20_000)
def _words_of(text: str, extra_words: frozenset[str]) -> tuple[str, ...]:
    # Agency names, states and headings repeat on every page of a report.
    from pythainlp.tokenize import word_tokenize

    trie = _word_trie(extra_words)
    return tuple(word_tokenize(text, custom_dict=trie, engine="newmm", keep_whitespace=True))


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
