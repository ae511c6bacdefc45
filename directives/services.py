"""Every write to directives, assignments and reports goes through here.

Functions are keyword-only and named ``<thing>_<action>``. Each runs in one
transaction, validates with ``full_clean()``, records who did it (django-simple-
history keeps the audit trail) and raises ``DomainError`` with a Thai message
that the view shows to the user.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone

from agencies.models import Agency, AgencyGroup
from lampang_tracker import limits, thai
from meetings.models import Letter, Meeting

from . import events, uploads
from .models import (
    ALLOWED_UPLOAD_EXTENSIONS,
    Assignment,
    Attachment,
    Directive,
    FollowUpIssue,
    ProgressReport,
    ResponsibleParty,
    Status,
    Strategy,
    paragraph_error,
    sort_key_for,
)


class DomainError(Exception):
    """A rule of the office was broken; ``str(error)`` is the Thai message, and
    ``field`` names the form field it belongs next to, when there is one."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.field = field


class EditConflict(DomainError):
    """Someone else saved the object after this user opened its form.

    ``current`` is the object as it is stored now, ``version`` the edit version the
    form must carry to overwrite it deliberately, ``saved_by`` and ``saved_at`` who
    saved that version and when (from the audit history; None when unknown), and
    ``loaded`` the object as the user opened it (None when the history lacks it),
    so a page can show which fields the other person changed."""

    def __init__(self, *, current: models.Model, version_field: str, expected: int | None):
        super().__init__("มีผู้อื่นบันทึกการแก้ไขหลังจากที่ท่านเปิดแบบฟอร์มนี้ ระบบจึงยังไม่ได้บันทึกสิ่งที่ท่านพิมพ์")
        self.current = current
        self.version = getattr(current, version_field)
        # Every model with an edit version keeps its audit history (simple_history).
        history = current.history
        saved = history.filter(**{version_field: self.version}).order_by("history_date", "history_id").first()
        loaded = history.filter(**{version_field: expected}).order_by("-history_date", "-history_id").first()
        self.saved_by = saved.history_user if saved else None
        self.saved_at = saved.history_date if saved else None
        self.loaded = loaded.instance if loaded else None


def claim_version(obj: models.Model, expected: int | None, *, field: str = "version") -> None:
    """Move ``obj`` to its next edit version, inside the caller's transaction.

    With ``expected`` (the version the user's form was opened at) this is one
    conditional UPDATE: of two requests that opened the same version, the second
    waits for the first's row lock (PostgreSQL) or write transaction (SQLite), then
    matches no row and gets :class:`EditConflict`. ``None`` is for internal callers
    (imports, the demo, other services): no check, but the version still moves so
    that forms opened before see the change."""
    rows = type(obj)._default_manager.filter(pk=obj.pk)
    if expected is not None:
        rows = rows.filter(**{field: expected})
    if not rows.update(**{field: F(field) + 1}):
        current = type(obj)._default_manager.get(pk=obj.pk)
        raise EditConflict(current=current, version_field=field, expected=expected)
    # The row is ours until commit: start from what is stored, so the whole-row save
    # that follows cannot put back a stale copy of fields this edit does not touch
    # (the letter's save must not undo a header saved a moment before).
    obj.refresh_from_db()


@dataclass(frozen=True)
class Party:
    """A line of the หน่วยงานรับผิดชอบ column as the secretariat entered it."""

    agency: Agency | None = None
    group: AgencyGroup | None = None
    label: str = ""
    paragraph: int = 0  # printed beside this paragraph of the text (0: the first)


def _stamp(obj, by) -> None:
    obj._history_user = by


def parties_from(
    *, agencies: Iterable[Agency] = (), groups: Iterable[AgencyGroup] = (), free_text: Iterable[str] = ()
) -> list[Party]:
    parties = [Party(agency=a) for a in agencies]
    parties += [Party(group=g) for g in groups]
    parties += [Party(label=line.strip()) for line in free_text if line.strip()]
    return parties


def derive_state(
    *, closed: bool, assignments: Sequence[Assignment], children: Sequence[Directive] = ()
) -> tuple[str, datetime.date | None]:
    """A directive's state and earliest open due date, from its parts.

    ยุติ if the secretariat closed it; otherwise from its assignments (all done →
    done; an extension pending → extension; any work → in progress). A heading
    row with no agencies of its own, such as "๗ ประเด็นอื่น ๆ", stands for its
    sub-items. Assignments must already carry their ``is_open``.
    """
    statuses = {a.status for a in assignments}
    if not assignments and children:
        statuses = {Status.DONE if c.state == Status.CLOSED else c.state for c in children}
    if closed:
        state = Status.CLOSED
    elif not statuses:
        state = Status.NOT_STARTED
    elif statuses == {Status.DONE}:
        state = Status.DONE
    elif Status.EXTENSION in statuses:
        state = Status.EXTENSION
    elif statuses & {Status.IN_PROGRESS, Status.DONE}:
        state = Status.IN_PROGRESS
    else:
        state = Status.NOT_STARTED
    # Only agencies' own shares fall due: a heading row such as ๗ ประเด็นอื่น ๆ is
    # never overdue itself (its sub-items are, each with its agencies).
    dues = [a.due_date for a in assignments if a.is_open and a.due_date]
    return state, (min(dues) if dues and not closed else None)


def directive_refresh(directive: Directive) -> None:
    """Recompute the derived columns of a directive, its assignments and its parent.

    open_due_date is the earliest due date among open assignments, so "overdue"
    is a date comparison at query time, never a stored flag.
    """
    closed = directive.closed_at is not None
    assignments = list(directive.assignments.all())
    for assignment in assignments:
        is_open = not closed and assignment.status != Status.DONE
        if assignment.is_open != is_open:
            assignment.is_open = is_open
            Assignment.objects.filter(pk=assignment.pk).update(is_open=is_open)
    children = [] if assignments else list(directive.children.all())
    state, open_due_date = derive_state(closed=closed, assignments=assignments, children=children)
    if (directive.state, directive.open_due_date) != (state, open_due_date):
        directive.state, directive.open_due_date = state, open_due_date
        Directive.objects.filter(pk=directive.pk).update(state=state, open_due_date=open_due_date)
    if directive.parent_id:
        directive_refresh(Directive.objects.get(pk=directive.parent_id))


def _set_parties(*, directive: Directive, parties: Sequence[Party], by) -> None:
    """Replace the printed lines and create or remove assignments to match.

    A group stands for its members, each of whom gets an assignment; free-text
    parties only print. An agency that has already reported cannot be removed:
    its history would be lost.
    """
    # A group the secretariat narrowed to some members stays narrowed through edits.
    narrowed = {
        line.group_id: (line.label, list(line.chosen.all()))
        for line in directive.parties.filter(group__isnull=False).prefetch_related("chosen")
        if line.chosen.all()
    }
    if (count := sum(1 for party in parties if party.label)) > limits.PARTY_LINE_COUNT:
        raise DomainError(limits.too_many_lines(count, limits.PARTY_LINE_COUNT), field="free_parties")
    for party in parties:
        if message := paragraph_error(party.paragraph + 1, directive.text):
            raise DomainError(message, field="parties_paragraph")
    directive.parties.all().delete()
    for position, party in enumerate(parties):
        label = party.label
        chosen: list[Agency] = []
        if party.group and party.group.pk in narrowed:
            narrowed_label, chosen = narrowed[party.group.pk]
            label = label or narrowed_label
        line = ResponsibleParty(
            directive=directive,
            position=position,
            agency=party.agency,
            group=party.group,
            label=label,
            paragraph=party.paragraph,
        )
        _stamp(line, by)
        line.save()
        if chosen:
            line.chosen.set(chosen)
    _sync_assignments(directive=directive, by=by)


def _sync_assignments(*, directive: Directive, by) -> None:
    """Create or remove assignments to match the directive's printed lines."""
    lines = list(directive.parties.select_related("agency", "group").prefetch_related("chosen"))
    wanted: dict[int, Agency] = {}
    for line in lines:
        if line.agency:
            wanted.setdefault(line.agency.pk, line.agency)
        elif line.group:
            members = list(line.chosen.all()) or line.group.members.filter(is_active=True)
            for member in members:
                wanted.setdefault(member.pk, member)
    lead_ids = {line.agency.pk for line in lines if line.agency}
    existing = {a.agency_id: a for a in directive.assignments.select_related("agency")}

    for agency_id, assignment in existing.items():
        if agency_id not in wanted:
            if assignment.reports.exists():
                raise DomainError(f"{assignment.agency.name} รายงานผลในข้อนี้แล้ว จึงนำออกจากหน่วยงานรับผิดชอบไม่ได้")
            _stamp(assignment, by)
            assignment.delete()
    for agency_id, agency in wanted.items():
        if agency_id in existing:
            continue
        role = Assignment.Role.LEAD if (agency_id in lead_ids or not lead_ids) else Assignment.Role.SUPPORT
        assignment = Assignment(directive=directive, agency=agency, role=role, due_date=directive.due_date)
        _stamp(assignment, by)
        assignment.save()
        events.assignment_created.send(sender=Assignment, assignment=assignment)


@transaction.atomic
def directive_narrow_group(
    *, directive: Directive, party: ResponsibleParty, members: Sequence[Agency], label: str = "", by
) -> ResponsibleParty:
    """Narrow a group line (ทุกส่วนราชการ/หน่วยงาน) to some of its members, e.g. those
    ที่ได้รับการจัดสรรงบฯ: the others' assignments go, the chosen keep theirs. Choosing
    every member (or none) widens it back to the whole group. ``label`` is what the
    line prints (blank: the group's name)."""
    if party.directive_id != directive.pk or party.group_id is None:
        raise DomainError("บรรทัดนี้ไม่ใช่กลุ่มหน่วยงานของข้อนี้")
    if directive.is_closed:
        raise DomainError("ข้อนี้ปิดประเด็นแล้ว กรุณาเปิดประเด็นใหม่ก่อนแก้ไข")
    all_members = {a.pk: a for a in party.group.members.filter(is_active=True)}
    strangers = [a.name for a in members if a.pk not in all_members]
    if strangers:
        raise DomainError("ไม่ใช่หน่วยงานในกลุ่ม " + party.group.name + ": " + ", ".join(strangers), field="members")
    label = label.strip()
    if len(label) > 300:
        raise DomainError(limits.too_long(len(label), 300), field="label")
    chosen = [] if len({a.pk for a in members}) in (0, len(all_members)) else list(members)
    if chosen and not label:
        label = f"{party.group.name} (เฉพาะ {thai.thai_digits(len(chosen))} หน่วยงาน)"
    party.label = label if chosen else ""
    party.full_clean()
    _stamp(party, by)
    party.save()
    party.chosen.set(chosen)
    claim_version(directive, None)
    _sync_assignments(directive=directive, by=by)
    directive_refresh(directive)
    return party


@transaction.atomic
def directive_create(
    *,
    meeting: Meeting | None = None,
    letter: Letter | None = None,
    number: str,
    text: str = "",
    heading: str = "",
    parent: Directive | None = None,
    due_date: datetime.date | None = None,
    report_day: int | None = None,
    report_until: datetime.date | None = None,
    strategy: Strategy | None = None,
    parties: Sequence[Party] = (),
    parties_bulleted: bool = False,
    heading_apart: bool = False,
    by,
) -> Directive:
    """A directive of a meeting or of a letter (exactly one of them)."""
    if meeting is None and letter is None:
        raise DomainError("กรุณาระบุการประชุมหรือหนังสือสั่งการที่เป็นที่มาของข้อสั่งการ")
    if meeting is not None and letter is not None:
        raise DomainError("ข้อสั่งการมาจากการประชุมหรือหนังสือสั่งการได้เพียงอย่างเดียว")
    directive = Directive(
        meeting=meeting,
        letter=letter,
        parent=parent,
        number=number,
        heading=heading,
        text=text,
        due_date=due_date,
        report_day=report_day,
        report_until=report_until,
        strategy=strategy,
        parties_bulleted=parties_bulleted,
        heading_apart=heading_apart,
        created_by=by,
    )
    directive.full_clean()
    _stamp(directive, by)
    directive.save()
    _set_parties(directive=directive, parties=parties, by=by)
    directive_refresh(directive)
    return directive


@dataclass(frozen=True)
class NewDirective:
    """One row of a meeting entered at once (bulk entry)."""

    number: str
    heading: str = ""
    text: str = ""
    due_date: datetime.date | None = None
    parties: Sequence[Party] = ()


class RowError(DomainError):
    """``error`` (a ValidationError or DomainError) happened on row ``row`` (0-based)."""

    def __init__(self, row: int, error: Exception):
        super().__init__(str(error))
        self.row, self.error = row, error


@transaction.atomic
def directive_create_many(*, meeting: Meeting, rows: Sequence[NewDirective], by) -> list[Directive]:
    """Save a whole table of directives or none of them.

    Rows are created parents first (๗ before ๗.๑, whatever order they were typed
    in); a sub-item's parent is the directive numbered as its prefix, entered in
    the same table or already in the meeting. Raises ``RowError`` naming the row.
    """
    by_number = {d.number: d for d in Directive.objects.filter(meeting=meeting)}
    order = sorted(range(len(rows)), key=lambda i: sort_key_for(rows[i].number))
    created: dict[int, Directive] = {}
    for index in order:
        row = rows[index]
        head, dot, _ = row.number.rpartition(".")
        parent = by_number.get(head) if dot else None
        try:
            if dot and parent is None:
                raise DomainError(
                    f"ยังไม่มีข้อ {thai.thai_digits(head)} ในการประชุมนี้ กรุณาเพิ่มข้อ {thai.thai_digits(head)} ก่อนข้อย่อย",
                    field="number",
                )
            directive = directive_create(
                meeting=meeting,
                number=row.number,
                heading=row.heading,
                text=row.text,
                parent=parent,
                due_date=row.due_date,
                parties=row.parties,
                by=by,
            )
        except (ValidationError, DomainError) as error:
            raise RowError(index, error) from error
        by_number[directive.number] = created[index] = directive
    return [created[i] for i in range(len(rows))]


@transaction.atomic
def directive_update(
    *,
    directive: Directive,
    parties: Sequence[Party] | None = None,
    expected_version: int | None = None,
    by,
    **fields,
) -> Directive:
    """Change a directive's fields and, if given, its responsible parties.

    A new due date moves the assignments that followed the old one; an
    assignment whose due date was extended keeps its own. ``expected_version`` is
    the version the edit form was opened at: if someone else saved since, nothing
    is written and :class:`EditConflict` says what they saved (None: no check).
    """
    claim_version(directive, expected_version)
    if directive.is_closed:
        raise DomainError("ข้อนี้ปิดประเด็นแล้ว กรุณาเปิดประเด็นใหม่ก่อนแก้ไข")
    old_due = Directive.objects.values_list("due_date", flat=True).get(pk=directive.pk)
    for name, value in fields.items():
        setattr(directive, name, value)
    directive.full_clean()
    _stamp(directive, by)
    directive.save()
    if directive.due_date != old_due:
        directive.assignments.filter(due_date=old_due).update(due_date=directive.due_date)
        if old_due is None:
            directive.assignments.filter(due_date__isnull=True).update(due_date=directive.due_date)
    if parties is not None:
        _set_parties(directive=directive, parties=parties, by=by)
    directive_refresh(directive)
    return directive


@transaction.atomic
def directive_close(*, directive: Directive, note: str, by) -> Directive:
    """ยุติ/ปิดประเด็น: the secretariat's decision; open assignments stop counting."""
    if directive.is_closed:
        raise DomainError("ข้อนี้ปิดประเด็นไปแล้ว")
    if not note.strip():
        raise DomainError("กรุณาระบุเหตุผลการปิดประเด็น", field="note")
    if len(note) > limits.NOTE:
        raise DomainError(limits.too_long(len(note), limits.NOTE), field="note")
    directive.closed_at = timezone.now()
    directive.closed_by = by
    directive.close_note = note.strip()
    _stamp(directive, by)
    directive.save()
    directive_refresh(directive)
    return directive


@transaction.atomic
def directive_reopen(*, directive: Directive, by) -> Directive:
    if not directive.is_closed:
        raise DomainError("ข้อนี้ยังไม่ได้ปิดประเด็น")
    directive.closed_at = None
    directive.closed_by = None
    _stamp(directive, by)
    directive.save()
    directive_refresh(directive)
    return directive


@transaction.atomic
def assignment_acknowledge(*, assignment: Assignment, by) -> Assignment:
    """รับทราบ: the agency has seen its new item."""
    if assignment.acknowledged_at:
        raise DomainError("หน่วยงานรับทราบข้อนี้แล้ว")
    assignment.acknowledged_at = timezone.now()
    assignment.acknowledged_by = by
    _stamp(assignment, by)
    assignment.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
    return assignment


def check_upload(upload: UploadedFile) -> str:
    """Refuse a file the tracker does not keep; answer the content type its bytes show.

    The extension must be one of the allowed ones and the content must be of that
    kind (a PNG renamed .pdf, or a web page renamed .png, is refused); HTML and SVG
    are never taken: a browser would run them."""
    name = upload.name or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext in ("svg", "svgz", "htm", "html", "xhtml", "xml") or (upload.size and uploads.is_markup(upload)):
        raise DomainError(f"ไฟล์ {name} เป็นหน้าเว็บหรือภาพ SVG ซึ่งไม่รับ เพื่อความปลอดภัย (รับเฉพาะ pdf, jpg, png, docx, xlsx)")
    if ext not in ALLOWED_UPLOAD_EXTENSIONS:
        raise DomainError(f"ไฟล์ {name} เป็นชนิดที่ไม่รับ (รับเฉพาะ pdf, jpg, png, docx, xlsx)")
    if upload.size > settings.MAX_UPLOAD_BYTES:
        limit = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
        raise DomainError(f"ไฟล์ {name} ใหญ่เกิน {limit} MB")
    if not upload.size:
        raise DomainError(f"ไฟล์ {name} ว่างเปล่า (ขนาด ๐ ไบต์)")
    kind = uploads.sniff(upload)
    if kind != uploads.KIND_OF_EXTENSION[ext]:
        raise DomainError(
            f"เนื้อไฟล์ {name} ไม่ใช่ไฟล์ {ext} ตามที่ชื่อไฟล์ระบุ (ไฟล์อาจเสียหาย หรือถูกเปลี่ยนนามสกุล) กรุณาตรวจสอบแล้วแนบใหม่"
        )
    return kind


def _assignment_recompute_status(assignment: Assignment) -> None:
    """The agency's status is that of its latest report the secretariat has not
    returned; an extension request counts until it is decided."""
    status = Status.NOT_STARTED
    for report in assignment.reports.exclude(review=ProgressReport.Review.RETURNED).order_by("-created_at", "-id"):
        if report.status == Status.EXTENSION and report.review == ProgressReport.Review.ACCEPTED:
            continue
        status = report.status
        break
    if assignment.status != status:
        assignment.status = status
        assignment.save(update_fields=["status", "updated_at"])


@transaction.atomic
def progress_report(
    *,
    assignment: Assignment,
    text: str,
    status: str,
    percent: int | None = None,
    files: Sequence[UploadedFile] = (),
    requested_due_date: datetime.date | None = None,
    by,
) -> ProgressReport:
    """Append a report; the assignment's status follows the newest one."""
    if assignment.directive.is_closed:
        raise DomainError("ข้อนี้ปิดประเด็นแล้ว ไม่รับรายงานเพิ่ม")
    if status == Status.EXTENSION and requested_due_date is None:
        raise DomainError("กรุณาระบุวันที่ขอขยายเวลาถึง")
    kinds = [check_upload(upload) for upload in files]
    report = ProgressReport(
        assignment=assignment,
        text=text.strip(),
        status=status,
        percent=percent,
        requested_due_date=requested_due_date,
        created_by=by,
    )
    report.full_clean()
    _stamp(report, by)
    report.save()
    for upload, kind in zip(files, kinds, strict=True):
        Attachment.objects.create(
            report=report,
            file=upload,
            # Shown and offered as the download's name; stored under a generated one.
            original_name="".join(char for char in upload.name or "" if char.isprintable())[:255] or "ไฟล์แนบ",
            size=upload.size,
            content_type=kind,
        )
    if not assignment.acknowledged_at:
        assignment.acknowledged_at, assignment.acknowledged_by = report.created_at, by
        assignment.save(update_fields=["acknowledged_at", "acknowledged_by", "updated_at"])
    _assignment_recompute_status(assignment)
    directive_refresh(assignment.directive)
    events.report_submitted.send(sender=ProgressReport, report=report)
    return report


def extension_request(*, assignment: Assignment, reason: str, new_due_date: datetime.date, by) -> ProgressReport:
    """ขอขยายเวลา: a report with the reason and the date asked for."""
    if assignment.due_date and new_due_date <= assignment.due_date:
        raise DomainError("วันที่ขอขยายต้องหลังกำหนดเสร็จเดิม")
    return progress_report(
        assignment=assignment, text=reason, status=Status.EXTENSION, requested_due_date=new_due_date, by=by
    )


@transaction.atomic
def report_review(*, report: ProgressReport, accept: bool, comment: str = "", by) -> ProgressReport:
    """Accept a report, or send it back with a comment. Accepting an extension
    request moves the agency's due date."""
    if report.review != ProgressReport.Review.PENDING:
        raise DomainError("รายงานนี้ตรวจไปแล้ว")
    if not accept and not comment.strip():
        raise DomainError("กรุณาระบุเหตุผลที่ส่งกลับ เพื่อให้หน่วยงานแก้ไขได้ถูกต้อง", field="comment")
    if len(comment) > limits.NOTE:
        raise DomainError(limits.too_long(len(comment), limits.NOTE), field="comment")
    report.review = ProgressReport.Review.ACCEPTED if accept else ProgressReport.Review.RETURNED
    report.reviewed_by = by
    report.reviewed_at = timezone.now()
    report.review_comment = comment.strip()
    _stamp(report, by)
    report.save()
    assignment = report.assignment
    if accept and report.status == Status.EXTENSION:
        assignment.due_date = report.requested_due_date
        _stamp(assignment, by)
        assignment.save(update_fields=["due_date", "updated_at"])
    _assignment_recompute_status(assignment)
    directive_refresh(assignment.directive)
    events.report_reviewed.send(sender=ProgressReport, report=report, accepted=accept)
    return report


@transaction.atomic
def followup_issue(*, meeting: Meeting, as_of: datetime.date | None = None, by) -> FollowUpIssue:
    """Issue the follow-up report of ``meeting`` to every agency: the PDF as it is
    now is kept, unchanged by later reports, and every agency may read it."""
    from . import documents  # WeasyPrint is loaded only by what prints

    filename, pdf = documents.render_followup(meeting, as_of)
    issue = FollowUpIssue(meeting=meeting, as_of=as_of or timezone.localdate(), filename=filename, issued_by=by)
    issue.file.save(filename, ContentFile(pdf), save=False)
    issue.full_clean()
    issue.save()
    return issue
