"""Writes to minutes go through here (the pattern of directives/services.py).

The rules of the certification workflow live here, in one place:

- ร่าง (draft): the secretariat writes freely.
- เวียนเพื่อรับรอง (circulating, with a deadline): the secretariat may still write;
  agency users may send correction requests until the deadline; the secretariat
  accepts or rejects each one.
- After the deadline with no request left undecided the minutes count as certified
  (ถือว่ารับรอง, as the office's cover letter says) and are locked.
- รับรองแล้ว (certified at a later meeting of the series, recorded with it): locked.

Locked minutes still change, but only as an amendment: every changed field is kept
with who, when, why, and the text before and after.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from django.db import transaction
from django.utils import timezone

from agencies.models import Agency
from directives import services as directive_services
from directives.documents import open_item_rows
from directives.models import Directive, today
from directives.services import DomainError, EditConflict, Party, claim_version
from lampang_tracker import limits, thai
from meetings.models import Meeting

from . import events
from .models import (
    AgendaItem,
    AgendaSection,
    Amendment,
    Attendee,
    CorrectionRequest,
    DirectiveOrigin,
    Minutes,
    Section,
    Standing,
    State,
)


def _stamp(obj, by) -> None:
    obj._history_user = by


def meeting_reference(meeting: Meeting) -> str:
    """ครั้งที่ ๓/๒๕๖๓ เมื่อวันที่ ๒๘ กุมภาพันธ์ ๒๕๖๓"""
    return f"ครั้งที่ {meeting.number_label} เมื่อวันที่ {thai.date_long(meeting.date)}"


def section_titles(meeting: Meeting) -> dict[int, str]:
    """The standard titles; ๒ and ๓ name the previous meeting of the series."""
    titles = {number: label for number, label in Section.choices}
    previous = meeting.previous()
    if previous is not None:
        titles[Section.CERTIFY] = f"รับรองรายงานการประชุม{meeting_reference(previous)}"
        titles[Section.FOLLOW_UP] = f"เรื่องสืบเนื่องจากการประชุม{meeting_reference(previous)}"
    return titles


def default_title(meeting: Meeting) -> str:
    name = meeting.series.name
    return "รายงาน" + name if name.startswith("การประชุม") else f"รายงานการประชุม{name}"


# ---------------------------------------------------------------------------
# Starting the minutes


@transaction.atomic
def minutes_start(*, meeting: Meeting, by) -> Minutes:
    """Minutes for a meeting, with the six standard sections and the attendance of
    the previous meeting of the series copied in."""
    if Minutes.objects.filter(meeting=meeting).exists():
        raise DomainError("การประชุมนี้มีรายงานการประชุมแล้ว")
    minutes = Minutes(
        meeting=meeting,
        title=default_title(meeting),
        started_at=meeting.start_time,
        ended_at=meeting.end_time,
        created_by=by,
    )
    previous = meeting.previous()
    previous_minutes = getattr(previous, "minutes", None) if previous else None
    if previous_minutes is not None:
        for name in ("recorder_name", "recorder_position", "checker_name", "checker_position"):
            setattr(minutes, name, getattr(previous_minutes, name))
        for name in ("letter_office", "letter_to", "letter_signer_name", "letter_signer_position", "letter_contact"):
            setattr(minutes, name, getattr(previous_minutes, name))
    _stamp(minutes, by)
    minutes.save()
    for number, title in section_titles(meeting).items():
        section = AgendaSection(minutes=minutes, number=number, title=title)
        _stamp(section, by)
        section.save()
    if previous_minutes is not None:
        attendees_copy_previous(minutes=minutes, by=by)
    return minutes


# ---------------------------------------------------------------------------
# Locking and amendments


def _display(value) -> str:
    """An amended value as printed; the fields amendments cover hold text, times
    (started_at, ended_at) and an agency, none a date."""
    if value is None:
        return ""
    if isinstance(value, datetime.time):
        return thai.time_thai(value)
    return str(value)


def _check_writable(minutes: Minutes, reason: str) -> bool:
    """True when the change must be recorded as an amendment."""
    if minutes.is_locked():
        if not reason.strip():
            raise DomainError("รายงานการประชุมรับรองแล้ว การแก้ไขต้องระบุเหตุผล (บันทึกเป็นการแก้ไขหลังรับรอง)", field="reason")
        return True
    return False


def _apply(obj, fields: dict, *, minutes: Minutes, what: str, reason: str, by) -> list[Amendment]:
    """Set ``fields`` on ``obj``; on locked minutes record each change as an amendment."""
    amend = _check_writable(minutes, reason)
    amendments = []
    for name, value in fields.items():
        before = getattr(obj, name)
        if before == value:
            continue
        setattr(obj, name, value)
        if amend:
            label = obj._meta.get_field(name).verbose_name
            amendments.append(
                Amendment(
                    minutes=minutes,
                    what=f"{what}: {label}",
                    before=_display(before),
                    after=_display(value),
                    reason=reason.strip(),
                    by=by,
                )
            )
    obj.full_clean()
    _stamp(obj, by)
    obj.save()
    Amendment.objects.bulk_create(amendments)
    return amendments


MINUTES_FIELDS = (
    "title",
    "opening_note",
    "started_at",
    "ended_at",
    "recorder_name",
    "recorder_position",
    "checker_name",
    "checker_position",
)
LETTER_FIELDS = (
    "letter_number",
    "letter_date",
    "letter_office",
    "letter_to",
    "letter_enclosure",
    "letter_signer_name",
    "letter_signer_position",
    "letter_contact",
)


@transaction.atomic
def minutes_update(*, minutes: Minutes, by, reason: str = "", expected_version: int | None = None, **fields) -> Minutes:
    """The header of the minutes. ``expected_version``, as in every update here, is
    the version its form was opened at (None: no check); a save over someone
    else's raises ``EditConflict`` and writes nothing."""
    unknown = set(fields) - set(MINUTES_FIELDS)
    if unknown:
        raise TypeError(f"not minutes fields: {sorted(unknown)}")
    if fields.get("started_at") and fields.get("ended_at") and fields["ended_at"] <= fields["started_at"]:
        raise DomainError("เวลาเลิกประชุมต้องหลังเวลาเริ่มประชุม")
    claim_version(minutes, expected_version)
    _apply(minutes, fields, minutes=minutes, what="ส่วนหัวรายงาน", reason=reason, by=by)
    return minutes


@transaction.atomic
def letter_update(*, minutes: Minutes, by, expected_version: int | None = None, **fields) -> Minutes:
    """The cover letter is a separate document: it never locks, and has its own
    edit version (``letter_version``)."""
    unknown = set(fields) - set(LETTER_FIELDS)
    if unknown:
        raise TypeError(f"not letter fields: {sorted(unknown)}")
    claim_version(minutes, expected_version, field="letter_version")
    for name, value in fields.items():
        setattr(minutes, name, value)
    minutes.full_clean()
    _stamp(minutes, by)
    minutes.save()
    return minutes


# ---------------------------------------------------------------------------
# Attendance

LEADING_NUMBER = re.compile(r"^\s*[\d๐-๙]+[.)]\s*")


def parse_attendee_line(line: str) -> tuple[str, str] | None:
    """One pasted line → (name, position).

    Accepts what people paste from Word tables: "๑. นายชาติตรี<TAB>ธินนท์<TAB>พัฒนาการจังหวัด"
    (name and surname in two cells), "name<TAB>position", or "name  position" with
    two spaces or more between them."""
    text = LEADING_NUMBER.sub("", line).strip()
    if not text:
        return None
    cells = [cell.strip() for cell in re.split(r"\t|\s{2,}", text) if cell.strip()]
    if len(cells) >= 3:
        return f"{cells[0]} {cells[1]}", " ".join(cells[2:])
    if len(cells) == 2:
        return cells[0], cells[1]
    return cells[0], ""


def _next_order(minutes: Minutes, kind: str) -> int:
    last = minutes.attendees.filter(kind=kind).order_by("-position_order").first()
    return (last.position_order if last else 0) + 1


def _add_attendees(minutes: Minutes, rows: Iterable[Attendee], *, reason: str, by) -> list[Attendee]:
    amend = _check_writable(minutes, reason)
    created = []
    orders: dict[str, int] = {}
    for attendee in rows:
        if attendee.kind not in orders:
            orders[attendee.kind] = _next_order(minutes, attendee.kind)
        attendee.minutes = minutes
        attendee.position_order = orders[attendee.kind]
        orders[attendee.kind] += 1
        attendee.full_clean()
        _stamp(attendee, by)
        attendee.save()
        created.append(attendee)
    if amend and created:
        Amendment.objects.create(
            minutes=minutes,
            what="รายชื่อผู้เข้าประชุม: เพิ่ม",
            after="\n".join(a.name for a in created),
            reason=reason.strip(),
            by=by,
        )
    return created


@transaction.atomic
def attendees_add_lines(*, minutes: Minutes, text: str, kind: str, reason: str = "", by) -> list[Attendee]:
    if len(text) > limits.ATTENDEE_LINES:
        raise DomainError(limits.too_long(len(text), limits.ATTENDEE_LINES), field="lines")
    if (count := limits.filled_lines(text)) > limits.ATTENDEE_LINE_COUNT:
        raise DomainError(limits.too_many_lines(count, limits.ATTENDEE_LINE_COUNT), field="lines")
    rows = []
    for line in text.splitlines():
        parsed = parse_attendee_line(line)
        if parsed is None:
            continue
        name, position = parsed
        attendee = Attendee(kind=kind, name=name[:200], position=position[:300])
        if kind == Attendee.Kind.ABSENT:
            # "นางฉันทนา อรุณรัตน์<TAB>พัฒนาการอำเภอสบปราบ<TAB>ติดราชการ": the last cell is the reason.
            cells = [c.strip() for c in LEADING_NUMBER.sub("", line).split("\t") if c.strip()]
            if len(cells) >= 4:
                attendee.position, attendee.reason = " ".join(cells[2:-1]), cells[-1]
        rows.append(attendee)
    if not rows:
        raise DomainError("กรุณาวางรายชื่ออย่างน้อยหนึ่งบรรทัด")
    return _add_attendees(minutes, rows, reason=reason, by=by)


@transaction.atomic
def attendees_add_heads(*, minutes: Minutes, agencies: Sequence[Agency], reason: str = "", by) -> list[Attendee]:
    """One attendee per agency: its head, by name when the agency has one on record."""
    have = set(minutes.attendees.exclude(agency=None).values_list("agency_id", flat=True))
    rows = [
        Attendee(
            kind=Attendee.Kind.PRESENT,
            name=agency.head_name or "",
            position=agency.head_title,
            agency=agency,
        )
        for agency in agencies
        if agency.pk not in have
    ]
    for attendee in rows:
        if not attendee.name:
            attendee.name = "(ระบุชื่อ)"
    return _add_attendees(minutes, rows, reason=reason, by=by)


@transaction.atomic
def attendees_copy_previous(*, minutes: Minutes, reason: str = "", by) -> list[Attendee]:
    """The members of the previous meeting of the series, all as present (absentees
    too: who is absent this time is marked afterwards); guests are not copied."""
    previous = minutes.meeting.previous()
    previous_minutes = getattr(previous, "minutes", None) if previous else None
    if previous_minutes is None:
        raise DomainError("ไม่พบรายงานการประชุมครั้งก่อนของการประชุมชุดนี้")
    have = set(minutes.attendees.values_list("name", flat=True))
    members = previous_minutes.attendees.exclude(kind=Attendee.Kind.GUEST).order_by("position_order", "id")
    members = sorted(members, key=lambda a: a.kind != Attendee.Kind.PRESENT)  # present first, then absent
    rows = [
        Attendee(kind=Attendee.Kind.PRESENT, name=a.name, position=a.position, agency=a.agency)
        for a in members
        if a.name not in have
    ]
    return _add_attendees(minutes, rows, reason=reason, by=by)


ATTENDEE_FIELDS = ("kind", "position_order", "name", "position", "agency", "substitute_for", "reason")


class EditConflicts(DomainError):
    """Rows of the attendance table that someone else saved after this user opened it;
    ``conflicts`` holds one EditConflict per row."""

    def __init__(self, conflicts: Sequence[EditConflict]):
        super().__init__(str(conflicts[0]))
        self.conflicts = list(conflicts)


def _left_as_opened(conflict: EditConflict, values: dict) -> bool:
    """True when ``values`` are what the row held at the version the user opened:
    they did not edit it, only someone else did."""
    if conflict.loaded is None:
        return False
    return all(getattr(conflict.loaded, name) == value for name, value in values.items())


@transaction.atomic
def attendees_save(
    *,
    minutes: Minutes,
    changed: Sequence[tuple[Attendee, dict]],
    deleted: Sequence[Attendee],
    reason: str = "",
    versions: Mapping[int, int | None] | None = None,
    by,
) -> None:
    """Apply the attendance table's edits: ``changed`` as (attendee, new values).

    ``versions`` maps an attendee's pk to the version its row was opened at. A row
    someone else saved since is an edit conflict (:class:`EditConflicts`, nothing
    written), unless this user left it as they opened it: then it keeps the other
    person's values and is not saved again."""
    amend = _check_writable(minutes, reason)
    versions = versions or {}
    conflicts, to_save = [], []
    for attendee, values in changed:
        if attendee.minutes_id != minutes.pk:
            raise DomainError("ผู้เข้าประชุมไม่อยู่ในรายงานการประชุมนี้")
        try:
            claim_version(attendee, versions.get(attendee.pk))
        except EditConflict as conflict:
            if not _left_as_opened(conflict, values):
                conflicts.append(conflict)
        else:
            to_save.append((attendee, values))
    for attendee in deleted:
        if attendee.minutes_id != minutes.pk:
            raise DomainError("ผู้เข้าประชุมไม่อยู่ในรายงานการประชุมนี้")
        try:
            claim_version(attendee, versions.get(attendee.pk))
        except EditConflict as conflict:
            conflicts.append(conflict)
    if conflicts:
        raise EditConflicts(conflicts)
    for attendee, values in to_save:
        before = " ".join(filter(None, (attendee.name, attendee.position, attendee.substitute_for, attendee.reason)))
        for name, value in values.items():
            setattr(attendee, name, value)
        if attendee.kind != Attendee.Kind.ABSENT:
            attendee.reason = ""
        attendee.full_clean()
        _stamp(attendee, by)
        attendee.save()
        after = " ".join(filter(None, (attendee.name, attendee.position, attendee.substitute_for, attendee.reason)))
        if amend and before != after:
            Amendment.objects.create(
                minutes=minutes, what="รายชื่อผู้เข้าประชุม: แก้ไข", before=before, after=after, reason=reason, by=by
            )
    for attendee in deleted:
        if amend:
            Amendment.objects.create(
                minutes=minutes, what="รายชื่อผู้เข้าประชุม: ลบ", before=attendee.name, reason=reason, by=by
            )
        _stamp(attendee, by)
        attendee.delete()


# ---------------------------------------------------------------------------
# Sections and items


@transaction.atomic
def section_update(
    *, section: AgendaSection, by, reason: str = "", expected_version: int | None = None, **fields
) -> AgendaSection:
    allowed = {"title", "body", "resolution"}
    if set(fields) - allowed:
        raise TypeError(f"not section fields: {sorted(set(fields) - allowed)}")
    claim_version(section, expected_version)
    _apply(section, fields, minutes=section.minutes, what=section.heading, reason=reason, by=by)
    return section


def _check_item_number(section: AgendaSection, parent: AgendaItem | None, number: str, item: AgendaItem | None):
    if not AgendaItem.valid_number(number) or "." not in number:
        raise DomainError(f"ลำดับต้องเป็นตัวเลข เช่น {thai.thai_digits(section.number)}.๑", field="number")
    prefix = f"{parent.number}." if parent else f"{section.number}."
    if not number.startswith(prefix):
        raise DomainError(f"ลำดับต้องขึ้นต้นด้วย {thai.thai_digits(prefix)}", field="number")
    if parent is None and number.count(".") != 1:
        raise DomainError(f"เรื่องของระเบียบวาระนี้ใช้ลำดับ เช่น {thai.thai_digits(prefix)}๑", field="number")
    taken = section.items.filter(number=number)
    if item is not None:
        taken = taken.exclude(pk=item.pk)
    if taken.exists():
        raise DomainError(f"ลำดับ {thai.thai_digits(number)} มีอยู่แล้วในระเบียบวาระนี้", field="number")


def next_item_number(section: AgendaSection, parent: AgendaItem | None = None) -> str:
    siblings = section.items.filter(parent=parent).values_list("number", flat=True)
    last = max((int(number.rsplit(".", 1)[-1]) for number in siblings), default=0)
    prefix = parent.number if parent else str(section.number)
    return f"{prefix}.{last + 1}"


ITEM_FIELDS = ("number", "label", "presenter", "presenter_agency", "title", "body", "resolution")


@transaction.atomic
def item_create(
    *, section: AgendaSection, parent: AgendaItem | None = None, reason: str = "", by, **fields
) -> AgendaItem:
    if set(fields) - set(ITEM_FIELDS):
        raise TypeError(f"not item fields: {sorted(set(fields) - set(ITEM_FIELDS))}")
    if parent is not None and parent.section_id != section.pk:
        raise DomainError("เรื่องหลักต้องอยู่ในระเบียบวาระเดียวกัน")
    amend = _check_writable(section.minutes, reason)
    fields.setdefault("number", next_item_number(section, parent))
    _check_item_number(section, parent, fields["number"], None)
    item = AgendaItem(section=section, parent=parent, **fields)
    if item.presenter_agency and not item.presenter:
        item.presenter = item.presenter_agency.name
    item.full_clean()
    _stamp(item, by)
    item.save()
    if amend:
        Amendment.objects.create(
            minutes=section.minutes, what=f"เพิ่มเรื่อง {item.number_label}", after=item.title, reason=reason, by=by
        )
    return item


@transaction.atomic
def item_update(*, item: AgendaItem, by, reason: str = "", expected_version: int | None = None, **fields) -> AgendaItem:
    if set(fields) - set(ITEM_FIELDS):
        raise TypeError(f"not item fields: {sorted(set(fields) - set(ITEM_FIELDS))}")
    claim_version(item, expected_version)
    if "number" in fields:
        _check_item_number(item.section, item.parent, fields["number"], item)
        if fields["number"] != item.number and item.children.exists():
            raise DomainError("เรื่องนี้มีเรื่องย่อย เปลี่ยนลำดับไม่ได้", field="number")
    if fields.get("presenter_agency") and not fields.get("presenter"):
        fields["presenter"] = fields["presenter_agency"].name
    what = f"{item.section.heading} เรื่อง {item.number_label}"
    _apply(item, fields, minutes=item.section.minutes, what=what, reason=reason, by=by)
    return item


@transaction.atomic
def item_delete(*, item: AgendaItem, by) -> None:
    """Only a draft loses items; after circulation an item stays (amend its text)."""
    if item.section.minutes.state != State.DRAFT:
        raise DomainError("ลบเรื่องได้เฉพาะร่างรายงานการประชุม หลังเวียนแล้วให้แก้ไขข้อความแทน")
    if item.directive_links.exists() or DirectiveOrigin.objects.filter(item__parent=item).exists():
        raise DomainError("เรื่องนี้มีข้อสั่งการที่สร้างจากเรื่องนี้แล้ว จึงลบไม่ได้")
    _stamp(item, by)
    item.delete()


@transaction.atomic
def item_to_directive(*, item: AgendaItem, parties: Sequence[Party], by, **directive_fields) -> Directive:
    """The instruction of an agenda item as a directive of this meeting, assigned
    to its agencies in one step, keeping a link back to the item."""
    meeting = item.section.minutes.meeting
    directive = directive_services.directive_create(meeting=meeting, parties=parties, by=by, **directive_fields)
    DirectiveOrigin.objects.create(directive=directive, item=item)
    return directive


def next_directive_number(meeting: Meeting) -> str:
    numbers = Directive.objects.filter(meeting=meeting, parent=None).values_list("number", flat=True)
    # Numbers are digits and dots (NUMBER_RE); "7.1" entered without a parent is skipped.
    return str(max((int(n) for n in numbers if "." not in n), default=0) + 1)


# ---------------------------------------------------------------------------
# ระเบียบวาระที่ ๓: the previous meeting's open directives, from the tracker


SILENT_GATHER_MIN = 3


def follow_up_live(
    minutes: Minutes, as_of: datetime.date | None = None, *, previous: Meeting | None = None
) -> list[dict]:
    """``previous``: the meeting before, when the caller has looked it up already."""
    previous = previous or minutes.meeting.previous()
    if previous is None:
        return []
    as_of = as_of or today()
    rows = []
    for row in open_item_rows(previous, as_of):
        # Agencies with nothing reported yet are named together by state: a group
        # such as ทุกส่วนราชการ would otherwise list fifty "ยังไม่มีรายงาน" lines.
        silent: dict[tuple, list[str]] = defaultdict(list)
        for status in row.statuses:
            if status.report is None:
                silent[(status.status, status.overdue_days)].append(status.agency_name)
        gathered = {key for key, names in silent.items() if len(names) >= SILENT_GATHER_MIN}
        rows.append(
            {
                "directive_id": row.directive.pk,
                "number": row.directive.number_label,
                "is_sub_item": row.is_sub_item,
                "heading": row.heading,
                "paragraphs": row.paragraphs,
                "agencies": [
                    {
                        "name": status.agency_name,
                        "status": status.status,
                        "overdue_days": status.overdue_days,
                        "report_date": status.report_date.isoformat() if status.report_date else None,
                        "report": status.report_paragraphs,
                    }
                    for status in row.statuses
                    if status.report is not None or (status.status, status.overdue_days) not in gathered
                ],
                "silent": [
                    {"status": status, "overdue_days": overdue, "names": silent[(status, overdue)]}
                    for status, overdue in silent
                    if (status, overdue) in gathered
                ],
            }
        )
    return rows


def follow_up_rows(minutes: Minutes, *, previous: Meeting | None = None) -> tuple[list[dict], datetime.date]:
    """The follow-up as circulated (frozen), or live while the minutes are a draft.
    Report dates are ISO text, as the frozen copy keeps them."""
    if minutes.follow_up_snapshot is not None:
        return minutes.follow_up_snapshot, minutes.follow_up_as_of
    day = today()
    return follow_up_live(minutes, day, previous=previous), day


# ---------------------------------------------------------------------------
# Certification


@transaction.atomic
def minutes_circulate(*, minutes: Minutes, deadline: datetime.date, by, on: datetime.date | None = None) -> Minutes:
    """Send the minutes round for certification until ``deadline``; section ๓ is
    frozen as the tracker stands ``on`` that day (today, or the day a historical
    record was circulated when entering old minutes)."""
    if minutes.state != State.DRAFT:
        raise DomainError("รายงานการประชุมนี้เวียนเพื่อรับรองแล้ว")
    day = on or today()
    if deadline < day:
        raise DomainError("วันครบกำหนดรับรองต้องไม่ก่อนวันที่เวียน", field="deadline")
    if deadline <= minutes.meeting.date:
        raise DomainError("วันครบกำหนดรับรองต้องหลังวันประชุม", field="deadline")
    minutes.follow_up_snapshot = follow_up_live(minutes, day)
    minutes.follow_up_as_of = day
    minutes.state = State.CIRCULATING
    minutes.certify_deadline = deadline
    minutes.circulated_at = timezone.now() if on is None else _noon(on)
    minutes.circulated_by = by
    minutes.full_clean()
    _stamp(minutes, by)
    minutes.save()
    events.minutes_circulated.send(sender=Minutes, minutes=minutes)
    return minutes


def _noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def certification_account(minutes: Minutes) -> str:
    """Section ๒'s account of how the previous minutes went round, as the seed words it."""
    accepted = minutes.corrections.filter(status=CorrectionRequest.Status.ACCEPTED).count()
    text = (
        f"ฝ่ายเลขานุการได้ส่งรายงานการประชุม{meeting_reference(minutes.meeting)} "
        f"ให้ผู้เข้าร่วมประชุมตรวจสอบความถูกต้องและรับรอง ภายในวันที่ {thai.date_long(minutes.certify_deadline)} "
    )
    if accepted:
        return text + f"ปรากฏว่ามีการขอแก้ไข {thai.thai_digits(accepted)} เรื่อง ซึ่งได้แก้ไขตามที่ขอแล้ว"
    return text + "ปรากฏว่าไม่มีข้อแก้ไข"


@transaction.atomic
def minutes_certify(*, minutes: Minutes, at_meeting: Meeting, by, note: str = "") -> Minutes:
    """Record the certification of ``minutes`` at a later meeting of its series (dated
    that meeting's day), and write it into that meeting's ระเบียบวาระที่ ๒ when that
    has minutes."""
    if minutes.state == State.CERTIFIED:
        raise DomainError("รายงานการประชุมนี้รับรองแล้ว")
    if minutes.state == State.DRAFT:
        raise DomainError("ต้องเวียนรายงานการประชุมเพื่อรับรองก่อน")
    if minutes.corrections.filter(status=CorrectionRequest.Status.PENDING).exists():
        raise DomainError("ยังมีคำขอแก้ไขที่รอพิจารณา กรุณาพิจารณาให้ครบก่อนรับรอง")
    held = minutes.meeting
    if at_meeting.series_id != held.series_id or at_meeting.pk == held.pk or at_meeting.date < held.date:
        raise DomainError("การรับรองต้องบันทึกกับการประชุมครั้งถัดไปของการประชุมชุดเดียวกัน")
    accepted = minutes.corrections.filter(status=CorrectionRequest.Status.ACCEPTED).exists()
    minutes.state = State.CERTIFIED
    minutes.certified_in = at_meeting
    minutes.certified_at = timezone.now() if at_meeting.date >= today() else _noon(at_meeting.date)
    minutes.certified_by = by
    minutes.certified_note = note.strip() or ("รับรอง โดยมีการแก้ไข" if accepted else "รับรอง")
    minutes.full_clean()
    _stamp(minutes, by)
    minutes.save()
    later = Minutes.objects.filter(meeting=at_meeting).first()
    if later is not None:
        section = later.sections.get(number=Section.CERTIFY)
        fields = {}
        if not section.body.strip():
            fields["body"] = certification_account(minutes)
        if not section.resolution.strip():
            fields["resolution"] = minutes.certified_note
        if fields and not later.is_locked():
            section_update(section=section, by=by, **fields)
    return minutes


@transaction.atomic
def correction_request(
    *, minutes: Minutes, section: AgendaSection, text: str, by, agency: Agency | None, item: AgendaItem | None = None
) -> CorrectionRequest:
    if not minutes.accepts_corrections():
        if minutes.standing() == Standing.DRAFT:
            raise DomainError("รายงานการประชุมยังไม่ได้เวียนเพื่อรับรอง")
        raise DomainError("พ้นกำหนดขอแก้ไขรายงานการประชุมแล้ว")
    if section.minutes_id != minutes.pk or (item is not None and item.section_id != section.pk):
        raise DomainError("ระเบียบวาระไม่อยู่ในรายงานการประชุมนี้")
    if not text.strip():
        raise DomainError("กรุณาระบุข้อความที่ขอแก้ไข", field="text")
    if len(text) > limits.NOTE:
        raise DomainError(limits.too_long(len(text), limits.NOTE), field="text")
    return CorrectionRequest.objects.create(
        minutes=minutes, section=section, item=item, text=text.strip(), agency=agency, requested_by=by
    )


@transaction.atomic
def correction_decide(*, correction: CorrectionRequest, accept: bool, note: str = "", by) -> CorrectionRequest:
    if correction.status != CorrectionRequest.Status.PENDING:
        raise DomainError("คำขอนี้พิจารณาแล้ว")
    if correction.minutes.state == State.CERTIFIED:
        raise DomainError("รายงานการประชุมรับรองแล้ว")
    if not accept and not note.strip():
        raise DomainError("กรุณาระบุเหตุผลที่ไม่แก้ไข", field="note")
    if len(note) > limits.NOTE:
        raise DomainError(limits.too_long(len(note), limits.NOTE), field="note")
    correction.status = CorrectionRequest.Status.ACCEPTED if accept else CorrectionRequest.Status.REJECTED
    correction.decided_by = by
    correction.decided_at = timezone.now()
    correction.decision_note = note.strip()
    correction.save()
    events.correction_decided.send(sender=CorrectionRequest, correction=correction)
    return correction
