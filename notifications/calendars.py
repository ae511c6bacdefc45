"""iCalendar feeds (the icalendar library): due dates and monthly reporting days as
all-day events with Thai titles and the link, for Google Calendar, Outlook and
Thunderbird to subscribe to."""

from __future__ import annotations

import calendar as month_calendar
import datetime

from django.db.models import Q
from django.urls import reverse
from icalendar import Calendar, Event

from directives.models import Assignment, today

from .services import absolute

# A feed of every open item of the province would be unreadable; the secretariat's
# and executives' feeds hold the nearest ones.
MAX_EVENTS = 2000


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Lampang Tracker//ระบบติดตามข้อสั่งการ จังหวัดลำปาง//TH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Bangkok")
    return cal


def _first_report_day(start: datetime.date, report_day: int) -> datetime.date:
    """The first reporting day on or after ``start`` (a short month reports on its last day)."""
    year, month = start.year, start.month
    while True:
        last = month_calendar.monthrange(year, month)[1]
        day = datetime.date(year, month, min(report_day, last))
        if day >= start:
            return day
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _events(assignments, *, with_agency: bool) -> list[Event]:
    stamp = datetime.datetime.now(datetime.UTC)
    events = []
    seen_cycles: set[int] = set()
    for a in assignments:
        directive = a.directive
        title = directive.heading or directive.text[:80]
        agency = f" ({a.agency.short_name or a.agency.name})" if with_agency else ""
        link = absolute(reverse("assignment_detail", args=[a.pk]))
        if a.due_date:
            event = Event()
            event.add("uid", f"due-{a.pk}-{a.due_date:%Y%m%d}@lampang-tracker")
            event.add("dtstamp", stamp)
            event.add("dtstart", a.due_date)
            event.add("dtend", a.due_date + datetime.timedelta(days=1))
            event.add("summary", f"ครบกำหนด ข้อ {directive.number_label} {title}{agency}")
            event.add("description", f"{directive.source_label}\n{link}")
            event.add("url", link)
            event.add("transp", "TRANSPARENT")
            events.append(event)
        if directive.report_day and (with_agency is False or directive.pk not in seen_cycles):
            seen_cycles.add(directive.pk)
            start = _first_report_day(directive.created_at.date(), directive.report_day)
            if directive.report_until and start > directive.report_until:
                continue
            event = Event()
            event.add("uid", f"report-{a.pk}@lampang-tracker")
            event.add("dtstamp", stamp)
            event.add("dtstart", start)
            event.add("dtend", start + datetime.timedelta(days=1))
            rule = {"freq": "monthly", "bymonthday": directive.report_day if directive.report_day < 29 else -1}
            if directive.report_until:
                rule["until"] = directive.report_until
            event.add("rrule", rule)
            event.add("summary", f"ถึงกำหนดรายงานผลประจำเดือน ข้อ {directive.number_label} {title}{agency}")
            event.add("description", f"{directive.reporting_cycle_label}\n{link}")
            event.add("url", link)
            event.add("transp", "TRANSPARENT")
            events.append(event)
    return events


def _open_assignments():
    return (
        Assignment.objects.open()
        .filter(Q(due_date__isnull=False) | Q(directive__report_day__isnull=False))
        .select_related("directive__meeting__series", "directive__letter", "agency")
        .order_by("due_date", "pk")
    )


def agency_calendar(agency) -> bytes:
    cal = _calendar(f"ข้อสั่งการ {agency.short_name or agency.name}")
    for event in _events(_open_assignments().filter(agency=agency)[:MAX_EVENTS], with_agency=False):
        cal.add_component(event)
    return cal.to_ical()


def user_calendar(user, actor) -> bytes:
    """An agency user's feed is their agency's; the secretariat and executives get the
    open items due from a month ago on (the nearest MAX_EVENTS)."""
    if actor.is_agency:
        return agency_calendar(actor.agency)
    cal = _calendar("ข้อสั่งการ จังหวัดลำปาง")
    if actor.reads_all:
        rows = _open_assignments().filter(
            Q(due_date__gte=today() - datetime.timedelta(days=30)) | Q(due_date__isnull=True)
        )[:MAX_EVENTS]
        for event in _events(rows, with_agency=True):
            cal.add_component(event)
    return cal.to_ical()
