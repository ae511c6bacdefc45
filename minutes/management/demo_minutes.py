"""Minutes (รายงานการประชุม) for ``load_demo``.

Two things, both entered through ``minutes.services`` exactly as the secretariat
would enter them in the app:

- the real minutes of ครั้งที่ ๔/๒๕๖๓ of the Lampang community development office
  (``fixtures/minutes-cdd-4-2563.json``, a transcription of the seed with its repairs
  listed), with its previous meeting ๓/๒๕๖๓ certified at it, circulated on the day of
  its cover letter and by now deemed certified (ถือว่ารับรอง);
- a draft for the governor's meeting ครั้งที่ ๑๑/๒๕๖๐, whose ระเบียบวาระที่ ๓ lists the
  open directives of ๑๐/๒๕๖๐ live from the tracker.

``load_demo`` lives in this app, the top of the dependency chain (agencies ← meetings
← directives ← minutes), because it loads every app's data.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from agencies.models import Agency
from meetings.models import Meeting, MeetingSeries
from meetings.services import meeting_create
from minutes import services
from minutes.models import AgendaSection, Attendee, Minutes, State

MINUTES_FILE = "minutes-cdd-4-2563.json"

Count = Callable[[str, int], None]

# The governor's meeting after ๑๐/๒๕๖๐ (demo only: not in any seed).
NEXT_GOVERNOR_MEETING = {"number": 11, "year_be": 2560, "date": datetime.date(2017, 12, 27)}
# A few heads of agencies assigned at ๑๐/๒๕๖๐, and one who could not come.
NEXT_MEETING_HEADS = [
    "สำนักงานศึกษาธิการจังหวัดลำปาง",
    "สำนักงานวัฒนธรรมจังหวัดลำปาง",
    "สำนักงานปศุสัตว์จังหวัดลำปาง",
    "สำนักงานสาธารณสุขจังหวัดลำปาง",
    "สำนักงานโยธาธิการและผังเมืองจังหวัดลำปาง",
]
NEXT_MEETING_ABSENT = ("สำนักงานการท่องเที่ยวและกีฬาจังหวัดลำปาง", "ติดราชการ")


def _date(value: str | None) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def _time(value: str | None) -> datetime.time | None:
    return datetime.time.fromisoformat(value) if value else None


def load_minutes_seed(*, by, count: Count) -> Minutes:
    """The seed minutes and their series; returns them, loading nothing when the
    seed meeting already has minutes."""
    with open(Path(settings.BASE_DIR) / "fixtures" / MINUTES_FILE, encoding="utf-8") as source:
        data = json.load(source)
    series = MeetingSeries.objects.filter(name=data["series"]["name"]).first()
    if series is None:
        series = MeetingSeries(**data["series"])
        series.full_clean()
        series._history_user = by
        series.save()
        count("meeting series", 1)
    meetings = {
        (spec["number"], spec["year_be"]): (spec, _meeting(series, spec, by, count)) for spec in data["meetings"]
    }
    seed = data["minutes"]
    _, meeting = meetings[(seed["meeting"]["number"], seed["meeting"]["year_be"])]
    existing = Minutes.objects.filter(meeting=meeting).first()
    if existing is not None:
        return existing

    # Earlier meetings first: minutes without content (we do not have them), circulated.
    for spec, earlier in meetings.values():
        if earlier != meeting and not Minutes.objects.filter(meeting=earlier).exists():
            assert not spec["minutes"]["content"], "only the seed meeting's minutes have content"
            _circulate(services.minutes_start(meeting=earlier, by=by), spec["minutes"], by)
            count("minutes", 1)

    minutes = services.minutes_start(meeting=meeting, by=by)
    count("minutes", 1)
    header = seed["header"]
    services.minutes_update(
        minutes=minutes,
        by=by,
        **{name: _time(value) if name.endswith("_at") else value for name, value in header.items()},
    )
    services.letter_update(
        minutes=minutes,
        by=by,
        **{name: _date(value) if name == "letter_date" else value for name, value in seed["letter"].items()},
    )
    _attendees(minutes, seed["attendees"], by, count)
    sections = {section.number: section for section in minutes.sections.all()}
    for spec in seed["sections"]:
        section = sections[spec["number"]]
        fields = {name: spec[name] for name in ("title", "body", "resolution") if name in spec}
        services.section_update(section=section, by=by, **fields)
        _items(section, None, spec.get("items", []), by, count)

    # Certified here (ระเบียบวาระที่ ๒ above already says so in the seed's words).
    for spec, earlier in meetings.values():
        certified_in = spec["minutes"].get("certified_in")
        if certified_in and earlier.minutes.state != State.CERTIFIED:
            _, at_meeting = meetings[(certified_in["number"], certified_in["year_be"])]
            services.minutes_certify(
                minutes=earlier.minutes, at_meeting=at_meeting, note=spec["minutes"]["certified_note"], by=by
            )
    spec, _ = meetings[(meeting.number, meeting.year_be)]
    return _circulate(minutes, spec["minutes"], by)


def _meeting(series: MeetingSeries, spec: dict, by, count: Count) -> Meeting:
    meeting = Meeting.objects.filter(series=series, year_be=spec["year_be"], number=spec["number"]).first()
    if meeting is None:
        meeting = meeting_create(
            by=by,
            series=series,
            number=spec["number"],
            year_be=spec["year_be"],
            date=_date(spec["date"]),
            start_time=_time(spec.get("start_time")),
            end_time=_time(spec.get("end_time")),
            venue=spec.get("venue", ""),
            chair=spec.get("chair", ""),
        )
        count("meetings", 1)
    return meeting


def _circulate(minutes: Minutes, spec: dict, by) -> Minutes:
    """Back-dated to the day the office sent them round."""
    return services.minutes_circulate(
        minutes=minutes, deadline=_date(spec["certify_deadline"]), on=_date(spec["circulated_on"]), by=by
    )


def _attendees(minutes: Minutes, spec: dict, by, count: Count) -> None:
    """Pasted as the office's Word table: name, surname, position (and reason)."""
    for kind, rows in ((Attendee.Kind.PRESENT, spec["present"]), (Attendee.Kind.ABSENT, spec["absent"])):
        lines = [
            "\t".join([*row["name"].split(" ", 1), row["position"], *filter(None, [row.get("reason")])]) for row in rows
        ]
        added = services.attendees_add_lines(minutes=minutes, text="\n".join(lines), kind=kind, by=by)
        got = [(a.name, a.position, a.reason) for a in added]
        want = [(row["name"], row["position"], row.get("reason", "")) for row in rows]
        if got != want:
            raise CommandError(f"{MINUTES_FILE}: attendees did not come in as written: {got} != {want}")
        count("attendees", len(added))


def _items(section: AgendaSection, parent, specs: list[dict], by, count: Count) -> None:
    for spec in specs:
        fields = {name: spec.get(name, "") for name in ("label", "presenter", "title", "body", "resolution")}
        item = services.item_create(section=section, parent=parent, number=spec["number"], by=by, **fields)
        count("agenda items", 1)
        _items(section, item, spec.get("items", []), by, count)


def load_next_meeting(*, previous: Meeting, by, count: Count) -> Meeting:
    """ครั้งที่ ๑๑/๒๕๖๐ after ``previous`` (๑๐/๒๕๖๐): draft minutes with a short attendance."""
    meeting = Meeting.objects.filter(
        series=previous.series, year_be=NEXT_GOVERNOR_MEETING["year_be"], number=NEXT_GOVERNOR_MEETING["number"]
    ).first()
    if meeting is None:
        meeting = meeting_create(
            by=by,
            series=previous.series,
            **NEXT_GOVERNOR_MEETING,
            start_time=previous.start_time,
            venue=previous.venue,
            chair=previous.chair,
        )
        count("meetings", 1)
    if Minutes.objects.filter(meeting=meeting).exists():
        return meeting
    minutes = services.minutes_start(meeting=meeting, by=by)
    count("minutes", 1)
    absent_name, reason = NEXT_MEETING_ABSENT
    agencies = [Agency.objects.get(name=name) for name in [*NEXT_MEETING_HEADS, absent_name]]
    heads = services.attendees_add_heads(minutes=minutes, agencies=agencies, by=by)
    services.attendees_save(
        minutes=minutes,
        changed=[(heads[-1], {"kind": Attendee.Kind.ABSENT, "position_order": 1, "reason": reason})],
        deleted=[],
        by=by,
    )
    count("attendees", len(heads))
    return meeting
