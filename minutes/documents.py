"""รายงานการประชุม as printed, with its หนังสือนำส่ง (cover letter):
``render_minutes(minutes, with_letter=False) -> (filename, bytes)``.

Like ``directives/documents.py``: everything the document shows is read in a fixed
number of queries (the minutes, then one prefetch each for attendees, sections,
items and amendments; ระเบียบวาระที่ ๓'s tracker rows are the snapshot frozen at
circulation, or a few more queries while a draft), shaped into plain rows and
handed to the one WeasyPrint wrapper. Everything a user typed reaches the template
as plain text and is autoescaped there.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from directives.models import today
from lampang_tracker import thai, word
from lampang_tracker.pdf import render_pdf

from .models import AgendaItem, AgendaSection, Amendment, Attendee, Minutes, Section, Standing, State
from .services import SILENT_GATHER_MIN, DomainError, follow_up_rows, meeting_reference

# ---------------------------------------------------------------------------
# Typed text as printed blocks

# "- ข้อความ", "• ข้อความ", also "-ข้อความ" as offices type it; not "-5" or "--".
BULLET_RE = re.compile(r"^(\s*)[-–•▪](?:\s+|(?=[^\s\d\-–]))(\S.*)$")
# "- ไม่มี -": a line set between dashes stands alone, centred, as the office prints it.
BETWEEN_DASHES_RE = re.compile(r"^[-–]\s+\S.*\s[-–]$")


@dataclass
class Block:
    """A piece of a typed body: a paragraph, a bullet line or a little table."""

    kind: str  # "p" | "bullet" | "table" | "centre"
    text: str = ""
    level: int = 0  # bullets typed with leading spaces or tabs sit one step further in
    rows: list[list[str]] = field(default_factory=list)
    keep_with_next: bool = False  # a label line such as "หมายเหตุ": never last on a page


def _bullet(line: str) -> tuple[int, str] | None:
    match = BULLET_RE.match(line)
    if match is None:
        return None
    return (1 if match.group(1) else 0), match.group(2).strip()


LABEL_LINE_MAX = 40


def _is_label_line(line: str) -> bool:
    """A line that introduces the next one: "หมายเหตุ", "ผลการดำเนินงาน :"."""
    return line.rstrip(" :") in {"หมายเหตุ", "หมายเหตุ ๑", "ข้อสังเกต"} or (
        len(line) <= LABEL_LINE_MAX and line.endswith(":")
    )


def text_blocks(text: str) -> list[Block]:
    """The user's line breaks kept: each line is a paragraph, a bullet ("- …"), a
    centred "- ไม่มี -" or, when it has a tab inside it, a row of a table (consecutive
    such lines make one table, as pasted from Word). Blank lines only separate."""
    blocks: list[Block] = []
    table: Block | None = None
    for raw in (text or "").splitlines():
        line = raw.rstrip()
        stripped = line.strip()
        if not stripped:
            table = None
            continue
        if "\t" in stripped:
            cells = [cell.strip() for cell in stripped.split("\t")]
            if table is None:
                table = Block("table")
                blocks.append(table)
            table.rows.append(cells)
            continue
        table = None
        bullet = _bullet(line)
        if BETWEEN_DASHES_RE.match(stripped):
            blocks.append(Block("centre", stripped))
        elif bullet is not None:
            blocks.append(Block("bullet", bullet[1], level=bullet[0]))
        else:
            blocks.append(Block("p", stripped, keep_with_next=_is_label_line(stripped)))
    for block in blocks:
        if block.kind == "table":
            width = max(len(row) for row in block.rows)
            block.rows = [row + [""] * (width - len(row)) for row in block.rows]
    return blocks


@dataclass
class Resolution:
    """มติที่ประชุม: its first line runs on after the label, the rest follows."""

    first: str
    rest: list[Block]


def resolution_of(text: str) -> Resolution | None:
    blocks = text_blocks(text)
    if not blocks:
        return None
    if blocks[0].kind == "p":
        return Resolution(blocks[0].text, blocks[1:])
    return Resolution("", blocks)


# ---------------------------------------------------------------------------
# Rows the template prints


@dataclass
class AttendeeRow:
    number: str
    name: str
    position: str
    substitute_for: str
    reason: str

    @property
    def given_name(self) -> str:
        """The title and given name ("นายชาติตรี"): the office sets the surnames in a
        column of their own ("ธินนท์"), as the seed's list of attendees."""
        return self.name.split(None, 1)[0] if self.name.strip() else ""

    @property
    def surname(self) -> str:
        parts = self.name.split(None, 1)
        return parts[1] if len(parts) > 1 else ""


@dataclass
class ItemRow:
    label: str  # ๔.๑, or ๑. under another item
    title: str
    presenter: str
    depth: int  # 0 for ๔.๑, 1 for its ๑., …
    blocks: list[Block]
    resolution: Resolution | None
    lead: str = ""  # an item with neither title nor presenter: its first paragraph follows the number
    # An agenda item (๓.๑, ๕.๑) is headed by who presents it, its title on the line
    # below, as ๔.๑ is with its ๑., ๒. (the seed); in เรื่องก่อนเข้าวาระ the title
    # comes first with the presenter after it in brackets.
    presenter_first: bool = False


@dataclass
class AgencyLine:
    name: str
    status: str
    overdue_days: int
    report_date: datetime.date | None
    report: list[str]


@dataclass
class SilentLine:
    """Agencies with no report and the same state, on one line."""

    names: list[str]
    status: str
    overdue_days: int


@dataclass
class FollowUpRow:
    number: str
    is_sub_item: bool
    heading: str
    paragraphs: list[str]
    agencies: list[AgencyLine]
    silent: list[SilentLine]


@dataclass
class SectionRow:
    number: int
    heading: str
    blocks: list[Block]
    items: list[ItemRow]
    resolution: Resolution | None
    follow_up: list[FollowUpRow] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.blocks or self.items or self.resolution or self.follow_up)


@dataclass
class AmendmentRow:
    number: str
    what: str
    before: list[str]
    after: list[str]
    reason: list[str]
    by: str
    at: str


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _attendee_rows(attendees: list[Attendee], kind: str) -> list[AttendeeRow]:
    chosen = [a for a in attendees if a.kind == kind]
    return [
        AttendeeRow(thai.thai_digits(n), a.name, a.position, a.substitute_for, a.reason)
        for n, a in enumerate(chosen, start=1)
    ]


def _item_rows(items: list[AgendaItem], *, agenda: bool = True) -> list[ItemRow]:
    rows = []
    for item in sorted(items, key=lambda item: item.sort_key):
        row = ItemRow(
            label=item.printed_label,
            title=item.title,
            presenter=item.presenter,
            depth=item.depth - 1,
            blocks=text_blocks(item.body),
            resolution=resolution_of(item.resolution),
            presenter_first=agenda and bool(item.title and item.presenter),
        )
        # "๑.๓ ปลุกพืช ปลุกผัก …": running text straight after the number, as the seed prints it.
        if not (row.title or row.presenter) and row.blocks and row.blocks[0].kind == "p":
            row.lead = row.blocks.pop(0).text
        rows.append(row)
    return rows


def _follow_up(rows: list[dict]) -> list[FollowUpRow]:
    """ระเบียบวาระที่ ๓'s rows from the tracker (``services.follow_up_rows``). The
    service names agencies without a report together by state ("silent"); a copy
    frozen before it did so is gathered the same way here."""
    printed = []
    for row in rows:
        agencies = [
            AgencyLine(
                name=agency["name"],
                status=agency["status"],
                overdue_days=agency["overdue_days"],
                report_date=datetime.date.fromisoformat(agency["report_date"]) if agency["report_date"] else None,
                report=list(agency["report"]),
            )
            for agency in row["agencies"]
        ]
        silent: dict[tuple[str, int], list[AgencyLine]] = defaultdict(list)
        for agency in agencies:
            if agency.report_date is None and not agency.report:
                silent[(agency.status, agency.overdue_days)].append(agency)
        gathered = {key: members for key, members in silent.items() if len(members) >= SILENT_GATHER_MIN}
        gathered_ids = {id(agency) for members in gathered.values() for agency in members}
        printed.append(
            FollowUpRow(
                number=row["number"],
                is_sub_item=row["is_sub_item"],
                heading=row["heading"],
                paragraphs=list(row["paragraphs"]),
                agencies=[agency for agency in agencies if id(agency) not in gathered_ids],
                silent=[
                    SilentLine(list(group["names"]), group["status"], group["overdue_days"])
                    for group in row.get("silent", [])
                ]
                + [
                    SilentLine([a.name for a in members], status, overdue_days)
                    for (status, overdue_days), members in gathered.items()
                ],
            )
        )
    return printed


def _section_rows(minutes: Minutes) -> tuple[list[SectionRow], datetime.date | None]:
    sections = []
    as_of = None
    for section in minutes.sections.all():
        row = SectionRow(
            number=section.number,
            heading=section.heading,
            blocks=text_blocks(section.body),
            items=_item_rows(list(section.items.all()), agenda=section.number != Section.PRELIMINARY),
            resolution=resolution_of(section.resolution),
        )
        if section.number == Section.FOLLOW_UP:
            rows, as_of = follow_up_rows(minutes)
            row.follow_up = _follow_up(rows or [])
        if section.number == Section.PRELIMINARY and row.is_empty:
            continue  # เรื่องก่อนเข้าวาระ is printed only when there is something in it
        sections.append(row)
    return sections, as_of


def _amendment_rows(amendments: list[Amendment]) -> list[AmendmentRow]:
    rows = []
    for n, amendment in enumerate(amendments, start=1):
        at = timezone.localtime(amendment.at)
        rows.append(
            AmendmentRow(
                number=thai.thai_digits(n),
                what=amendment.what,
                before=_lines(amendment.before),
                after=_lines(amendment.after),
                reason=_lines(amendment.reason),
                by=amendment.by.get_full_name() or amendment.by.get_username(),
                at=f"{thai.date_short(at.date())} {thai.time_thai(at.time())}",
            )
        )
    return rows


def standing_line(minutes: Minutes, standing: Standing) -> str:
    """Where the minutes stand, printed after the signatures (a draft is marked ร่าง)."""
    if standing == Standing.CERTIFIED:
        line = f"รายงานการประชุมนี้ได้รับการรับรองในการประชุม{meeting_reference(minutes.certified_in)}"
        return line + (f" ({minutes.certified_note})" if minutes.certified_note else "")
    if standing == Standing.DEEMED_CERTIFIED:
        return (
            f"รายงานการประชุมนี้ถือว่าได้รับการรับรองแล้ว เนื่องจากพ้นกำหนดรับรองวันที่ "
            f"{thai.date_long(minutes.certify_deadline)} โดยไม่มีคำขอแก้ไขค้างพิจารณา"
        )
    if standing in (Standing.CIRCULATING, Standing.AWAITING_DECISIONS):
        return f"รายงานการประชุมนี้อยู่ระหว่างเวียนเพื่อรับรอง ภายในวันที่ {thai.date_long(minutes.certify_deadline)}"
    return ""


# ---------------------------------------------------------------------------
# หนังสือนำส่ง


def meeting_name(minutes: Minutes) -> str:
    """การประชุม… as the letter names it: the minutes' title without รายงาน."""
    title = minutes.title.strip()
    if title.startswith("รายงานการประชุม"):
        return title.removeprefix("รายงาน")
    name = minutes.meeting.series.name
    return name if name.startswith("การประชุม") else f"การประชุม{name}"


def letter_context(minutes: Minutes) -> dict:
    """The cover letter sending circulated minutes round for certification, worded
    as the office's own (see the minutes seed) but pointing to this system for
    corrections. A draft has no deadline yet, so it has no letter."""
    if minutes.state == State.DRAFT or minutes.certify_deadline is None:
        raise DomainError(
            "ร่างรายงานการประชุมยังไม่ได้เวียนเพื่อรับรอง จึงยังพิมพ์หนังสือนำส่งไม่ได้ กรุณาเวียนรายงานการประชุมพร้อมกำหนดวันรับรองก่อน"
        )
    meeting = minutes.meeting
    held = f"ครั้งที่ {meeting.number_label} เมื่อวันที่ {thai.date_long(meeting.date)}"
    start = minutes.started_at or meeting.start_time
    opening = f"ตามที่ ได้มี{meeting_name(minutes)} {held}"
    if start:
        opening += f" เวลา {thai.time_thai(start)}"
    if meeting.venue:
        opening += f" ณ {meeting.venue}"
    opening += " นั้น"
    body = (
        f"บัดนี้ {meeting.series.secretariat_name}ได้จัดทำรายงานการประชุม {held} เสร็จเรียบร้อยแล้ว "
        "จึงขอส่งรายงานการประชุมดังกล่าวมาเพื่อรับรองและตรวจสอบความถูกต้อง "
        "หากมีความประสงค์แก้ไขรายงานการประชุม ขอให้ส่งคำขอแก้ไขทางระบบติดตามข้อสั่งการ "
        f"ที่หน้ารายงานการประชุมครั้งนี้ ภายในวันที่ {thai.date_long(minutes.certify_deadline)} หากพ้นกำหนดถือว่ารับรองรายงานการประชุมฯ"
    )
    return {
        "number": thai.thai_digits(minutes.letter_number.strip()),
        "office_lines": [thai.thai_digits(line) for line in _lines(minutes.letter_office)],
        "date": thai.date_long(minutes.letter_date),
        "subject": "ขอส่งรายงานการประชุม",
        "to": minutes.letter_to.strip(),
        "enclosure": minutes.letter_enclosure.strip() or "รายงานการประชุมฯ จำนวน ๑ ชุด",
        "paragraphs": [opening, body],
        "closing": "จึงเรียนมาเพื่อพิจารณาดำเนินการ",
        "signer_name": minutes.letter_signer_name.strip(),
        "signer_position": minutes.letter_signer_position.strip(),
        "contact_lines": [thai.thai_digits(line) for line in _lines(minutes.letter_contact)],
    }


# ---------------------------------------------------------------------------
# The document


def _load(minutes: Minutes) -> Minutes:
    """The minutes and everything printed from them, in five queries."""
    return (
        Minutes.objects.select_related("meeting__series", "certified_in")
        .prefetch_related(
            Prefetch("attendees", queryset=Attendee.objects.order_by("kind", "position_order", "id")),
            Prefetch("sections", queryset=AgendaSection.objects.order_by("number")),
            Prefetch("sections__items", queryset=AgendaItem.objects.order_by("sort_key")),
            Prefetch("amendments", queryset=Amendment.objects.select_related("by").order_by("at", "id")),
        )
        .get(pk=minutes.pk)
    )


def render_minutes(minutes: Minutes, *, with_letter: bool = False) -> tuple[str, bytes]:
    """รายงานการประชุม in the layout of แบบที่ ๑๑; with ``with_letter`` its cover
    letter first, on its own page, the minutes then numbered from their own first
    page. Raises ``DomainError`` for the letter of a draft."""
    context = minutes_context(minutes, with_letter=with_letter)
    meeting = context["meeting"]
    parts = ["minutes", meeting.year_be, meeting.number] + (["letter"] if with_letter else [])
    filename = "-".join(str(part) for part in parts) + ".pdf"
    return filename, render_pdf("pdf/minutes.html", context)


def minutes_context(minutes: Minutes, *, with_letter: bool = False) -> dict:
    """What the minutes print, for the PDF template and the Word copy alike."""
    minutes = _load(minutes)
    meeting = minutes.meeting
    letter = letter_context(minutes) if with_letter else None
    attendees = list(minutes.attendees.all())
    sections, as_of = _section_rows(minutes)
    standing = minutes.standing(today())
    start = minutes.started_at or meeting.start_time
    context = {
        "minutes": minutes,
        "meeting": meeting,
        "series": meeting.series,
        "number": meeting.number_label,
        "date": thai.date_weekday(meeting.date),
        "time": thai.time_thai(start),
        "started_at": thai.time_thai(start),
        "ended_at": thai.time_thai(minutes.ended_at or meeting.end_time),
        "opening": _lines(minutes.opening_note),
        "present": _attendee_rows(attendees, Attendee.Kind.PRESENT),
        "absent": _attendee_rows(attendees, Attendee.Kind.ABSENT),
        "guests": _attendee_rows(attendees, Attendee.Kind.GUEST),
        "sections": sections,
        "follow_up_as_of": thai.date_long(as_of),
        "is_draft": standing == Standing.DRAFT,
        "standing_line": standing_line(minutes, standing),
        "amendments": _amendment_rows(list(minutes.amendments.all())),
        "letter": letter,
    }
    return context


# ---------------------------------------------------------------------------
# The Word copy (issue 14): the same text and numbering, for a last edit in Word

INDENT = word.Cm(2.5)  # templates/pdf/document.css .para
ITEM_INDENT = word.Cm(1.25)  # .item-lead


def _docx_blocks(document, blocks: list[Block]) -> None:
    for block in blocks:
        if block.kind == "table":
            width = max(len(row) for row in block.rows)
            table = word.table(document, [word.Cm(15.25 / width)] * width, borders=False)
            for row in block.rows:
                for cell, text in zip(word.add_row(table), row, strict=True):
                    word.paragraph(cell, text)
        elif block.kind == "bullet":
            word.paragraph(
                document,
                f"- {block.text}",
                indent_left=word.Cm(3 + 0.75 * min(block.level, 1)),
                indent_first=word.Cm(-0.5),
            )
        elif block.kind == "centre":
            word.paragraph(document, block.text, align="center")
        else:
            word.paragraph(document, block.text, indent_first=INDENT, keep_with_next=block.keep_with_next)


def _docx_resolution(document, resolution: Resolution | None) -> None:
    if resolution is None:
        return
    para = word.paragraph(document, indent_first=INDENT)
    word.run(para, "มติที่ประชุม", bold=True)
    word.run(para, f" {resolution.first}")
    _docx_blocks(document, resolution.rest)


def _docx_attendees(document, heading: str, rows: list[AttendeeRow], *, with_reason: bool = False) -> None:
    if not rows:
        return
    word.paragraph(document, heading, bold=True, keep_with_next=True, space_before=word.Pt(6))
    widths = list(ATTENDEE_WIDTHS_REASON if with_reason else ATTENDEE_WIDTHS)
    table = word.table(document, widths, borders=False)
    for row in rows:
        cells = word.add_row(table, cant_split=True)
        word.paragraph(cells[0], f"{row.number}.", align="right")
        word.paragraph(cells[1], row.given_name)
        word.paragraph(cells[2], row.surname)
        word.paragraph(cells[3], row.position)
        if row.substitute_for:
            word.paragraph(cells[3], f"มาประชุมแทน {row.substitute_for}")
        if with_reason:
            word.paragraph(cells[4], row.reason)


# templates/pdf/document.css table.attendees: ลำดับ | ชื่อ | สกุล | ตำแหน่ง (| เหตุที่ไม่มา) in 16 cm
ATTENDEE_WIDTHS = (word.Cm(1.2), word.Cm(3.8), word.Cm(3.4), word.Cm(7.6))
ATTENDEE_WIDTHS_REASON = (word.Cm(1.2), word.Cm(3.8), word.Cm(3.4), word.Cm(4.6), word.Cm(3.0))


def _docx_follow_up(document, rows: list[FollowUpRow], as_of: str) -> None:
    word.paragraph(document, f"ผลการดำเนินงานตามข้อสั่งการที่ยังไม่แล้วเสร็จ (ข้อมูล ณ วันที่ {as_of})", indent_first=INDENT)
    for row in rows:
        indent = word.Cm(2 if row.is_sub_item else 1.25)
        for index, text in enumerate(row.paragraphs or [""]):
            para = word.paragraph(document, f"{row.number} " if index == 0 else "", indent_first=indent)
            if index == 0 and row.heading:
                word.run(para, row.heading, underline=True)
                word.run(para, " ")
            word.run(para, text)
        for agency in row.agencies:
            para = word.paragraph(document, "- ", indent_left=word.Cm(3.75), indent_first=word.Cm(-0.5))
            word.run(para, agency.name, bold=True)
            word.run(para, f" {agency.status}")
            if agency.overdue_days:
                word.run(para, f" เกินกำหนด {thai.thai_digits(agency.overdue_days)} วัน", bold=True)
            if agency.report_date:
                for index, text in enumerate(agency.report or [""]):
                    para = word.paragraph(document, indent_left=word.Cm(3.75))
                    if index == 0:
                        word.run(para, f"รายงานเมื่อ {thai.date_short(agency.report_date)}", underline=True)
                        word.run(para, " ")
                    word.run(para, text)
            else:
                word.paragraph(document, "ยังไม่มีรายงาน", indent_left=word.Cm(3.75))
        for group in row.silent:
            para = word.paragraph(document, "- ", indent_left=word.Cm(3.75), indent_first=word.Cm(-0.5))
            word.run(para, f"ยังไม่มีรายงาน {thai.thai_digits(len(group.names))} หน่วยงาน", bold=True)
            word.run(para, f" {group.status}")
            word.paragraph(document, ", ".join(group.names), indent_left=word.Cm(3.75))


def _docx_signature(document, role: str, name: str, position: str) -> None:
    word.paragraph(
        document,
        f"ลงชื่อ ...................................... {role}",
        indent_left=word.Cm(3.5),
        keep_with_next=True,
        space_before=word.Pt(22),
    )
    word.paragraph(document, f"({name or ' ' * 30})", indent_left=word.Cm(4.5), keep_with_next=bool(position))
    if position:
        word.paragraph(document, position, indent_left=word.Cm(4.5))


def _docx_letter(document, letter: dict) -> None:
    """หนังสือนำส่ง as templates/pdf/_minutes_letter.html prints it: the emblem's
    space, ที่ on the left and the office on the right, the date and the signature
    from the middle of the page."""
    word.paragraph(document, space_after=word.Cm(1.5) - word.Pt(16))  # .letter-emblem (no Garuda bundled)
    head = word.table(document, LETTER_HEAD_WIDTHS, borders=False)
    number_cell, office_cell = word.add_row(head)
    word.paragraph(number_cell, f"ที่ {letter['number']}")
    for line in letter["office_lines"] or [""]:
        word.paragraph(office_cell, line)
    word.paragraph(
        document, letter["date"], indent_left=word.Cm(7.5), space_before=word.Cm(0.3), space_after=word.Cm(0.3)
    )
    for label, key in (("เรื่อง", "subject"), ("เรียน", "to"), ("สิ่งที่ส่งมาด้วย", "enclosure")):
        word.paragraph(document, f"{label} {letter[key]}", space_before=word.Cm(0.25))
    for index, text in enumerate([*letter["paragraphs"], letter["closing"]]):
        word.paragraph(document, text, indent_first=INDENT, space_before=word.Cm(0.4 if index == 0 else 0.1))
    # .letter-sign: 8 cm wide from 6 cm in, centred, kept together.
    sign = {"align": "center", "indent_left": word.Cm(6), "indent_right": word.Cm(2), "keep_with_next": True}
    word.paragraph(document, "ขอแสดงความนับถือ", space_before=word.Cm(0.5), **sign)
    word.paragraph(document, space_after=word.Cm(2.2) - word.Pt(16), **sign)
    signer = letter["signer_name"] or " " * 30
    word.paragraph(document, f"({signer})", **{**sign, "keep_with_next": bool(letter["signer_position"])})
    if letter["signer_position"]:
        word.paragraph(document, letter["signer_position"], **{**sign, "keep_with_next": False})
    for index, line in enumerate(letter["contact_lines"]):
        word.paragraph(document, line, space_before=word.Cm(1.5) if index == 0 else None)


def _docx_amendments(document, context: dict) -> None:
    """บันทึกการแก้ไขรายงานการประชุมหลังการรับรอง on a page of its own, as the PDF."""
    word.page_break(document)
    word.paragraph(document, "บันทึกการแก้ไขรายงานการประชุมหลังการรับรอง", bold=True, align="center")
    word.paragraph(
        document, f"{context['minutes'].title} ครั้งที่ {context['number']}", align="center", space_after=word.Cm(0.3)
    )
    table = word.table(document, AMENDMENT_WIDTHS, AMENDMENT_HEADER)
    for row in context["amendments"]:
        number, change, reason, who = word.add_row(table, cant_split=True)
        word.paragraph(number, row.number, align="center")
        word.paragraph(change, row.what, bold=True)
        for label, lines in (("ข้อความเดิม", row.before), ("ข้อความใหม่", row.after)):
            word.paragraph(change, label, underline=True)
            for line in lines or ["(ไม่มี)"]:
                word.paragraph(change, line)
        for line in row.reason or [""]:
            word.paragraph(reason, line)
        word.paragraph(who, row.by)
        word.paragraph(who, row.at)


# _minutes_letter.html's head: ที่ on the left, the office (as wide as its lines) on the right
LETTER_HEAD_WIDTHS = (word.Cm(9.5), word.Cm(6.5))
# minutes.html's amendment table: <col 1.3cm> <col> <col 4.2cm> <col 3.2cm> in 16 cm
AMENDMENT_WIDTHS = (word.Cm(1.3), word.Cm(7.3), word.Cm(4.2), word.Cm(3.2))
AMENDMENT_HEADER = ("ลำดับ", "การแก้ไข", "เหตุผล", "ผู้แก้ไข / เมื่อ")


def render_minutes_docx(minutes: Minutes, *, with_letter: bool = False) -> tuple[str, bytes]:
    """รายงานการประชุม as a Word document: the text, numbering and labels of the PDF
    (render_minutes), its list of amendments on a page of its own and, with
    ``with_letter``, its cover letter first, the minutes then numbered from their
    own first page. Raises ``DomainError`` for the letter of a draft."""
    context = minutes_context(minutes, with_letter=with_letter)
    minutes, meeting, series = context["minutes"], context["meeting"], context["series"]
    document = word.new_document()
    if context["letter"]:
        _docx_letter(document, context["letter"])
        word.new_page_section(document, restart_numbers=True)
    for text, bold in (
        (minutes.title, True),
        (f"ครั้งที่ {context['number']}", True),
        (f"เมื่อ{context['date']}" + (f" เวลา {context['time']}" if context["time"] else ""), False),
    ):
        word.paragraph(document, text, bold=bold, align="center")
    if meeting.venue:
        for line in thai.head_lines(f"ณ {meeting.venue}"):
            word.paragraph(document, line, align="center")
    present = context["present"]
    _docx_attendees(document, f"{series.present_label} จำนวน {thai.thai_digits(len(present))} คน", present)
    _docx_attendees(document, "ผู้ไม่มาประชุม", context["absent"], with_reason=True)
    _docx_attendees(document, "ผู้เข้าร่วมประชุม", context["guests"])
    word.paragraph(document, f"{series.started_label} {context['started_at'] or '………… น.'}", space_before=word.Pt(8))
    for line in context["opening"]:
        word.paragraph(document, line, indent_first=INDENT)
    for section in context["sections"]:
        word.paragraph(document, section.heading, bold=True, keep_with_next=True, space_before=word.Pt(10))
        _docx_blocks(document, section.blocks)
        if section.follow_up:
            _docx_follow_up(document, section.follow_up, context["follow_up_as_of"])
        for item in section.items:
            if item.lead:
                para = word.paragraph(document, indent_first=ITEM_INDENT)
                word.run(para, item.label, bold=True)
                word.run(para, f" {item.lead}")
            else:
                heading = item.presenter if item.presenter_first else (item.title or item.presenter)
                if item.title and item.presenter and not item.presenter_first:
                    heading += f" ({item.presenter})"
                word.paragraph(
                    document,
                    f"{item.label} {heading}",
                    bold=True,
                    indent_first=word.Cm(1.25 * min(item.depth, 2)) if item.depth else None,
                    keep_with_next=True,
                    space_before=word.Pt(4),
                )
                if item.presenter_first:
                    word.paragraph(
                        document,
                        item.title,
                        bold=True,
                        indent_first=word.Cm(1.25 * min(item.depth + 1, 3)),
                        keep_with_next=True,
                    )
            _docx_blocks(document, item.blocks)
            _docx_resolution(document, item.resolution)
        _docx_resolution(document, section.resolution)
        if section.is_empty:
            word.paragraph(document, "- ไม่มี -", align="center")
    word.paragraph(
        document,
        f"{series.ended_label} {context['ended_at'] or '………… น.'}",
        keep_with_next=True,
        space_before=word.Pt(8),
    )
    _docx_signature(document, series.recorder_label, minutes.recorder_name, minutes.recorder_position)
    _docx_signature(document, series.checker_label, minutes.checker_name, minutes.checker_position)
    if context["standing_line"]:
        word.paragraph(document, context["standing_line"], space_before=word.Pt(22))
    if context["amendments"]:
        _docx_amendments(document, context)
    parts = ["minutes", meeting.year_be, meeting.number] + (["letter"] if with_letter else [])
    return "-".join(str(part) for part in parts) + ".docx", word.to_bytes(document)
