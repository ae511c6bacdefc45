"""From a document to items: pure functions, no database.

Sources: the office's summary table (ลำดับ | ประเด็น | หน่วยงานรับผิดชอบ) as .docx,
as pasted text (tab-separated, or the seed's text form with ``<u>`` and ``<p>``) or
as PDF; and an official letter (.docx, PDF or text) whose body lists numbered
directives. Every rule is a small function with its own test from a real line
(tests/test_import_parsers.py). Matching party labels to agencies is a separate
step (``imports.matching``) because it needs the database.
"""

from __future__ import annotations

import calendar
import contextlib
import csv
import datetime
import io
import logging
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from pythainlp.util import normalize
from pythainlp.util.date import thai_abbr_months, thai_full_months

from lampang_tracker.thai import BE_OFFSET, arabic_digits

from .thai_repair import looks_damaged, repair

logger = logging.getLogger(__name__)

SUMMARY, LETTER = "summary", "letter"
MAX_BYTES = 20 * 1024 * 1024


class DocumentError(ValueError):
    """The file cannot be read at all; ``str(error)`` is the Thai message."""


@dataclass
class ParsedItem:  # one ประเด็น / ข้อสั่งการ
    number: str  # ASCII digits: "7.1"
    heading: str = ""
    text: str = ""
    party_labels: list[str] = field(default_factory=list)
    due_date: datetime.date | None = None
    report_day: int | None = None
    report_until: datetime.date | None = None
    line_no: int = 0
    parties_bulleted: bool = False
    dates_given: bool = False  # the document gave the dates: none is read from the text
    heading_apart: bool = False  # the heading on a line of its own, the text below it
    # Beside which paragraph of the text (0: the first) each of party_labels prints:
    # a later one where the table goes on in a row of its own (row ๕ of the seed).
    party_paragraphs: list[int] = field(default_factory=list)

    @property
    def parent_number(self) -> str:
        return self.number.rsplit(".", 1)[0] if "." in self.number else ""


@dataclass
class ParsedDocument:
    kind: str  # SUMMARY or LETTER
    items: list[ParsedItem] = field(default_factory=list)
    # summary: title, meeting_number ("10/2560"), date; letter: number (ที่), date,
    # subject (เรื่อง), sender (จาก), recipient (เรียน), reference (อ้างถึง), enclosures,
    # urgency, signer, body
    source: dict = field(default_factory=dict)
    problems: list[tuple[int, str]] = field(default_factory=list)


# -- small rules ------------------------------------------------------------

THAI_DIGITS = "๐๑๒๓๔๕๖๗๘๙"
DIGIT = r"[0-9๐-๙]"
MONTHS: dict[str, int] = {}
for _index, (_full, _abbr) in enumerate(zip(thai_full_months, thai_abbr_months, strict=True), start=1):
    MONTHS[_full] = _index
    MONTHS[_abbr] = _index
    MONTHS[_abbr.replace(" ", "")] = _index
MONTH = "(" + "|".join(re.escape(m) for m in sorted(MONTHS, key=len, reverse=True)) + ")"


def ascii_number(text: str) -> str:
    """'๗.๑' → '7.1'"""
    return arabic_digits(text).strip().rstrip(".")


def clean(text: str) -> str:
    """NFC, sara am put together, no zero-width characters, single spaces kept as typed."""
    text = unicodedata.normalize("NFC", text or "").replace("\u200b", "").replace("\ufeff", "")
    # sara am drawn as nikhahit + (tone mark) + sara aa, as PDFs give it back: "ลํ้า" → "ล้ำ"
    text = re.sub("\u0e4d([\u0e48-\u0e4b]?)\u0e32", "\\1\u0e33", text)
    return text.replace("\xa0", " ")


def be_to_ce(year: int) -> int:
    """พ.ศ. → ค.ศ.; two-digit years (๖๗) are พ.ศ. 25xx."""
    if year < 100:
        year += 2500
    return year - BE_OFFSET if year > 2400 else year


def end_of_month(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


_DUE_DAY = re.compile(rf"ภายใน(?:วันที่)?\s*({DIGIT}{{1,2}})\s*{MONTH}\s*(?:พ\.ศ\.\s*)?({DIGIT}{{2,4}})")
_DUE_MONTH = re.compile(rf"ภายใน(?:ไตรมาสที่\s*{DIGIT}\s*\(?\s*)?เดือน\s*{MONTH}\s*(?:พ\.ศ\.\s*)?({DIGIT}{{2,4}})")
_DUE_QUARTER = re.compile(rf"ภายในไตรมาสที่\s*({DIGIT})\s*(?:ของ)?\s*ปีงบประมาณ\s*(?:พ\.ศ\.\s*)?({DIGIT}{{2,4}})")


def parse_due_date(text: str) -> datetime.date | None:
    """A deadline written in the text.

    "ภายในวันที่ ๓๑ ตุลาคม ๒๕๖๗" → 2024-10-31; "ภายในไตรมาสที่ ๒ (เดือนมีนาคม ๒๕๖๘)" and
    "ภายในเดือนมีนาคม ๒๕๖๘" → 2025-03-31; "ภายใน ๓๑ ต.ค. ๖๗"; "ภายในไตรมาสที่ ๒
    ปีงบประมาณ ๒๕๖๘" → the end of that fiscal quarter (the year starts in October).
    """
    text = clean(text)
    if match := _DUE_DAY.search(text):
        day, month, year = int(arabic_digits(match[1])), MONTHS[match[2]], be_to_ce(int(arabic_digits(match[3])))
        try:
            return datetime.date(year, month, day)
        except ValueError:
            return None
    if match := _DUE_MONTH.search(text):
        return end_of_month(be_to_ce(int(arabic_digits(match[2]))), MONTHS[match[1]])
    if match := _DUE_QUARTER.search(text):
        quarter, fiscal_year = int(arabic_digits(match[1])), be_to_ce(int(arabic_digits(match[2])))
        if 1 <= quarter <= 4:
            month = (9 + 3 * quarter) % 12 or 12  # Q1 ends in December of the year before
            return end_of_month(fiscal_year - 1 if quarter == 1 else fiscal_year, month)
    return None


_CYCLE = re.compile(rf"ทุก\s*วันที่\s*({DIGIT}{{1,2}})\s*ของ(?:ทุก)?\s*เดือน")
_UNTIL = re.compile(rf"(?:จนถึง|ถึง)\s*(?:เดือน)?\s*{MONTH}\s*(?:พ\.ศ\.\s*)?({DIGIT}{{2,4}})")


def parse_report_cycle(text: str) -> tuple[int | None, datetime.date | None]:
    """ "รายงาน… ทุกวันที่ ๒๐ ของเดือน จนถึงเดือนกันยายน ๒๕๖๘" → (20, 2025-09-30)."""
    text = clean(text)
    match = _CYCLE.search(text)
    if not match:
        return None, None
    day = int(arabic_digits(match[1]))
    if not 1 <= day <= 31:
        return None, None
    until = _UNTIL.search(text, match.end())
    return day, (end_of_month(be_to_ce(int(arabic_digits(until[2]))), MONTHS[until[1]]) if until else None)


_CONTINUATION = re.compile(r"^\s*/\s*\S.*(?:\.\.\.|…)\s*$")
_PAGE_NUMBER = re.compile(rf"^\s*-\s*{DIGIT}+\s*-\s*$")


def is_page_continuation(line: str) -> bool:
    """The foot-of-page cue "/๑.๔ การส่งเสริม..." or "/กำกับ...": not text."""
    return bool(_CONTINUATION.match(line))


def is_page_number(line: str) -> bool:
    """ "- ๒ -" at the top of a page."""
    return bool(_PAGE_NUMBER.match(line))


_ITEM = re.compile(rf"^\s*({DIGIT}{{1,3}}(?:\.{DIGIT}{{1,3}})*)(\.?)\s+(\S.*)$")
_DATE_LINE = re.compile(rf"^\s*({DIGIT}{{1,2}})\s+{MONTH}\s+(?:พ\.ศ\.\s*)?({DIGIT}{{4}})\s*$")


def parse_date_line(line: str) -> datetime.date | None:
    """ "๗ ธันวาคม ๒๕๖๗" → 2024-12-07 (a letter's date line; never an item)."""
    match = _DATE_LINE.match(clean(line))
    if not match:
        return None
    try:
        return datetime.date(be_to_ce(int(arabic_digits(match[3]))), MONTHS[match[2]], int(arabic_digits(match[1])))
    except ValueError:
        return None


def item_start(line: str) -> tuple[str, str] | None:
    """A numbered item "๑. …", "๑.๑ …", "12.2 …" → (ASCII number, rest).

    Not items: the date line, "(๑) …" enumerations, "๑) …" sub-lists, and a number
    followed by a month or a unit (a wrapped line of running text).
    """
    line = clean(line)
    if parse_date_line(line):
        return None
    match = _ITEM.match(line)
    if not match:
        return None
    number, dot, rest = match.groups()
    if "." not in number and not dot:
        return None  # "๒๕ ของเดือน": a top-level item is written "๑."
    if re.match(MONTH, rest) or rest.startswith(")"):
        return None
    return ascii_number(number), rest.strip()


def follows(previous: list[str], number: str) -> bool:
    """Whether ``number`` can come next after the numbers seen so far: the next
    top-level number, a first sub-item, or the next at some depth."""
    parts = [int(p) for p in number.split(".")]
    if not previous:
        return parts in ([1], [int(parts[0])]) and len(parts) == 1
    last = [int(p) for p in previous[-1].split(".")]
    if parts == last + [1]:
        return True
    return any(parts == last[: depth - 1] + [last[depth - 1] + 1] for depth in range(len(last), 0, -1))


def join_lines(lines: list[str], *, thai_space: bool = False) -> str:
    """Join wrapped lines: a table cell wraps Thai inside a phrase, with no space; a
    letter's lines end at a phrase (``thai_space``); anything else joins with a space."""
    out = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        glued = out.endswith(("/", ".")) and _is_thai(line[0])  # "แผน/ยุทธศาสตร์", "จ.พิษณุโลก" wrapped
        if out and not glued and (thai_space or not (_is_thai(out[-1]) and _is_thai(line[0]))):
            out += " "
        out += line
    return out


def _is_thai(ch: str) -> bool:
    return "\u0e01" <= ch <= "\u0e5b" and ch not in THAI_DIGITS


# -- responsible parties ------------------------------------------------------

_BULLET = re.compile(r"^\s*[-–•]\s*")
_QUALIFIER = re.compile(r"\s*(และ(?:หน่วยงาน|ส่วนราชการ))")


def party_label(text: str) -> str:
    """One party as printed: the spaces a narrow column put inside a name go
    ("สำนักงานศึกษาธิการ จังหวัดลำปาง", "ทุกส่วนราชการ/ หน่วยงาน"); the space before
    "และหน่วยงาน…" stays, as the office writes it."""
    text = _BULLET.sub("", clean(text)).strip()
    text = re.sub(r"(?<=[\u0e01-\u0e4e/])\s+(?=[\u0e01-\u0e4e])", "", text)
    text = _QUALIFIER.sub(r" \1", text)
    return re.sub(r"\s+", " ", text).strip()


def split_parties(cell_paragraphs: list[str]) -> list[tuple[list[str], bool]]:
    """The หน่วยงานรับผิดชอบ cell → groups of labels (one group per item or sub-item),
    each with whether it is written with "-" bullets.

    Each paragraph is one party; in a paragraph, "-" bullets and runs of two spaces
    separate parties. A run of bulleted paragraphs belongs to one item; each plain
    paragraph stands for one item.
    """
    groups: list[tuple[list[str], bool]] = []
    previous_bulleted = False
    for paragraph in cell_paragraphs:
        paragraph = clean(paragraph).strip()
        if not paragraph:
            continue
        is_bulleted = bool(_BULLET.match(paragraph))
        parts = [p for p in re.split(r"\s+(?=-\S)|\s{2,}", paragraph) if p.strip()]
        labels = [party_label(p) for p in parts if party_label(p)]
        if not labels:
            continue
        if is_bulleted and previous_bulleted and groups:
            groups[-1][0].extend(labels)
        else:
            groups.append((labels, is_bulleted))
        previous_bulleted = is_bulleted
    return groups


# -- the summary table --------------------------------------------------------


@dataclass
class Row:
    """One row of the summary table, whatever the source."""

    line_no: int
    number: str  # as printed, maybe empty (the row goes on from the last page)
    paragraphs: list[str]  # of the ประเด็น cell; the heading is taken out
    heading: str
    parties: list[str]  # paragraphs of the หน่วยงานรับผิดชอบ cell
    heading_apart: bool = False  # the heading is a paragraph of its own
    # (due date, report day, report until) of the row's first item, as our Word copy
    # marks them (directives.documents.dates_mark); None: read them from the text.
    dates: tuple[datetime.date | None, int | None, datetime.date | None] | None = None


HEADER_WORDS = ("ลำดับ", "ประเด็น", "หน่วยงาน")


def is_header_row(cells: list[str]) -> bool:
    joined = "".join(clean(c) for c in cells).replace(" ", "")
    return all(word in joined for word in HEADER_WORDS) and len(joined) < 60


def _sub_item(paragraph: str) -> tuple[str, str] | None:
    match = re.match(rf"^\s*({DIGIT}{{1,3}}(?:\.{DIGIT}{{1,3}})+)\.?\s+(\S.*)$", paragraph, re.S)
    return (ascii_number(match[1]), match[2].strip()) if match else None


def items_from_rows(rows: list[Row], problems: list[tuple[int, str]]) -> list[ParsedItem]:
    """Items, in order, from table rows: sub-items (๗.๑ …) written inside their
    parent's cell become items of their own, parties are shared out among them, and
    a row without a number goes on with the item before it (a page break)."""
    items: list[ParsedItem] = []
    seen: set[str] = set()
    for row in rows:
        number = ascii_number(clean(row.number))
        if number and not re.fullmatch(r"\d{1,3}(\.\d{1,3}){0,3}", number):
            problems.append((row.line_no, f"อ่านลำดับ “{row.number.strip()}” ไม่ได้ จึงข้ามแถวนี้"))
            continue
        paragraphs = [clean(p).strip() for p in row.paragraphs if clean(p).strip()]
        if number:
            item = ParsedItem(
                number=number, heading=clean(row.heading).strip(), line_no=row.line_no, heading_apart=row.heading_apart
            )
            if number in seen:
                problems.append((row.line_no, f"ลำดับ {number} ซ้ำกับข้อก่อนหน้า"))
            seen.add(number)
            items.append(item)
            current = item
        elif items:
            current = items[-1]
        else:
            if paragraphs or row.parties:
                problems.append((row.line_no, "แถวนี้ไม่มีลำดับและไม่มีข้อก่อนหน้าให้ต่อ จึงข้ามแถวนี้"))
            continue
        top = (
            current
            if "." not in current.number
            else next((i for i in reversed(items) if i.number == current.parent_number), current)
        )
        row_items: list[ParsedItem] = [] if not number else [current]
        # The paragraph of each item this row's parties are beside: where its text
        # stood when the row began (a row going on an item starts a later paragraph).
        beside = {id(current): len(paragraphs_of_item(current))}
        for paragraph in paragraphs:
            sub = _sub_item(paragraph)
            if sub and sub[0].startswith(top.number + "."):
                child = ParsedItem(number=sub[0], text=sub[1], line_no=row.line_no)
                if marked := _MARKED_HEADING.match(sub[1]):  # "๗.๑ <u>heading</u> text" (.docx)
                    child.heading, child.text = marked[1].strip(), marked[2].strip()
                    child.heading_apart = not child.text
                if child.number in seen:
                    problems.append((row.line_no, f"ลำดับ {child.number} ซ้ำกับข้อก่อนหน้า"))
                seen.add(child.number)
                items.append(child)
                row_items.append(child)
                beside[id(child)] = 0
                current = child
            else:
                current.text = f"{current.text}\n\n{paragraph}" if current.text else paragraph
                if current not in row_items:
                    row_items.append(current)
        if row.dates is not None and row_items:
            first = row_items[0]
            first.due_date, first.report_day, first.report_until = row.dates
            first.dates_given = True
        groups = split_parties(row.parties)
        if not groups:
            continue
        has_children = any(c.parent_number == top.number for c in row_items)
        receivers = [i for i in row_items if not (has_children and i.number == top.number)] or row_items or [current]
        if len(groups) == len(receivers):
            pairs = list(zip(receivers, groups, strict=True))
        elif len(receivers) == 1:  # one item, its parties in several paragraphs
            pairs = [(receivers[0], ([label for g in groups for label in g[0]], any(g[1] for g in groups)))]
        elif len(groups) == 1:  # one cell for several sub-items: each gets it, to be checked
            problems.append((row.line_no, "หน่วยงานรับผิดชอบช่องเดียวใช้กับหลายข้อย่อย กรุณาตรวจสอบหน่วยงานของแต่ละข้อ"))
            pairs = [(receiver, (list(groups[0][0]), groups[0][1])) for receiver in receivers]
        else:
            problems.append((row.line_no, "จำนวนกลุ่มหน่วยงานรับผิดชอบไม่ตรงกับจำนวนข้อย่อยในแถวนี้ กรุณาตรวจสอบหน่วยงานของแต่ละข้อ"))
            pairs = list(zip(receivers, groups, strict=False))
        for receiver, (labels, bulleted) in pairs:
            at = min(beside.get(id(receiver), 0), max(len(paragraphs_of_item(receiver)) - 1, 0))
            receiver.party_labels.extend(labels)
            receiver.party_paragraphs.extend([at] * len(labels))
            receiver.parties_bulleted = receiver.parties_bulleted or bulleted
    for item in items:
        finish_item(item)
    return items


def paragraphs_of_item(item: ParsedItem) -> list[str]:
    """The paragraphs of an item's text as the directive will keep them (one a line)."""
    return [p for p in item.text.split("\n") if p.strip()]


def finish_item(item: ParsedItem) -> None:
    """Dates and reporting cycle read from the item's text; a heading stands apart
    only above some text of its own."""
    item.heading_apart = item.heading_apart and bool(item.heading and item.text)
    if item.dates_given:
        return
    body = f"{item.heading} {item.text}"
    item.due_date = item.due_date or parse_due_date(body)
    day, until = parse_report_cycle(body)
    if day and not item.report_day:
        item.report_day, item.report_until = day, until


_U = re.compile(r"<u>(.*?)</u>", re.S)
_P = re.compile(r"</?p>")
_HEADING_APART = re.compile(r"<p>\s*<u>.*?</u>\s*</p>", re.S)  # the heading a paragraph of its own


def _cell_paragraphs(cell: str) -> tuple[str, list[str]]:
    """The seed's text form of a cell: ``<u>`` heading, ``<p>`` paragraphs (or line
    breaks inside a quoted cell pasted from Word)."""
    heading = ""
    if match := _U.search(cell):
        heading = match[1].strip()
        cell = cell[: match.start()] + cell[match.end() :]
    if "<p>" in cell or "</p>" in cell:
        paragraphs = [p.strip() for p in _P.split(cell)]
    else:
        paragraphs = [p.strip() for p in cell.split("\n")]
    return heading, [p for p in paragraphs if p]


def parse_summary_text(text: str) -> ParsedDocument:
    """The summary table as text: rows of tab-separated cells after the
    ลำดับ/ประเด็น/หน่วยงานรับผิดชอบ header; title, ครั้งที่ and date above it."""
    doc = ParsedDocument(kind=SUMMARY)
    text = clean(text)
    rows: list[Row] = []
    in_table = False
    # csv reads Word's quoted multi-line cells; line numbers are kept by offsets.
    reader = csv.reader(io.StringIO(text), delimiter="\t", quotechar='"')
    line_no = 1
    for cells in reader:
        start = line_no
        line_no = reader.line_num + 1
        raw = "\t".join(cells)
        if not raw.strip():
            continue
        if is_header_row(cells):
            in_table = True
            continue
        if not in_table:
            _summary_heading_line(doc, raw)
            continue
        if len(cells) < 2:
            if raw.strip().startswith("กลุ่มงาน") or "โทร." in raw:
                doc.source.setdefault("office_line", raw.strip())
            elif not is_page_number(raw) and not is_page_continuation(raw):
                doc.problems.append((start, f"อ่านบรรทัดนี้ไม่ได้ (ไม่ได้แบ่งช่องด้วยแท็บ): “{raw.strip()[:80]}”"))
            continue
        cells = [*cells, "", ""][:3] if len(cells) < 3 else cells
        if len(cells) > 3:
            cells = [cells[0], " ".join(cells[1:-1]), cells[-1]]
        heading, paragraphs = _cell_paragraphs(cells[1])
        _, parties = _cell_paragraphs(cells[2])
        apart = bool(heading and _HEADING_APART.search(cells[1]))
        rows.append(Row(start, cells[0], paragraphs, heading, parties, heading_apart=apart))
    if not in_table:
        doc.problems.append((1, "ไม่พบหัวตาราง ลำดับ / ประเด็น / หน่วยงานรับผิดชอบ"))
    doc.items = items_from_rows(rows, doc.problems)
    return doc


_MEETING_NO = re.compile(rf"ครั้งที่\s*({DIGIT}{{1,3}})\s*/\s*({DIGIT}{{4}})")
_MEETING_DATE = re.compile(rf"(?:เมื่อ)?วันที่\s*({DIGIT}{{1,2}})\s*{MONTH}\s*(?:พ\.ศ\.\s*)?({DIGIT}{{4}})")


def _summary_heading_line(doc: ParsedDocument, line: str) -> None:
    line = line.strip()
    if match := _MEETING_NO.search(line):
        doc.source.setdefault("title", line[: match.start()].strip())
        doc.source.setdefault("meeting_number", f"{arabic_digits(match[1])}/{arabic_digits(match[2])}")
    elif (match := _MEETING_DATE.search(line)) and "date" not in doc.source:
        with contextlib.suppress(ValueError):
            doc.source["date"] = datetime.date(
                be_to_ce(int(arabic_digits(match[3]))), MONTHS[match[2]], int(arabic_digits(match[1]))
            )
    elif line.startswith("ณ "):
        doc.source.setdefault("venue", line[2:].strip())
    elif "title" not in doc.source and line.startswith("สรุป"):
        doc.source["title"] = line


# -- .docx ----------------------------------------------------------------------


def _docx(data: bytes):
    import docx

    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as error:
        raise DocumentError("ไฟล์ .docx นี้เสียหรือไม่ใช่ไฟล์ Word กรุณาบันทึกจาก Word ใหม่แล้วลองอีกครั้ง") from error
    except Exception as error:  # python-docx raises its own PackageNotFoundError and lxml errors
        raise DocumentError("เปิดไฟล์ .docx นี้ไม่ได้ กรุณาบันทึกจาก Word ใหม่แล้วลองอีกครั้ง") from error


def _paragraph_parts(paragraph) -> tuple[str, str]:
    """(underlined text, the rest) of a Word paragraph."""
    heading, rest = [], []
    for run in paragraph.runs:
        (heading if run.underline and not rest else rest).append(run.text)
    return "".join(heading).strip(), "".join(rest).strip()


_MARKED_HEADING = re.compile(r"^<u>(.*?)</u>\s*(.*)$", re.S)
_SUB_NUMBER = re.compile(rf"^\s*{DIGIT}{{1,3}}(?:\.{DIGIT}{{1,3}})+\.?\s*$")


def _sub_item_with_heading(paragraph) -> str:
    """A Word paragraph "๗.๑ " + underlined heading + text → "๗.๑ <u>heading</u> text"
    (the form ``items_from_rows`` reads a sub-item's heading in), else ""."""
    runs = [run for run in paragraph.runs if run.text]
    lead = ""
    for index, run in enumerate(runs):
        if run.underline:
            if not _SUB_NUMBER.match(lead):
                return ""
            heading = [r.text for r in runs[index:] if r.underline]
            underlined = len(heading)
            if any(not r.underline for r in runs[index : index + underlined]):
                return ""  # underlining that is not one run of words at the start
            rest = "".join(r.text for r in runs[index + underlined :])
            return f"{lead.strip()} <u>{''.join(heading).strip()}</u> {rest.strip()}".strip()
        lead += run.text
    return ""


_DATES_MARK = re.compile(r"^_Lt\d+(?:_d(\d{8}))?(?:_r(\d{1,2}))?(?:_u(\d{8}))?$")


def _dates_mark(cell) -> tuple[datetime.date | None, int | None, datetime.date | None] | None:
    """The dates our Word copy marks a row with (a hidden bookmark, see
    directives.documents.dates_mark); None when the row has no such mark."""
    for name in cell._tc.xpath(".//w:bookmarkStart/@w:name"):
        if match := _DATES_MARK.match(name):
            try:
                due = datetime.datetime.strptime(match[1], "%Y%m%d").date() if match[1] else None
                until = datetime.datetime.strptime(match[3], "%Y%m%d").date() if match[3] else None
            except ValueError:
                return None
            day = int(match[2]) if match[2] else None
            return due, (day if day and 1 <= day <= 31 else None), until
    return None


def parse_summary_docx(data: bytes) -> ParsedDocument:
    document = _docx(data)
    doc = ParsedDocument(kind=SUMMARY)
    for paragraph in document.paragraphs:
        if paragraph.text.strip():
            _summary_heading_line(doc, clean(paragraph.text))
    rows: list[Row] = []
    found = False
    row_no = 0
    for table in document.tables:
        for table_row in table.rows:
            row_no += 1
            cells = table_row.cells
            texts = [c.text for c in cells]
            if is_header_row(texts):
                found = True
                continue
            if not found or len(cells) < 3:
                continue
            heading, paragraphs, apart = "", [], False
            for index, paragraph in enumerate(cells[1].paragraphs):
                underlined, rest = _paragraph_parts(paragraph)
                if underlined and not heading and index <= 1 and not paragraphs:
                    heading, apart = underlined, not rest
                    if rest:
                        paragraphs.append(rest)
                elif sub := _sub_item_with_heading(paragraph):
                    paragraphs.append(sub)
                elif paragraph.text.strip():
                    paragraphs.append(paragraph.text)
            parties = [p.text for p in cells[2].paragraphs if p.text.strip()]
            row = Row(row_no, cells[0].text, paragraphs, heading, parties, heading_apart=apart)
            row.dates = _dates_mark(cells[1])
            rows.append(row)
    if not found:
        text = "\n".join(p.text for p in document.paragraphs)
        if item_start_lines(text):
            raise DocumentError("ไฟล์นี้ไม่มีตารางสรุปประเด็น หากเป็นหนังสือสั่งการ กรุณาเลือก “หนังสือสั่งการ”")
        doc.problems.append((1, "ไม่พบตาราง ลำดับ / ประเด็น / หน่วยงานรับผิดชอบ ในไฟล์นี้"))
    doc.items = items_from_rows(rows, doc.problems)
    return doc


def docx_text(data: bytes) -> str:
    """Every paragraph of a .docx (a letter), tables included, one per line."""
    document = _docx(data)
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.extend(c.text for c in row.cells)
    return "\n".join(lines)


# -- PDF ------------------------------------------------------------------------


def _pdf(data: bytes):
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect
    from pdfminer.pdfparser import PDFSyntaxError

    if re.search(rb"/Encrypt\s", data):
        raise DocumentError("ไฟล์ PDF นี้มีรหัสผ่าน กรุณาปลดรหัสผ่านก่อนนำเข้า")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pdf.pages  # noqa: B018 (reads the page tree: a broken file fails here)
    except PDFPasswordIncorrect as error:
        raise DocumentError("ไฟล์ PDF นี้มีรหัสผ่าน กรุณาปลดรหัสผ่านก่อนนำเข้า") from error
    except (PDFSyntaxError, Exception) as error:
        if "encrypt" in str(error).lower() or "password" in str(error).lower():
            raise DocumentError("ไฟล์ PDF นี้มีรหัสผ่าน กรุณาปลดรหัสผ่านก่อนนำเข้า") from error
        raise DocumentError("ไฟล์ PDF นี้เสียหรือเปิดไม่ได้") from error
    if getattr(pdf.doc, "encryption", None):
        pdf.close()
        raise DocumentError("ไฟล์ PDF นี้มีรหัสผ่าน กรุณาปลดรหัสผ่านก่อนนำเข้า")
    return pdf


def _chars_text(chars: list[dict], damaged: bool | None = None) -> list[tuple[str, float, float]]:
    """``_raw_lines`` with Thai repaired (``damaged``: the page shows damage)."""
    return [(repair(text, damaged=damaged), x1, top) for text, x1, top in _raw_lines(chars)]


def _raw_lines(chars: list[dict]) -> list[tuple[str, float, float]]:
    """Lines of text from PDF characters in the order they were drawn (which is the
    typed order in PDFs that draw text by words, as WeasyPrint and Word do), as
    (text, x1 of the line's end, top). Sorting by position instead would put Thai
    marks after the next letter."""
    lines: list[tuple[list[str], float, float]] = []
    for char in chars:
        top = char["top"]
        if (
            not lines
            or abs(top - lines[-1][2]) > char["size"] * 0.6
            and char["text"]
            not in "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d"
        ):
            lines.append(([], 0.0, top))
        text, x1, line_top = lines[-1]
        text.append(char["text"])
        lines[-1] = (text, max(x1, char["x1"]), line_top)
    return [(clean("".join(text)), x1, top) for text, x1, top in lines]


def _underlined(chars: list[dict], rules: list[dict], damaged: bool | None = None) -> str:
    """The characters drawn above an underline (the heading)."""
    out = []
    for char in chars:
        middle = (char["x0"] + char["x1"]) / 2
        for rule in rules:
            if rule["x0"] - 1 <= middle <= rule["x1"] + 1 and -5 <= rule["top"] - char["bottom"] <= 3:
                out.append(char["text"])
                break
        else:
            if out and char["text"] == " ":
                out.append(" ")
            elif out:
                break
    return repair(clean("".join(out)), damaged=damaged).strip()


def _cell_chars(page, bbox) -> list[dict]:
    x0, top, x1, bottom = bbox
    return [
        c
        for c in page.chars
        if x0 - 0.5 <= (c["x0"] + c["x1"]) / 2 <= x1 + 0.5 and top - 0.5 <= (c["top"] + c["bottom"]) / 2 <= bottom + 0.5
    ]


PARTY_STARTS = (
    "สำนักงาน",
    "ทุก",
    "อำเภอ",
    "เทศบาล",
    "องค์การ",
    "องค์กร",
    "ที่ทำการ",
    "ตำรวจ",
    "โครงการ",
    "แขวง",
    "สถานี",
    "ศูนย์",
    "การไฟฟ้า",
    "การประปา",
    "มหาวิทยาลัย",
    "ส่วนราชการ",
    "คณะ",
)


def _party_paragraphs(lines: list[str]) -> list[str]:
    """Lines of a PDF's party cell → one paragraph per party: a line starts a party
    when it has a bullet or begins as an agency's name does, and the line before
    does not end with "/"."""
    out: list[str] = []
    for line in (line.strip() for line in lines):
        if not line:
            continue
        starts = _BULLET.match(line) or line.startswith(PARTY_STARTS)
        if out and (not starts or out[-1].endswith(("/", "และ"))):
            out[-1] = join_lines([out[-1], line])
        else:
            out.append(line)
    return out


def parse_summary_pdf(data: bytes) -> ParsedDocument:
    doc = ParsedDocument(kind=SUMMARY)
    rows: list[Row] = []
    found = False
    with _pdf(data) as pdf:
        line_base = 0
        for page_index, page in enumerate(pdf.pages):
            tables = page.find_tables()
            table_tops = [t.bbox[1] for t in tables]
            if page_index == 0:
                head_chars = [c for c in page.chars if not table_tops or c["bottom"] < min(table_tops)]
                for text, _, _ in _chars_text(head_chars):
                    _summary_heading_line(doc, text)
            for table in tables:
                rows.extend(_pdf_table_rows(page, table, line_base))
                found = found or any(r.number == "__header__" for r in rows)
                rows = [r for r in rows if r.number != "__header__"]
            line_base += 1000
    if not found:
        doc.problems.append((1, "ไม่พบตาราง ลำดับ / ประเด็น / หน่วยงานรับผิดชอบ ใน PDF นี้"))
    doc.items = items_from_rows(rows, doc.problems)
    return doc


def _pdf_table_rows(page, table, line_base: int) -> list[Row]:
    """The rows of one table on one page, cut where a ลำดับ is printed or a line of
    the ประเด็น column starts with a sub-item number (a sub-item's row has no border
    above it, so table cells cannot be trusted to separate them)."""
    columns = next(([(c[0], c[2]) for c in r.cells[:3]] for r in table.rows if all(r.cells[:3])), None)
    if columns is None:
        return []
    x_top, bottom = table.bbox[1], table.bbox[3]
    cell_edges = {round(c[1]) for r in table.rows for c in r.cells if c} | {
        round(c[3]) for r in table.rows for c in r.cells if c
    }
    rules = [r for r in page.lines if abs(r["top"] - r["bottom"]) < 1.5] + [
        r for r in page.rects if r["height"] < 1.5 and round(r["top"]) not in cell_edges
    ]
    col_chars = [_cell_chars(page, (x0, x_top, x1, bottom)) for x0, x1 in columns]
    damaged = looks_damaged(clean("".join(c["text"] for c in page.chars)))
    header_bottom = x_top
    first_row = table.rows[0].cells
    if all(first_row[:3]) and is_header_row(["".join(c["text"] for c in _cell_chars(page, b)) for b in first_row[:3]]):
        header_bottom = first_row[0][3]
    cuts = {round(c["top"]) for c in col_chars[0] if c["top"] > header_bottom and c["text"].strip()}
    for text, _, top in _raw_lines([c for c in col_chars[1] if c["top"] > header_bottom]):
        if _sub_item(text):
            cuts.add(round(top))
    edges = sorted(_merge_close(cuts))
    segments = [(header_bottom, edges[0] if edges else bottom)] + [
        (start, edges[i + 1] if i + 1 < len(edges) else bottom) for i, start in enumerate(edges)
    ]
    out = [Row(0, "__header__", [], "", [])] if header_bottom > x_top else []
    for index, (top, end) in enumerate(segments):
        parts = [[c for c in chars if top - 2 <= c["top"] < end - 2] for chars in col_chars]
        if not any(c["text"].strip() for part in parts for c in part):
            continue
        number = "".join(t for t, _, _ in _raw_lines(parts[0]))
        heading = _underlined(parts[1], rules, damaged)
        paragraphs = _issue_paragraphs(_chars_text(parts[1], damaged), columns[1][1], heading)
        parties = _party_paragraphs([t for t, _, _ in _chars_text(parts[2], damaged)])
        out.append(Row(line_base + index + 1, number, paragraphs, heading, parties))
    return out


def _merge_close(values: set[int]) -> list[int]:
    out: list[int] = []
    for value in sorted(values):
        if not out or value - out[-1] > 4:
            out.append(value)
    return out


def _issue_paragraphs(lines: list[tuple[str, float, float]], right: float, heading: str) -> list[str]:
    """Lines of the ประเด็น cell → paragraphs: a line that stops well short of the
    cell's right edge ends a paragraph; a sub-item number starts one."""
    paragraphs: list[list[str]] = [[]]
    for index, (text, x1, _) in enumerate(lines):
        if _sub_item(text) and paragraphs[-1]:
            paragraphs.append([])
        paragraphs[-1].append(text)
        if right - x1 > 60 and index + 1 < len(lines):
            paragraphs.append([])
    out = [join_lines(p) for p in paragraphs if join_lines(p)]
    if heading and out:
        out[0] = _drop_prefix(out[0], heading)
    return [p for p in out if p]


def _drop_prefix(text: str, prefix: str) -> str:
    """``text`` without ``prefix`` at its start, spaces aside (the heading wrapped)."""
    want = prefix.replace(" ", "")
    taken = 0
    for index, ch in enumerate(text):
        if taken == len(want):
            return text[index:].strip()
        if ch != " ":
            if ch != want[taken]:
                return text
            taken += 1
    return "" if taken == len(want) else text


def pdf_text(data: bytes) -> str:
    """The text of a PDF, line by line, Thai repaired where the document shows damage."""
    with _pdf(data) as pdf:
        raw = "\n".join(text for page in pdf.pages for text, _, _ in _raw_lines(page.chars))
    return repair(raw)


# -- letters --------------------------------------------------------------------

FIELD_STARTS = {
    "เรื่อง": "subject",
    "เรียน": "recipient",
    "อ้างถึง": "reference",
    "สิ่งที่ส่งมาด้วย": "enclosures",
}
URGENCIES = ("ด่วนที่สุด", "ด่วนมาก", "ด่วน")
CLOSINGS = ("จึงเรียนมา", "จึงเรียนมาเพื่อ", "ขอแสดงความนับถือ")


def parse_letter_text(text: str) -> ParsedDocument:
    """An official letter: ที่, the sender's address, the date line, เรื่อง, เรียน,
    อ้างถึง, สิ่งที่ส่งมาด้วย, then the body whose numbered paragraphs are the
    directives, up to "จึงเรียนมา…"."""
    doc = ParsedDocument(kind=LETTER)
    source = doc.source
    lines = clean(text).split("\n")
    field_name = None
    body_lines: list[tuple[int, str]] = []
    stage = "head"
    signer: list[str] = []
    for line_no, raw in enumerate(lines, start=1):
        line = raw.strip()
        if is_page_continuation(line) or is_page_number(line):
            continue
        if stage == "head":
            if not line:
                if field_name in ("subject", "reference", "recipient"):
                    field_name = None
                continue
            bare = line.lstrip("-– ").strip()
            if line in URGENCIES:
                source["urgency"] = line
                continue
            if re.match(r"^ที่\s+\S", line) and "number" not in source:
                source["number"] = line[3:].strip()
                continue
            if "date" not in source and (date := parse_date_line(line)):
                source["date"] = date
                continue
            starter = next((k for k in FIELD_STARTS if bare.startswith(k)), None)
            if starter:
                field_name = FIELD_STARTS[starter]
                source[field_name] = bare[len(starter) :].strip()
                continue
            if field_name == "enclosures" and line.startswith(("-", "–")):
                source["enclosures"] = f"{source['enclosures']}\n{bare}"
                continue
            if field_name in ("subject", "reference"):
                source[field_name] = join_lines([source[field_name], line], thai_space=field_name == "reference")
                continue
            if "number" in source and "date" not in source:
                source.setdefault("sender", line)
                continue
            if "subject" in source:
                stage = "body"
            else:
                doc.problems.append((line_no, f"อ่านบรรทัดนี้ไม่ได้ (ไม่ใช่ส่วนหัวของหนังสือ): “{line[:80]}”"))
                continue
        if stage == "body":
            if line.startswith(CLOSINGS):
                stage = "closing"
                continue
            body_lines.append((line_no, line))
        elif stage == "closing" and line and not line.startswith(CLOSINGS) and len(signer) < 3:
            signer.append(line)
    if signer:
        source["signer"] = " ".join(signer)
    for key in ("number", "date", "subject"):
        if key not in source:
            label = {"number": "ที่", "date": "ลงวันที่", "subject": "เรื่อง"}[key]
            doc.problems.append((1, f"ไม่พบ “{label}” ของหนังสือ กรุณากรอกเอง"))
    doc.items = items_from_body(body_lines, doc.problems)
    source["body"] = "\n".join(line for _, line in body_lines).strip()
    return doc


def item_start_lines(text: str) -> list[str]:
    return [line for line in clean(text).split("\n") if item_start(line)]


def items_from_body(body: list[tuple[int, str]], problems: list[tuple[int, str]]) -> list[ParsedItem]:
    """The numbered paragraphs of a letter's body, in order; lines between them go
    with the item above. A number out of sequence is running text, not an item."""
    items: list[ParsedItem] = []
    texts: list[list[str]] = []
    numbers: list[str] = []
    for line_no, line in body:
        start = item_start(line)
        if start and follows(numbers, start[0]):
            numbers.append(start[0])
            items.append(ParsedItem(number=start[0], line_no=line_no))
            texts.append([start[1]])
        elif start and items:
            problems.append((line_no, f"ลำดับ {start[0]} ไม่ต่อจากข้อก่อนหน้า จึงถือเป็นข้อความของข้อ {numbers[-1]}"))
            texts[-1].append(line)
        elif items and line:
            texts[-1].append(line)
    for item, lines in zip(items, texts, strict=True):
        item.text = join_lines(lines, thai_space=True)
        item.party_labels = parties_in_text(item.text)
        finish_item(item)
    return items


_IN_TEXT = re.compile(
    r"(?:ขอให้|แจ้ง|มอบหมาย(?:ให้)?)\s*((?:สำนักงาน|ที่ทำการ|เทศบาล|องค์การบริหารส่วน)\S*?(?:จังหวัด|อำเภอ)(?:ลำปาง)?)"
)


def parties_in_text(text: str) -> list[str]:
    """Agencies a letter's item names as the one to act ("ขอให้สำนักงาน…จังหวัด…")."""
    found = []
    for match in _IN_TEXT.finditer(text.replace("\n", " ")):
        label = match[1]
        if label not in found:
            found.append(label)
    return found


def parse_letter_docx(data: bytes) -> ParsedDocument:
    return parse_letter_text(docx_text(data))


def parse_letter_pdf(data: bytes) -> ParsedDocument:
    return parse_letter_text(pdf_text(data))


# -- one entry point ----------------------------------------------------------


def sniff(data: bytes) -> str:
    """'docx', 'pdf' or '' from the first bytes (never trust the file name alone)."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    return ""


def parse(*, kind: str, data: bytes | None = None, text: str | None = None, filename: str = "") -> ParsedDocument:
    """Parse a summary or a letter from uploaded bytes (.docx/.pdf) or pasted text.
    Raises ``DocumentError`` (Thai message) for a file that cannot be read."""
    if text is not None:
        if not text.strip():
            raise DocumentError("ไม่มีข้อความให้นำเข้า")
        return parse_summary_text(text) if kind == SUMMARY else parse_letter_text(text)
    data = data or b""
    if not data:
        raise DocumentError("ไฟล์ว่างเปล่า")
    if len(data) > MAX_BYTES:
        raise DocumentError("ไฟล์ใหญ่เกิน ๒๐ MB")
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    found = sniff(data)
    if ext not in ("docx", "pdf") and filename:
        raise DocumentError("รับเฉพาะไฟล์ .docx หรือ .pdf")
    if not found or (ext and found != ext):
        raise DocumentError(f"ไฟล์นี้ไม่ใช่ไฟล์ .{ext or 'docx/.pdf'} ที่ถูกต้อง (อาจเสียหรือเปลี่ยนนามสกุลมา)")
    try:
        if found == "pdf":
            return parse_summary_pdf(data) if kind == SUMMARY else parse_letter_pdf(data)
        return parse_summary_docx(data) if kind == SUMMARY else parse_letter_docx(data)
    except DocumentError:
        raise
    except Exception as error:  # a file no rule foresaw: a message, never a 500
        logger.exception("could not read an uploaded %s", found)
        raise DocumentError(f"อ่านไฟล์ .{found} นี้ไม่ได้ กรุณาบันทึกเป็นไฟล์ใหม่ หรือคัดลอกข้อความมาวางแทน") from error


def normalised_for_hash(text: str) -> str:
    """Pasted text, as compared for "imported before": NFC, pythainlp normalize,
    whitespace collapsed."""
    return re.sub(r"\s+", " ", normalize(clean(text))).strip()
