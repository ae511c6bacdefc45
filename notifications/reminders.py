"""Time-based reminders, found by a few indexed queries (never a loop over every
directive): due in 7/3/1 days, the monthly reporting day, the overdue bands and
the วิกฤต summary for the secretariat and executives."""

from __future__ import annotations

import calendar
import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse

from agencies.models import Profile
from directives.models import Assignment
from lampang_tracker import thai

from .models import Event, Notification
from .services import Message, Outbox, render_message

# Overdue bands (เกินกำหนด): from day N, who hears of it. วิกฤต items also go to the
# secretariat's and executives' daily digest (critical_digest).
WATCH, SEVERE, CRITICAL = "watch", "severe", "critical"
BANDS = [(1, WATCH, "เฝ้าระวัง"), (7, SEVERE, "รุนแรง"), (15, CRITICAL, "วิกฤต")]
CRITICAL_FROM = 15


def _assignments():
    return Assignment.objects.open().select_related("agency", "directive__meeting__series", "directive__letter")


def reporting_days(on: datetime.date) -> list[int]:
    """The report_day values that fall on ``on``: its day, and on a month's last day
    every later day (รายงานทุกวันที่ ๓๑ falls on 30 April)."""
    last = calendar.monthrange(on.year, on.month)[1]
    return list(range(on.day, 32)) if on.day == last else [on.day]


def _not_yet(event: str, due_day_of, candidates: list) -> list:
    """Drop the candidates already queued for this event (one query), so a run every
    few minutes does not render them again."""
    if not candidates:
        return []
    keys = {f"assignment:{a.pk}" + suffix for a, suffix in candidates}
    done = set(Notification.objects.filter(event=event, key__in=keys).values_list("key", "due_day").distinct())
    return [(a, s) for a, s in candidates if (f"assignment:{a.pk}" + s, due_day_of(a)) not in done]


def queue_reminders(*, on: datetime.date, outbox: Outbox | None = None) -> int:
    outbox = outbox or Outbox()
    messages: list[Message] = []

    # ใกล้ครบกำหนด: due in exactly N days (N from REMINDER_DAYS).
    due_days = [on + datetime.timedelta(days=n) for n in settings.REMINDER_DAYS]
    soon = [(a, "") for a in _assignments().filter(due_date__in=due_days)]
    soon = _not_yet(Event.DUE_SOON, lambda a: on, soon)
    # ถึงกำหนดรายงานผลประจำเดือน, until report_until.
    cycle = (
        _assignments()
        .filter(directive__report_day__in=reporting_days(on))
        .filter(Q(directive__report_until__isnull=True) | Q(directive__report_until__gte=on))
    )
    cycle = _not_yet(Event.REPORT_DAY, lambda a: on, [(a, "") for a in cycle])
    # เกินกำหนด: entering a band, with a few days' grace for a missed run; the row's
    # day is the due date, so each band is announced once per due date.
    grace = settings.REMINDER_CATCH_UP_DAYS
    overdue = []
    for start, band, _label in BANDS:
        newest = on - datetime.timedelta(days=start)
        oldest = newest - datetime.timedelta(days=grace - 1)
        rows = _assignments().filter(due_date__gte=oldest, due_date__lte=newest)
        overdue += [(a, f":{band}") for a in rows]
    overdue = _not_yet(Event.OVERDUE, lambda a: a.due_date, overdue)

    outbox.preload_agencies({a.agency_id for a, _ in soon + cycle + overdue})
    for assignment, _ in soon:
        days = (assignment.due_date - on).days
        messages.append(
            _assignment_message(
                Event.DUE_SOON,
                assignment,
                outbox,
                on,
                f"ใกล้ครบกำหนด ({thai.thai_digits(days)} วัน) ข้อ {assignment.directive.number_label}",
                {"days": days},
            )
        )
    for assignment, _ in cycle:
        messages.append(
            _assignment_message(
                Event.REPORT_DAY,
                assignment,
                outbox,
                on,
                f"ถึงกำหนดรายงานผลประจำเดือน ข้อ {assignment.directive.number_label}",
                {},
            )
        )
    labels = {band: label for _start, band, label in BANDS}
    for assignment, suffix in overdue:
        band = suffix[1:]
        days = (on - assignment.due_date).days
        message = _assignment_message(
            Event.OVERDUE,
            assignment,
            outbox,
            assignment.due_date,
            f"เกินกำหนด {thai.thai_digits(days)} วัน ({labels[band]}) ข้อ {assignment.directive.number_label}",
            {"days": days, "band": labels[band]},
            key_suffix=suffix,
        )
        if band in (SEVERE, CRITICAL):
            head = outbox.agency_head(assignment.agency)
            if head is not None:
                message.users = [*message.users, head]
        messages.append(message)
    for message in messages:
        outbox.add(message)
    return outbox.flush()


def _assignment_message(event, assignment, outbox, due_day, subject, extra, key_suffix=""):
    directive = assignment.directive
    return render_message(
        event,
        key=f"assignment:{assignment.pk}{key_suffix}",
        url=reverse("assignment_detail", args=[assignment.pk]),
        due_day=due_day,
        context={
            "assignment": assignment,
            "directive": directive,
            "agency": assignment.agency,
            "number": directive.number_label,
            "title": directive.heading or directive.text[:200],
            "source": directive.source_label,
            **extra,
        },
        subject=subject,
        users=outbox.agency_users(assignment.agency),
        line_group_of=assignment.agency,
        agency=assignment.agency,
    )


def queue_critical_digest(*, on: datetime.date, outbox: Outbox | None = None) -> int:
    """วิกฤต: one summary a day in the digest of the secretariat and executives, only
    when something is at least CRITICAL_FROM days overdue (nothing due, nothing sent)."""
    outbox = outbox or Outbox()
    critical = Assignment.objects.open().filter(due_date__lte=on - datetime.timedelta(days=CRITICAL_FROM))
    rows = list(critical.values("agency__name").annotate(n=Count("pk")).order_by("-n", "agency__name")[:30])
    if not rows:
        return 0
    outbox.add(
        render_message(
            Event.CRITICAL_DIGEST,
            key="critical",
            url=reverse("directive_list") + "?overdue=true",
            due_day=on,
            context={"rows": rows, "total": critical.count(), "days": CRITICAL_FROM},
            subject=f"ข้อสั่งการเกินกำหนดวิกฤต (เกิน {thai.thai_digits(CRITICAL_FROM)} วัน)",
            users=outbox.staff_users([Profile.Role.SECRETARIAT, Profile.Role.EXECUTIVE]),
            digest=True,
        )
    )
    return outbox.flush()
