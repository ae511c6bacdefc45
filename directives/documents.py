"""The printed documents: ``render_<document>(obj) -> (filename, bytes)``.

Each function reads what its document shows in a few queries, shapes it into plain
rows for a template in ``templates/pdf/`` and hands that to the one WeasyPrint
wrapper (``lampang_tracker.pdf.render_pdf``). Thai formatting comes from
``lampang_tracker.thai`` (directly or through its template filters).

Page breaks: table rows may break across pages, as in the office's Word tables,
but rows are printed in groups (one ``<tbody>`` each) so that a short group moves
whole to the next page, and a row that introduces the next one — the heading row
๗ ประเด็นอื่น ๆ, a follow-up item before its first agency, a meeting line — never
stays alone at the foot of a page. Groups taller than about half a page are left
breakable: WeasyPrint stops repeating the table header for an unbreakable block
taller than a page.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from math import ceil

from django.conf import settings
from django.db.models import Prefetch, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from agencies.models import Agency
from lampang_tracker import thai, word
from lampang_tracker.pdf import render_pdf
from meetings.models import Letter, Meeting, MeetingSeries

from .models import Assignment, Directive, ProgressReport, ResponsibleParty, Rollup, Status, paragraphs_of, today

# A group of rows of at most this many printed lines is not split across pages.
KEEP_LINES_ONE_ROW = 10
KEEP_LINES_GROUP = 18


def estimated_lines(paragraphs: Iterable[str], per_line: int) -> int:
    """A rough count of printed lines at 16 pt, ``per_line`` characters a line
    (some 60 in a 10 cm column, 17 in the หน่วยงานรับผิดชอบ column)."""
    return sum(max(1, ceil(len(paragraph) / per_line)) for paragraph in paragraphs)


# ---------------------------------------------------------------------------
# Rows the templates print


@dataclass
class AgencyStatus:
    """One responsible agency's state of one directive, as of a day."""

    agency_name: str
    status: str
    due_date: datetime.date | None
    overdue_days: int
    report: ProgressReport | None
    report_date: datetime.date | None
    report_paragraphs: list[str]

    @property
    def lines(self) -> int:
        return max(4, 1 + estimated_lines(self.report_paragraphs, 50))


@dataclass
class SilentAgencies:
    """Agencies of one item with no report yet and the same state, printed as one
    row: a group such as ทุกส่วนราชการ/หน่วยงาน would otherwise fill pages with
    "ยังไม่มีรายงาน"."""

    names: list[str]
    status: str
    due_date: datetime.date | None
    overdue_days: int

    @property
    def lines(self) -> int:
        # One line: the count; the names go to the optional appendix.
        return 2

    @property
    def count(self) -> int:
        return len(self.names)


# Fewer silent agencies than this keep a row each.
SILENT_GROUP_MIN = 3


def _split_silent(statuses: list[AgencyStatus]) -> tuple[list[AgencyStatus], list[SilentAgencies]]:
    """The agencies that reported (or are too few to gather), and the rest gathered
    by state."""
    silent: dict[tuple, list[AgencyStatus]] = defaultdict(list)
    for status in statuses:
        if status.report is None:
            silent[(status.status, status.due_date, status.overdue_days)].append(status)
    gathered = {key: members for key, members in silent.items() if len(members) >= SILENT_GROUP_MIN}
    gathered_ids = {id(status) for members in gathered.values() for status in members}
    each = [status for status in statuses if id(status) not in gathered_ids]
    groups = [
        SilentAgencies([s.agency_name for s in members], status, due_date, overdue_days)
        for (status, due_date, overdue_days), members in gathered.items()
    ]
    return each, groups


@dataclass
class Segment:
    """A piece of an item's row: some of its paragraphs and the parties beside them."""

    first: bool
    paragraphs: list[str]
    parties: list[str]
    bulleted: bool = False


@dataclass
class ItemRow:
    """One directive in the ลำดับ | ประเด็น table.

    A top-level directive shows its number in the ลำดับ column. Its sub-items
    (๗.๑ …) follow as rows of their own with an empty ลำดับ cell and their number at
    the start of their text, printed without a line above so that, as in the seed,
    they read as the parent's row area — while each one's agencies sit beside it.
    """

    directive: Directive
    number: str  # the ลำดับ cell: "๗" for a top-level item, "" for a sub-item
    prefix: str  # "๗.๑" before a sub-item's text
    heading: str
    paragraphs: list[str]
    parties: list[str]
    bulleted: bool
    is_sub_item: bool
    has_sub_items: bool
    statuses: list[AgencyStatus] = field(default_factory=list)
    heading_apart: bool = False  # the heading on a line of its own, not running into the text
    party_paragraphs: list[int] = field(default_factory=list)  # beside which paragraph each party sits

    @property
    def segments(self) -> list[Segment]:
        """The row cut where a later paragraph has parties of its own beside it, as
        the office's Word table does (row ๕ of the seed): each piece is printed as
        a table row of its own with no line above, its parties level with it. A
        dash goes before the parties only where a piece lists more than one."""
        starts = sorted({0, *(min(p, max(len(self.paragraphs) - 1, 0)) for p in self.party_paragraphs)})
        segments = []
        for index, start in enumerate(starts):
            end = starts[index + 1] if index + 1 < len(starts) else len(self.paragraphs)
            parties = [
                party
                for party, at in zip(self.parties, self.party_paragraphs or [0] * len(self.parties), strict=False)
                if start <= min(at, max(len(self.paragraphs) - 1, 0)) < end or (not self.paragraphs and index == 0)
            ]
            segments.append(Segment(first=index == 0, paragraphs=self.paragraphs[start:end], parties=parties))
        if len(segments) > 1:
            for segment in segments:
                segment.bulleted = self.bulleted and len(segment.parties) > 1
        else:
            segments[0].bulleted = self.bulleted
        return segments

    is_group: bool = False  # names a group (ทุกส่วนราชการ/หน่วยงาน): printed with a roll-up

    @property
    def rollup(self) -> str:
        """ "รายงานแล้ว ๑๒/๔๕ หน่วยงาน · เกินกำหนด ๓" as of the document's day."""
        if not self.is_group or not self.statuses:
            return ""
        reported = sum(1 for s in self.statuses if s.report is not None)
        overdue = sum(1 for s in self.statuses if s.overdue_days)
        return Rollup(len(self.statuses), reported, overdue, 0).label

    @property
    def heading_only(self) -> bool:
        """A row such as ๗ ประเด็นอื่น ๆ: only a heading over its sub-items."""
        return self.has_sub_items and not self.paragraphs

    def issue_lines(self, per_line: int) -> int:
        lead = " " * (len(self.prefix) + len(self.heading))
        return estimated_lines([lead + p for p in self.paragraphs[:1]] + self.paragraphs[1:], per_line)


@dataclass
class PrintRow:
    """A row of a report table: a meeting line, an item, or one agency's status."""

    kind: str  # "meeting" | "item" | "agency" | "silent"
    lines: int
    keep_with_next: bool = False
    item: ItemRow | None = None
    status: AgencyStatus | SilentAgencies | None = None
    section: dict | None = None
    extra: dict = field(default_factory=dict)


@dataclass
class RowGroup:
    rows: list
    keep: bool  # printed as one unbreakable <tbody>


def grouped(rows: Sequence, lines: Sequence[int], keep_with_next: Sequence[bool]) -> list[RowGroup]:
    """Rows in page-break groups: a row that introduces the next joins its group."""
    groups: list[RowGroup] = []
    current: list = []
    current_lines = 0
    for row, row_lines, with_next in zip(rows, lines, keep_with_next, strict=True):
        current.append(row)
        current_lines += row_lines
        if with_next:
            continue
        limit = KEEP_LINES_GROUP if len(current) > 1 else KEEP_LINES_ONE_ROW
        groups.append(RowGroup(current, keep=current_lines <= limit))
        current, current_lines = [], 0
    if current:
        groups.append(RowGroup(current, keep=current_lines <= KEEP_LINES_GROUP))
    return groups


def _in_tree_order(directives: Sequence[Directive]) -> list[tuple[Directive, int]]:
    """(directive, depth) with every sub-item right after its parent, in ลำดับ order."""
    by_parent: dict[int | None, list[Directive]] = defaultdict(list)
    ids = {d.pk for d in directives}
    for directive in directives:
        parent = directive.parent_id if directive.parent_id in ids else None
        by_parent[parent].append(directive)
    ordered: list[tuple[Directive, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for directive in sorted(by_parent.get(parent_id, []), key=lambda d: d.sort_key):
            ordered.append((directive, depth))
            walk(directive.pk, depth + 1)

    walk(None, 0)
    return ordered


def item_rows(directives: Sequence[Directive]) -> list[ItemRow]:
    rows = []
    ordered = _in_tree_order(directives)
    for index, (directive, depth) in enumerate(ordered):
        next_depth = ordered[index + 1][1] if index + 1 < len(ordered) else 0
        rows.append(
            ItemRow(
                directive=directive,
                number="" if depth else directive.number_label,
                prefix=directive.number_label if depth else "",
                heading=directive.heading,
                paragraphs=paragraphs_of(directive.text),
                parties=[party.text for party in directive.parties.all()],
                party_paragraphs=[party.paragraph for party in directive.parties.all()],
                heading_apart=directive.heading_apart,
                bulleted=directive.parties_bulleted,
                is_sub_item=depth > 0,
                has_sub_items=next_depth > depth,
                is_group=any(party.group_id for party in directive.parties.all()),
            )
        )
    return rows


def _meeting_directives(meetings: Iterable[Meeting]) -> list[Directive]:
    return list(
        Directive.objects.active()
        .filter(meeting__in=list(meetings))
        .select_related("meeting")
        .prefetch_related(Prefetch("parties", queryset=ResponsibleParty.objects.select_related("agency", "group")))
        .order_by("meeting__date", "meeting__number", "sort_key")
    )


def _meeting_heading(meeting: Meeting) -> dict:
    return {
        "meeting": meeting,
        "number": meeting.number_label,
        "date": thai.date_long(meeting.date),
        "time": thai.time_thai(meeting.start_time),
    }


def _letter_directives(letter: Letter) -> list[Directive]:
    return list(
        Directive.objects.active()
        .filter(letter=letter)
        .prefetch_related(Prefetch("parties", queryset=ResponsibleParty.objects.select_related("agency", "group")))
        .order_by("sort_key")
    )


def _letter_heading(letter: Letter) -> dict:
    return {
        "letter": letter,
        "number": letter.number_label,
        "date": thai.date_long(letter.date),
        "subject": letter.subject,
    }


def _office() -> dict:
    """What the document templates read as ``series`` for a letter, which belongs to no
    meeting series: the office line at the foot (settings.OFFICE_LINE)."""
    return {"office_line": settings.OFFICE_LINE}


# ---------------------------------------------------------------------------
# The state of an assignment as of a day


def _end_of_day(day: datetime.date) -> datetime.datetime:
    start = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time())
    return timezone.make_aware(start, timezone.get_current_timezone())


def _reports_by_assignment(assignments: Iterable[Assignment], as_of: datetime.date) -> dict[int, list[ProgressReport]]:
    """Reports written up to the end of ``as_of``, newest first, in one query.

    Reports the secretariat sent back are left out: they are not the agency's
    standing account of its work.
    """
    ids = [a.pk for a in assignments]
    reports: dict[int, list[ProgressReport]] = defaultdict(list)
    if not ids:
        return reports
    query = (
        ProgressReport.objects.filter(assignment_id__in=ids, created_at__lt=_end_of_day(as_of))
        .exclude(review=ProgressReport.Review.RETURNED)
        .order_by("assignment_id", "-created_at", "-id")
    )
    for report in query:
        reports[report.assignment_id].append(report)
    return reports


def agency_status(assignment: Assignment, reports: list[ProgressReport], as_of: datetime.date) -> AgencyStatus:
    """What an agency's share stood at on ``as_of``.

    The status is that of its newest report by then (an extension already granted
    no longer counts, as in ``services._assignment_recompute_status``); a directive
    the secretariat closed by then is ยุติ. Overdue: still open and past its due date.
    """
    directive = assignment.directive
    status = Status.NOT_STARTED
    for report in reports:
        if report.status == Status.EXTENSION and report.review == ProgressReport.Review.ACCEPTED:
            continue
        status = report.status
        break
    if directive.closed_at is not None and timezone.localdate(directive.closed_at) <= as_of:
        status = Status.CLOSED
    is_open = status not in (Status.DONE, Status.CLOSED)
    overdue_days = (as_of - assignment.due_date).days if is_open and assignment.due_date else 0
    latest = reports[0] if reports else None
    return AgencyStatus(
        agency_name=assignment.agency.name,
        status=Status(status).label,
        due_date=assignment.due_date,
        overdue_days=max(overdue_days, 0),
        report=latest,
        report_date=timezone.localdate(latest.created_at) if latest else None,
        report_paragraphs=paragraphs_of(latest.text) if latest else [],
    )


def _attach_statuses(rows: list[ItemRow], as_of: datetime.date) -> None:
    assignments = list(
        Assignment.objects.filter(directive_id__in=[row.directive.pk for row in rows])
        .select_related("agency", "directive")
        .order_by("directive_id", "agency__print_order", "agency__name")
    )
    reports = _reports_by_assignment(assignments, as_of)
    by_directive: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in assignments:
        by_directive[assignment.directive_id].append(assignment)
    for row in rows:
        row.statuses = [agency_status(a, reports.get(a.pk, []), as_of) for a in by_directive.get(row.directive.pk, [])]


def open_item_rows(meeting: Meeting, as_of: datetime.date) -> list[ItemRow]:
    """A meeting's items still open (not done, not closed), each with every agency's
    state as of ``as_of``; a heading row stays when one of its sub-items is open.
    The minutes' ระเบียบวาระที่ ๓ (เรื่องสืบเนื่อง) is built from this."""
    rows = item_rows(_meeting_directives([meeting]))
    open_ids = {row.directive.pk for row in rows if row.directive.state not in (Status.DONE, Status.CLOSED)}
    keep = set(open_ids)
    for row in rows:
        if row.directive.pk in open_ids and row.directive.parent_id:
            keep.add(row.directive.parent_id)
    rows = [row for row in rows if row.directive.pk in keep]
    _attach_statuses(rows, as_of)
    return rows


# ---------------------------------------------------------------------------
# The documents


def _pdf_name(*parts: object) -> str:
    return "-".join(str(part) for part in parts) + ".pdf"


def render_summary(meeting: Meeting) -> tuple[str, bytes]:
    """สรุปประเด็นสืบเนื่องจากการประชุม, laid out like the office's own."""
    rows = item_rows(_meeting_directives([meeting]))
    lines = [max(row.issue_lines(60), estimated_lines(row.parties, 17)) for row in rows]
    context = {
        **_meeting_heading(meeting),
        "series": meeting.series,
        "groups": grouped(rows, lines, [row.heading_only for row in rows]),
    }
    return _pdf_name("summary", meeting.year_be, meeting.number), render_pdf("pdf/meeting_summary.html", context)


def _followup_groups(
    meetings: Sequence[Meeting], as_of: datetime.date, *, meeting_lines: bool, appendix: list | None = None
) -> list[RowGroup]:
    by_meeting: dict[int, list[Directive]] = defaultdict(list)
    for directive in _meeting_directives(meetings):
        by_meeting[directive.meeting_id].append(directive)
    sections = [
        (_meeting_heading(meeting) if meeting_lines else None, by_meeting.get(meeting.pk, [])) for meeting in meetings
    ]
    return _status_groups(sections, as_of, appendix)


def _status_groups(
    sections: Sequence[tuple[dict | None, list[Directive]]], as_of: datetime.date, appendix: list | None = None
) -> list[RowGroup]:
    """The follow-up table: each section (a meeting line, or None for no line) with
    its items, the agencies that reported, and one line counting those that have not
    (their names, when ``appendix`` is a list, are added to it for the appendix)."""
    rows_by_section = [(heading, item_rows(directives)) for heading, directives in sections]
    _attach_statuses([row for _, rows in rows_by_section for row in rows], as_of)
    printed: list[PrintRow] = []
    for heading, rows in rows_by_section:
        if heading is not None:
            printed.append(PrintRow("meeting", 1, keep_with_next=True, section=heading))
        for row in rows:
            lines = row.issue_lines(80) + (1 if row.parties else 0)
            printed.append(PrintRow("item", lines, keep_with_next=bool(row.statuses) or row.heading_only, item=row))
            each, silent = _split_silent(row.statuses)
            printed += [PrintRow("agency", status.lines, status=status, item=row) for status in each]
            for group in silent:
                if appendix is not None:
                    appendix.append({"item": row, "silent": group})
                printed.append(PrintRow("silent", group.lines, status=group, item=row))
    return grouped(printed, [r.lines for r in printed], [r.keep_with_next for r in printed])


def render_followup(
    meeting: Meeting, as_of: datetime.date | None = None, *, appendix: bool = False
) -> tuple[str, bytes]:
    """The same items with each agency's status and latest report as of a day,
    for the next meeting's ระเบียบวาระที่ ๓ (เรื่องสืบเนื่อง). Agencies without a report
    are counted on one line; ``appendix`` lists their names at the end."""
    as_of = as_of or today()
    names: list | None = [] if appendix else None
    context = {
        "series": meeting.series,
        "title": f"ผลการดำเนินงานตาม{meeting.series.summary_title} ครั้งที่ {meeting.number_label}",
        "meeting_line": _meeting_heading(meeting),
        "as_of": as_of,
        "groups": _followup_groups([meeting], as_of, meeting_lines=False, appendix=names),
        "appendix": names,
    }
    name = _pdf_name("followup", meeting.year_be, meeting.number, as_of.isoformat())
    return name, render_pdf("pdf/meeting_followup.html", context)


def render_followup_year(series: MeetingSeries, year_be: int, as_of: datetime.date | None = None) -> tuple[str, bytes]:
    """Every meeting of a series in one Buddhist-Era year, one section each."""
    as_of = as_of or today()
    meetings = list(series.meetings.active().filter(year_be=year_be).order_by("date", "number"))
    context = {
        "series": series,
        "title": f"ผลการดำเนินงานตาม{series.summary_title} ประจำปี {thai.thai_digits(year_be)}",
        "as_of": as_of,
        "groups": _followup_groups(meetings, as_of, meeting_lines=True),
    }
    return _pdf_name("followup-year", year_be, as_of.isoformat()), render_pdf("pdf/meeting_followup.html", context)


def letter_title(letter: Letter) -> str:
    """ "หนังสือ ที่ มท ๐๘๑๐.๖/ว ๑๒๕๐๕ ลงวันที่ ๗ ธันวาคม ๒๕๖๗ เรื่อง …"."""
    return f"หนังสือ ที่ {letter.number_label} ลงวันที่ {thai.date_long(letter.date)} เรื่อง {letter.subject}"


def render_letter_summary(letter: Letter) -> tuple[str, bytes]:
    """สรุปข้อสั่งการตามหนังสือ: the letter's numbered directives in the layout of the
    meeting summary (ลำดับ | ประเด็น | หน่วยงานรับผิดชอบ, the office line at the end)."""
    rows = item_rows(_letter_directives(letter))
    lines = [max(row.issue_lines(60), estimated_lines(row.parties, 17)) for row in rows]
    context = {
        **_letter_heading(letter),
        "series": _office(),
        "groups": grouped(rows, lines, [row.heading_only for row in rows]),
    }
    return _pdf_name("letter-summary", letter.pk), render_pdf("pdf/letter_summary.html", context)


def render_letter_followup(letter: Letter, as_of: datetime.date | None = None) -> tuple[str, bytes]:
    """The letter's directives with each agency's status and latest report as of a day."""
    as_of = as_of or today()
    context = {
        "series": _office(),
        "title": f"ผลการดำเนินงานตาม{letter_title(letter)}",
        "as_of": as_of,
        "groups": _status_groups([(None, _letter_directives(letter))], as_of),
    }
    return _pdf_name("letter-followup", letter.pk, as_of.isoformat()), render_pdf("pdf/meeting_followup.html", context)


def render_agency_report(agency: Agency, as_of: datetime.date | None = None) -> tuple[str, bytes]:
    """Every open item of one agency, across meetings and letters, with its state."""
    as_of = as_of or today()
    assignments = list(
        Assignment.objects.for_agency(agency)
        .open()
        .filter(directive__is_archived=False)
        .filter(Q(directive__meeting__is_archived=False) | Q(directive__letter__is_archived=False))
        .select_related("agency", "directive__meeting__series", "directive__letter", "directive__parent")
        .annotate(source_date=Coalesce("directive__meeting__date", "directive__letter__date"))
        .order_by(
            "source_date",
            "directive__meeting__number",
            "directive__letter_id",
            "directive__meeting_id",
            "directive__sort_key",
        )
    )
    reports = _reports_by_assignment(assignments, as_of)
    printed: list[PrintRow] = []
    source = None
    for assignment in assignments:
        directive = assignment.directive
        if (directive.meeting_id, directive.letter_id) != source:
            source = (directive.meeting_id, directive.letter_id)
            heading = _letter_heading(directive.letter) if directive.letter_id else _meeting_heading(directive.meeting)
            printed.append(PrintRow("meeting", 1, keep_with_next=True, section=heading))
        paragraphs = paragraphs_of(directive.text)
        status = agency_status(assignment, reports.get(assignment.pk, []), as_of)
        lines = max(estimated_lines(paragraphs, 40), estimated_lines(status.report_paragraphs, 28), 4)
        item = {
            "number": directive.number_label,
            "parent_heading": directive.parent.heading if directive.parent else "",
            "heading": directive.heading,
            "paragraphs": paragraphs,
        }
        printed.append(PrintRow("item", lines, status=status, extra=item))
    context = {
        "agency": agency,
        "as_of": as_of,
        "count": len(assignments),
        "groups": grouped(printed, [r.lines for r in printed], [r.keep_with_next for r in printed]),
    }
    return _pdf_name("agency-report", agency.pk, as_of.isoformat()), render_pdf("pdf/agency_report.html", context)


# ---------------------------------------------------------------------------
# Word copies (issue 14): the same rows, the same layout, for a last edit in Word

# templates/pdf/_summary_table.html: <col 1.3cm> <col> <col 3.7cm> in 16 cm of text
SUMMARY_WIDTHS = (word.Cm(1.3), word.Cm(11.0), word.Cm(3.7))
SUMMARY_HEADER = ("ลำดับ", "ประเด็น", "หน่วยงานรับผิดชอบ")


def _docx_name(*parts: object) -> str:
    return "-".join(str(part) for part in parts) + ".docx"


def _summary_docx(head: list[tuple[str, bool]], rows: list[ItemRow], office_line: str, empty_text: str) -> bytes:
    """The ลำดับ | ประเด็น | หน่วยงานรับผิดชอบ table under ``head`` (text, bold) lines."""
    document = word.new_document()
    for text, bold in head:
        word.paragraph(document, text, bold=bold, align="center")
    word.paragraph(document)
    table = word.table(document, SUMMARY_WIDTHS, SUMMARY_HEADER)
    for index, row in enumerate(rows, start=1):
        for segment in row.segments:
            number_cell, issue_cell, parties_cell = word.add_row(table)
            if not segment.first or row.is_sub_item:
                word.remove_top_border([number_cell, issue_cell, parties_cell])
            if segment.first and row.number:
                word.paragraph(number_cell, row.number, align="center")
            _issue_paragraphs(issue_cell, row, segment)
            if segment.first:
                word.hidden_bookmark(issue_cell.paragraphs[0], dates_mark(index, row.directive))
            for party in segment.parties:
                word.paragraph(parties_cell, f"-{party}" if segment.bulleted else party)
    if not rows:
        _, issue_cell, _ = word.add_row(table)
        word.paragraph(issue_cell, empty_text)
    if office_line:
        word.paragraph(document, office_line, space_before=word.Pt(17))
    return word.to_bytes(document)


def dates_mark(index: int, directive: Directive) -> str:
    """The item's due date and reporting cycle, which the summary does not print, as
    the name of a hidden bookmark in its row ("_Lt3_d20171231_r20_u20180930"), so that
    the Word copy imported back (imports.parsers.parse_summary_docx) keeps them."""
    name = f"_Lt{index}"
    if directive.due_date:
        name += f"_d{directive.due_date:%Y%m%d}"
    if directive.report_day:
        name += f"_r{directive.report_day}"
    if directive.report_until:
        name += f"_u{directive.report_until:%Y%m%d}"
    return name


def _issue_paragraphs(cell, row: ItemRow, segment: Segment) -> None:
    """As templates/pdf/_issue.html: the sub-item's number, the underlined heading
    running into the first paragraph (or on its own line), then the text."""
    if not segment.first:
        for text in segment.paragraphs:
            word.paragraph(cell, text)
        return
    lead = f"{row.prefix} " if row.prefix else ""
    if row.heading and (row.heading_apart or not segment.paragraphs):
        para = word.paragraph(cell, lead)
        word.run(para, row.heading, underline=True)
        for text in segment.paragraphs:
            word.paragraph(cell, text)
        return
    for index, text in enumerate(segment.paragraphs):
        para = word.paragraph(cell, lead if index == 0 else "")
        if index == 0 and row.heading:
            word.run(para, row.heading, underline=True)
            word.run(para, " ")
        word.run(para, text)
    if not segment.paragraphs and lead:
        word.paragraph(cell, lead)


def render_summary_docx(meeting: Meeting) -> tuple[str, bytes]:
    """สรุปประเด็นสืบเนื่องจากการประชุม as a Word document (see render_summary)."""
    rows = item_rows(_meeting_directives([meeting]))
    when = f"เมื่อวันที่ {thai.date_long(meeting.date)}"
    if meeting.start_time:
        when += f" เวลา {thai.time_thai(meeting.start_time)}"
    head = [(f"{meeting.series.summary_title} ครั้งที่ {meeting.number_label}", True), (when, False)]
    if meeting.venue:
        head.append((f"ณ {meeting.venue}", False))
    data = _summary_docx(head, rows, meeting.series.office_line, "ยังไม่มีประเด็นในการประชุมนี้")
    return _docx_name("summary", meeting.year_be, meeting.number), data


def render_letter_summary_docx(letter: Letter) -> tuple[str, bytes]:
    """สรุปข้อสั่งการตามหนังสือ as a Word document (see render_letter_summary)."""
    rows = item_rows(_letter_directives(letter))
    head = [
        (f"สรุปข้อสั่งการตามหนังสือ ที่ {letter.number_label} ลงวันที่ {thai.date_long(letter.date)}", True),
        (f"เรื่อง {letter.subject}", False),
    ]
    if letter.sender:
        head.append((f"จาก {letter.sender}", False))
    data = _summary_docx(head, rows, settings.OFFICE_LINE, "ยังไม่มีข้อสั่งการจากหนังสือฉบับนี้")
    return _docx_name("letter-summary", letter.pk), data
