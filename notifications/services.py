"""Queueing messages into the outbox and delivering them.

Queueing resolves the recipients of an event (agency users, the agency's LINE
group, its head, the secretariat …), renders the Thai text once from
``templates/notifications/events/<event>.txt`` and inserts one row per recipient ×
channel with ``ignore_conflicts``: the unique constraint makes a second queueing of
the same thing a no-op. Delivery (``deliver`` / ``deliver_digests``) is bounded,
claims each row before sending so two overlapping runs never send it twice, and
retries failures with exponential backoff up to ``NOTIFY_MAX_ATTEMPTS``.
"""

from __future__ import annotations

import datetime
import secrets
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, Profile
from lampang_tracker import thai

from .models import AgencySetting, Channel, Defaults, Event, Mode, Notification, Preference, new_token

User = get_user_model()


class NotifyError(Exception):
    """A Thai message for the user (e.g. a LINE link code that does not exist)."""


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


@dataclass
class Message:
    """One thing to say: rendered once, sent to every recipient it names."""

    event: str
    key: str
    subject: str
    body: str
    url: str
    due_day: datetime.date
    users: list = field(default_factory=list)
    line_group_of: Agency | None = None  # push to this agency's LINE group as well
    agency: Agency | None = None  # the agency the message concerns (for the outbox page)
    digest: bool = False  # always wait for the daily digest (the วิกฤต summary)


def render_message(
    event: str, *, key: str, url: str, due_day: datetime.date, context: dict, subject: str, **extra
) -> Message:
    body = render_to_string(f"notifications/events/{event}.txt", context).strip()
    return Message(event=event, key=key, subject=subject[:300], body=body, url=url, due_day=due_day, **extra)


class Outbox:
    """Collects rows for many messages, with the lookups they share cached, and
    writes them in one bulk insert (``flush``)."""

    def __init__(self, *, now: datetime.datetime | None = None):
        self.now = now or timezone.now()
        self.defaults = Defaults.current()
        self.rows: list[Notification] = []
        self._prefs: dict[int, Preference | None] = {}
        self._agency_users: dict[int, list] = {}
        self._settings: dict[int, AgencySetting | None] = {}

    # -- lookups --------------------------------------------------------

    def preload_agencies(self, agency_ids: Iterable[int]) -> None:
        """Users and settings of many agencies in two queries (for the reminders)."""
        wanted = set(agency_ids) - set(self._agency_users)
        if not wanted:
            return
        for agency_id in wanted:
            self._agency_users[agency_id] = []
            self._settings[agency_id] = None
        # Only agency users have an agency (a constraint on Profile), so no role test.
        profiles = Profile.objects.filter(agency_id__in=wanted, user__is_active=True).select_related("user")
        for profile in profiles:
            self._agency_users[profile.agency_id].append(profile.user)
        for setting in AgencySetting.objects.filter(agency_id__in=wanted).select_related("head"):
            self._settings[setting.agency_id] = setting
            # The head hears only of what escalates to them (เกินกำหนดรุนแรง and worse).
            users = self._agency_users[setting.agency_id]
            self._agency_users[setting.agency_id] = [u for u in users if u.pk != setting.head_id]
        self.preload_prefs(
            [u.pk for users in self._agency_users.values() for u in users]
            + [s.head_id for s in self._settings.values() if s and s.head_id]
        )

    def preload_prefs(self, user_ids: Iterable[int]) -> None:
        wanted = set(user_ids) - set(self._prefs)
        if not wanted:
            return
        for user_id in wanted:
            self._prefs[user_id] = None
        for pref in Preference.objects.filter(user_id__in=wanted):
            self._prefs[pref.user_id] = pref

    def agency_users(self, agency: Agency) -> list:
        self.preload_agencies([agency.pk])
        return self._agency_users[agency.pk]

    def agency_setting(self, agency: Agency) -> AgencySetting | None:
        self.preload_agencies([agency.pk])
        return self._settings[agency.pk]

    def agency_head(self, agency: Agency):
        setting = self.agency_setting(agency)
        return setting.head if setting and setting.head_id and setting.head.is_active else None

    def staff_users(self, roles: Sequence[str]) -> list:
        users = list(User.objects.filter(profile__role__in=roles, is_active=True))
        self.preload_prefs(u.pk for u in users)
        return users

    def choices_for(self, user) -> tuple[bool, bool, bool]:
        """(e-mail on, LINE on, digest) for ``user``: their preference, else the defaults."""
        if user.pk not in self._prefs:
            self.preload_prefs([user.pk])
        pref = self._prefs[user.pk]
        email_on = pref.email_on if pref and pref.email_on is not None else self.defaults.email_on
        line_on = pref.line_on if pref and pref.line_on is not None else self.defaults.line_on
        mode = (pref.mode if pref and pref.mode else "") or self.defaults.mode
        return (
            email_on and bool(user.email),
            line_on and bool(pref and pref.line_user_id),
            mode == Mode.DIGEST,
        )

    # -- rows -----------------------------------------------------------

    def add(self, message: Message) -> None:
        def row(recipient: str, channel: str, **fields) -> Notification:
            return Notification(
                recipient=recipient,
                event=message.event,
                channel=channel,
                key=message.key,
                due_day=message.due_day,
                subject=message.subject,
                body=message.body,
                url=message.url,
                agency=message.agency,
                created_at=self.now,
                next_attempt_at=self.now,
                **fields,
            )

        seen: set[int] = set()
        for user in message.users:
            if user.pk in seen:
                continue
            seen.add(user.pk)
            email_on, line_on, digest = self.choices_for(user)
            recipient = f"user:{user.pk}"
            # In-app: the row is the notification; it is delivered by being there.
            self.rows.append(row(recipient, Channel.INAPP, user=user, state=Notification.State.SENT, sent_at=self.now))
            if email_on:
                self.rows.append(row(recipient, Channel.EMAIL, user=user, digest=digest or message.digest))
            if line_on:
                self.rows.append(row(recipient, Channel.LINE, user=user, digest=digest or message.digest))
        agency = message.line_group_of
        if agency is not None:
            setting = self.agency_setting(agency)
            if setting and setting.line_group_id:
                self.rows.append(row(f"line-group:{agency.pk}", Channel.LINE, digest=message.digest))

    def flush(self) -> int:
        """Insert what was collected; returns how many rows are new."""
        if not self.rows:
            return 0
        Notification.objects.bulk_create(self.rows, ignore_conflicts=True, batch_size=500)
        self.rows = []
        # Rows that were there already keep their older created_at (the index on it
        # makes this cheap however long the outbox grows).
        return Notification.objects.filter(created_at=self.now).count()


# ---------------------------------------------------------------------------
# Instant events (called from receivers.py after the commit)


def _assignment_context(assignment) -> dict:
    directive = assignment.directive
    return {
        "assignment": assignment,
        "directive": directive,
        "agency": assignment.agency,
        "number": directive.number_label,
        "title": directive.heading or directive.text[:200],
        "source": directive.source_label,
    }


def assignment_message(assignment, *, outbox: Outbox, on: datetime.date) -> Message:
    context = _assignment_context(assignment)
    return render_message(
        Event.ASSIGNED,
        key=f"assignment:{assignment.pk}",
        url=reverse("assignment_detail", args=[assignment.pk]),
        due_day=on,
        context=context,
        subject=f"ข้อสั่งการใหม่ ข้อ {context['number']} ถึง{assignment.agency.name}",
        users=outbox.agency_users(assignment.agency),
        line_group_of=assignment.agency,
        agency=assignment.agency,
    )


def notify_assigned(*, assignment_id: int) -> int:
    from directives.models import Assignment

    assignment = Assignment.objects.select_related("directive__meeting__series", "directive__letter", "agency").get(
        pk=assignment_id
    )
    outbox = Outbox()
    outbox.add(assignment_message(assignment, outbox=outbox, on=timezone.localdate()))
    return outbox.flush()


def notify_report_submitted(*, report_id: int) -> int:
    """For the secretariat: a report waits for review (its text stays in the app)."""
    from directives.models import ProgressReport

    report = ProgressReport.objects.select_related("assignment__directive", "assignment__agency").get(pk=report_id)
    outbox = Outbox()
    context = {**_assignment_context(report.assignment), "report": report}
    outbox.add(
        render_message(
            Event.REPORT_PENDING,
            key=f"report:{report.pk}",
            url=reverse("report_review", args=[report.pk]),
            due_day=timezone.localdate(),
            context=context,
            subject=f"รายงานรอตรวจ ข้อ {context['number']} จาก{report.assignment.agency.name}",
            users=outbox.staff_users([Profile.Role.SECRETARIAT]),
            agency=report.assignment.agency,
        )
    )
    return outbox.flush()


def notify_report_reviewed(*, report_id: int, accepted: bool) -> int:
    """To the agency that sent it: returned with a comment, or an extension decided."""
    from directives.models import ProgressReport, Status

    report = ProgressReport.objects.select_related(
        "assignment__directive__meeting__series", "assignment__directive__letter", "assignment__agency"
    ).get(pk=report_id)
    assignment = report.assignment
    context = {**_assignment_context(assignment), "report": report, "accepted": accepted}
    outbox = Outbox()
    common = {
        "url": reverse("assignment_detail", args=[assignment.pk]),
        "due_day": timezone.localdate(),
        "context": context,
        "users": outbox.agency_users(assignment.agency),
        "agency": assignment.agency,
    }
    if report.status == Status.EXTENSION:
        verdict = "อนุมัติ" if accepted else "ไม่อนุมัติ"
        message = render_message(
            Event.EXTENSION_DECIDED,
            key=f"report:{report.pk}",
            subject=f"ผลการขอขยายเวลา ข้อ {context['number']}: {verdict}",
            **common,
        )
    elif not accepted:
        message = render_message(
            Event.REPORT_RETURNED,
            key=f"report:{report.pk}",
            subject=f"รายงานผล ข้อ {context['number']} ถูกส่งกลับให้แก้ไข",
            **common,
        )
    else:
        return 0
    outbox.add(message)
    return outbox.flush()


def notify_minutes_circulated(*, minutes_id: int) -> int:
    """To the users of every agency that attended (or, when the attendance names no
    agency, of every agency assigned in that meeting)."""
    from directives.models import Assignment
    from minutes.models import Minutes

    minutes = Minutes.objects.select_related("meeting__series").get(pk=minutes_id)
    agency_ids = set(minutes.attendees.exclude(agency=None).values_list("agency_id", flat=True))
    if not agency_ids:
        agency_ids = set(
            Assignment.objects.filter(directive__meeting=minutes.meeting).values_list("agency_id", flat=True)
        )
    outbox = Outbox()
    outbox.preload_agencies(agency_ids)
    users = [u for agency_id in sorted(agency_ids) for u in outbox._agency_users[agency_id]]
    meeting = minutes.meeting
    outbox.add(
        render_message(
            Event.MINUTES_CIRCULATED,
            key=f"minutes:{minutes.pk}",
            url=reverse("minutes_detail", args=[meeting.pk]),
            due_day=timezone.localdate(),
            context={"minutes": minutes, "meeting": meeting},
            subject=f"ขอให้ตรวจรับรองรายงานการประชุม ภายในวันที่ {thai.date_long(minutes.certify_deadline)}",
            users=users,
        )
    )
    return outbox.flush()


def notify_correction_decided(*, correction_id: int) -> int:
    from minutes.models import CorrectionRequest

    correction = CorrectionRequest.objects.select_related("minutes__meeting", "requested_by", "section").get(
        pk=correction_id
    )
    outbox = Outbox()
    outbox.add(
        render_message(
            Event.CORRECTION_DECIDED,
            key=f"correction:{correction.pk}",
            url=reverse("minutes_detail", args=[correction.minutes.meeting_id]),
            due_day=timezone.localdate(),
            context={"correction": correction, "meeting": correction.minutes.meeting},
            subject=f"ผลการพิจารณาคำขอแก้ไขรายงานการประชุม: {correction.get_status_display()}",
            users=[correction.requested_by] if correction.requested_by.is_active else [],
            agency=correction.agency,
        )
    )
    return outbox.flush()


# ---------------------------------------------------------------------------
# Delivery


def backoff(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 … minutes after each failure, at most six hours."""
    return datetime.timedelta(minutes=min(2 ** max(attempts - 1, 0), 360))


@dataclass
class Outcome:
    sent: int = 0
    failed: int = 0
    retrying: int = 0
    lines: list[str] = field(default_factory=list)


def _claim(rows: Sequence[Notification], now: datetime.datetime) -> list[Notification]:
    """Take rows for this run: a conditional update, so an overlapping run that
    read the same rows gets none of them (works on SQLite and PostgreSQL)."""
    lease = now + datetime.timedelta(minutes=10)
    claimed = []
    for row in rows:
        if Notification.objects.filter(pk=row.pk, state=row.state, next_attempt_at=row.next_attempt_at).update(
            next_attempt_at=lease
        ):
            claimed.append(row)
    return claimed


def _record(rows: Sequence[Notification], error: str | None, now: datetime.datetime, outcome: Outcome) -> None:
    ids = [r.pk for r in rows]
    if error is None:
        Notification.objects.filter(pk__in=ids).update(
            state=Notification.State.SENT, sent_at=now, attempts=rows[0].attempts + 1, last_error=""
        )
        outcome.sent += len(rows)
        return
    attempts = rows[0].attempts + 1
    if attempts >= settings.NOTIFY_MAX_ATTEMPTS:
        Notification.objects.filter(pk__in=ids).update(
            state=Notification.State.FAILED, attempts=attempts, last_error=error[:2000]
        )
        outcome.failed += len(rows)
    else:
        Notification.objects.filter(pk__in=ids).update(
            attempts=attempts, last_error=error[:2000], next_attempt_at=now + backoff(attempts)
        )
        outcome.retrying += len(rows)


def deliver(*, now: datetime.datetime | None = None, limit: int = 500, dry_run: bool = False) -> Outcome:
    """Send queued messages whose time has come (not those waiting for a digest)."""
    from .transports import transports

    now = now or timezone.now()
    outcome = Outcome()
    rows = list(
        Notification.objects.due(now).select_related("user", "agency").order_by("next_attempt_at", "id")[:limit]
    )
    if dry_run:
        outcome.lines = [f"{r.get_channel_display()} → {describe_recipient(r)}: {r.subject}" for r in rows]
        return outcome
    by_channel = transports()
    for row in _claim(rows, now):
        error = by_channel[row.channel].notify_one(row)
        _record([row], error, now, outcome)
    return outcome


def deliver_digests(*, now: datetime.datetime | None = None, dry_run: bool = False) -> Outcome:
    """One message per recipient and channel with everything waiting for the digest."""
    from .transports import transports

    now = now or timezone.now()
    outcome = Outcome()
    rows = (
        Notification.objects.filter(state=Notification.State.QUEUED, digest=True, next_attempt_at__lte=now)
        .select_related("user", "agency")
        .order_by("recipient", "channel", "event", "id")
    )
    groups: dict[tuple[str, str], list[Notification]] = defaultdict(list)
    for row in rows:
        groups[(row.recipient, row.channel)].append(row)
    if dry_run:
        outcome.lines = [
            f"{items[0].get_channel_display()} → {describe_recipient(items[0])}: สรุปประจำวัน {len(items)} เรื่อง"
            for items in groups.values()
        ]
        return outcome
    by_channel = transports()
    for (_recipient, channel), items in groups.items():
        items = _claim(items, now)
        if not items:
            continue
        # Rows of one digest may have failed a different number of times before.
        error = by_channel[channel].notify_digest(items, day=timezone.localdate(now))
        for attempts in {r.attempts for r in items}:
            _record([r for r in items if r.attempts == attempts], error, now, outcome)
    return outcome


def describe_recipient(row: Notification) -> str:
    if row.recipient.startswith("line-group:"):
        return f"กลุ่ม LINE ของ{row.agency.name if row.agency else 'หน่วยงาน'}"
    user = row.user
    if user is None:
        return row.recipient
    name = user.get_full_name() or user.username
    if row.channel == Channel.EMAIL:
        return f"{name} <{user.email}>"
    return name


@transaction.atomic
def resend(*, notification: Notification) -> Notification:
    """Queue a message again (after a failure, or on request): same row, fresh attempts."""
    if notification.channel == Channel.INAPP:
        raise NotifyError("การแจ้งเตือนในระบบไม่ต้องส่งซ้ำ")
    notification.state = Notification.State.QUEUED
    notification.attempts = 0
    notification.digest = False
    notification.next_attempt_at = timezone.now()
    notification.save(update_fields=["state", "attempts", "digest", "next_attempt_at"])
    return notification


# ---------------------------------------------------------------------------
# Preferences, LINE linking, calendar tokens


def preference_for(user) -> Preference:
    return Preference.objects.get_or_create(user=user)[0]


def agency_setting_for(agency: Agency) -> AgencySetting:
    return AgencySetting.objects.get_or_create(agency=agency)[0]


@transaction.atomic
def preference_update(*, user, email_on: bool, line_on: bool, mode: str) -> Preference:
    pref = preference_for(user)
    pref.email_on, pref.line_on, pref.mode = email_on, line_on, mode
    pref.full_clean()
    pref.save()
    return pref


@transaction.atomic
def line_code_issue(*, user) -> Preference:
    """A one-time code the user sends to the office's LINE official account."""
    pref = preference_for(user)
    pref.line_code = f"{secrets.randbelow(10**6):06d}"
    pref.line_code_expires = timezone.now() + datetime.timedelta(minutes=settings.LINE_LINK_CODE_MINUTES)
    pref.save(update_fields=["line_code", "line_code_expires"])
    return pref


@transaction.atomic
def line_link(*, code: str, line_user_id: str) -> Preference:
    """The webhook saw ``code`` from ``line_user_id``: link them, and use the code up."""
    code = thai.arabic_digits(code.strip())
    if not (code.isdigit() and len(code) == 6):
        raise NotifyError("รหัสไม่ถูกต้อง")
    pref = (
        Preference.objects.select_for_update()
        .filter(line_code=code, line_code_expires__gt=timezone.now())
        .select_related("user")
        .first()
    )
    if pref is None:
        raise NotifyError("รหัสไม่ถูกต้องหรือหมดอายุแล้ว กรุณาขอรหัสใหม่ในระบบ")
    Preference.objects.filter(line_user_id=line_user_id).exclude(pk=pref.pk).update(line_user_id="")
    pref.line_user_id = line_user_id
    pref.line_code, pref.line_code_expires = "", None
    pref.save(update_fields=["line_user_id", "line_code", "line_code_expires"])
    return pref


@transaction.atomic
def line_unlink(*, user) -> Preference:
    pref = preference_for(user)
    pref.line_user_id = ""
    pref.save(update_fields=["line_user_id"])
    return pref


@transaction.atomic
def calendar_renew_user(*, user) -> Preference:
    pref = preference_for(user)
    pref.calendar_token = new_token()
    pref.save(update_fields=["calendar_token"])
    return pref


@transaction.atomic
def calendar_renew_agency(*, agency: Agency) -> AgencySetting:
    setting = agency_setting_for(agency)
    setting.calendar_token = new_token()
    setting.save(update_fields=["calendar_token"])
    return setting


@transaction.atomic
def agency_setting_update(*, agency: Agency, line_group_id: str, head) -> AgencySetting:
    setting = agency_setting_for(agency)
    setting.line_group_id, setting.head = line_group_id.strip(), head
    setting.full_clean()
    setting.save()
    return setting


@transaction.atomic
def defaults_update(*, email_on: bool, line_on: bool, mode: str) -> Defaults:
    defaults = Defaults.current()
    defaults.email_on, defaults.line_on, defaults.mode = email_on, line_on, mode
    defaults.full_clean()
    defaults.save()
    return defaults


@transaction.atomic
def mark_read(*, user, notification: Notification | None = None) -> int:
    rows = Notification.objects.for_user(user).unread()
    if notification is not None:
        rows = rows.filter(pk=notification.pk)
    return rows.update(read_at=timezone.now())
