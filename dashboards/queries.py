"""The executive dashboard's numbers: each one aggregate query, whatever the row count.

Read-only; sits above ``directives`` and is never imported by it.
"""

from __future__ import annotations

import datetime
import heapq
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Count, Exists, Min, OuterRef, Q, Value
from django.db.models.functions import Coalesce, ExtractMonth

from agencies.models import Agency
from directives.models import ANY_STATE, Assignment, Directive, ResponsibleParty, Status, Strategy, heading_only
from lampang_tracker import thai
from meetings.models import Letter, Meeting

# ระดับความรุนแรงของงานที่เกินกำหนด (days late, inclusive), as the escalation rule of PRODUCT.md.
BANDS = (
    ("watch", "เฝ้าระวัง", 1, 6),
    ("severe", "รุนแรง", 7, 14),
    ("critical", "วิกฤต", 15, None),
)
FINISHED = [Status.DONE, Status.CLOSED]
# The fiscal year's months in order: ตุลาคม of the year before … กันยายน.
FISCAL_MONTHS = (10, 11, 12, 1, 2, 3, 4, 5, 6, 7, 8, 9)
MONTH_ABBR = {
    1: "ม.ค.",
    2: "ก.พ.",
    3: "มี.ค.",
    4: "เม.ย.",
    5: "พ.ค.",
    6: "มิ.ย.",
    7: "ก.ค.",
    8: "ส.ค.",
    9: "ก.ย.",
    10: "ต.ค.",
    11: "พ.ย.",
    12: "ธ.ค.",
}
_KEYS = ("total", "open", "overdue", "done")
SOURCE_ROWS = 15  # the per-meeting / per-letter table: the sources with most overdue first


def fiscal_year_of(day: datetime.date) -> int:
    """ปีงบประมาณ พ.ศ. of ``day``: 1 ต.ค. 2568 is already in ปีงบประมาณ ๒๕๖๙."""
    return day.year + 543 + (1 if day.month >= 10 else 0)


def fiscal_year_bounds(year_be: int) -> tuple[datetime.date, datetime.date]:
    """1 ตุลาคม of the year before … 30 กันยายน of ``year_be`` (Common Era dates)."""
    year = year_be - 543
    return datetime.date(year - 1, 10, 1), datetime.date(year, 9, 30)


def band_of(days_late: int) -> tuple[str, str]:
    for key, label, low, high in BANDS:
        if days_late >= low and (high is None or days_late <= high):
            return key, label
    return "", ""


def counted_directives():
    """Directives that count: active, from an active source, and not a heading-only row
    (a heading with no text and no responsible party, such as "๗ ประเด็นอื่น ๆ")."""
    has_party = Exists(ResponsibleParty.objects.filter(directive=OuterRef("pk")))
    return Directive.objects.active().source_active().exclude(Q(text="") & ~has_party)


def state_counts(on: datetime.date, column: str = "pk") -> dict:
    """total / open / overdue / done (เสร็จหรือปิดประเด็นแล้ว) as filtered counts for .annotate()
    (of ``column``, never NULL: a column of an index lets it be counted from the index alone)."""
    finished = Q(state__in=FINISHED)
    return {
        "total": Count(column),
        "open": Count(column, filter=~finished),
        "overdue": Count(column, filter=~finished & Q(open_due_date__lt=on)),
        "done": Count(column, filter=finished),
    }


@dataclass
class AgencyRow:
    agency: Agency
    overdue: int
    days_late: int
    band: str
    band_label: str
    bands: list[tuple[str, str, int]] = field(default_factory=list)  # (key, label, count)


def overdue_by_agency(on: datetime.date) -> list[AgencyRow]:
    """Every agency with overdue work, worst first: the most days late, then the most items."""
    # The shares of archived directives left out as a short list (directive_archived_idx;
    # see ANY_STATE), not a join: the overdue shares alone are read, from the index
    # assignment_overdue_idx.
    archived = Directive.objects.filter(is_archived=True, sort_key__gte="").values("pk")
    rows = (
        Assignment.objects.overdue(on)
        .exclude(directive_id__in=archived)
        .values("agency_id")
        # COUNT(agency_id), never NULL: a column of the index (PostgreSQL then counts
        # from it alone; an id would send it to the table).
        .annotate(
            overdue=Count("agency"),
            oldest=Min("due_date"),
            **{
                key: Count(
                    "pk",
                    filter=Q(due_date__lte=on - datetime.timedelta(days=low))
                    & (Q() if high is None else Q(due_date__gte=on - datetime.timedelta(days=high))),
                )
                for key, _label, low, high in BANDS
            },
        )
        .order_by("oldest", "-overdue", "agency_id")
    )
    rows = list(rows)
    agencies = Agency.objects.in_bulk([row["agency_id"] for row in rows])
    result = []
    for row in rows:
        days_late = (on - row["oldest"]).days
        band, label = band_of(days_late)
        result.append(
            AgencyRow(
                agency=agencies[row["agency_id"]],
                overdue=row["overdue"],
                days_late=days_late,
                band=band,
                band_label=label,
                bands=[(key, label, row[key]) for key, label, *_ in BANDS],
            )
        )
    return result


def _live():
    """Active directives of a live source, heading-only rows included (the archived
    meetings and letters are a short list, not a join): counted_directives() and the
    heading-only rows among them (see _less_headings)."""
    return (
        Directive.objects.active()
        .exclude(meeting_id__in=Meeting.objects.filter(is_archived=True).values("pk"))
        .exclude(letter_id__in=Letter.objects.filter(is_archived=True).values("pk"))
    )


def _less_headings(rows: dict, headings, group: tuple, keys=_KEYS) -> dict:
    """``rows`` (group -> counts) less ``headings``, the same counts of the heading-only
    rows (a few thousand at most, from ``directive_heading_only_idx``): counted_directives()
    is _live() less heading_only()."""
    for heading in headings:
        row = rows.get(tuple(heading[name] for name in group))
        if row is not None:
            for key in keys:
                row[key] -= heading[key]
    return rows


def _grouped(on: datetime.date, queryset, group: tuple) -> list[tuple]:
    """(*group values, total, done, overdue) of ``queryset`` per ``group``: thousands of
    rows of plain integers, read as the driver gives them, without the per-value
    conversions of a QuerySet (most of the cost of iterating one here)."""
    finished = Q(state__in=FINISHED)
    counts = {
        "total": Count("state"),
        "done": Count("state", filter=finished),
        "overdue": Count("state", filter=Q(open_due_date__lt=on) & ~finished),
    }
    queryset = queryset.values(*group).annotate(**counts).values_list(*group, *counts).order_by()
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


_HEADING_GROUP = ("meeting_id", "letter_id", "strategy_id")


@dataclass(frozen=True)
class LeftOut:
    """What the grouped counts subtract, read once for all of them: the ids of the
    archived meetings and letters (usually none) and the heading-only rows of live
    sources counted per meeting, letter and strategy (_grouped rows)."""

    meetings: set
    letters: set
    headings: list[tuple]


def left_out(on: datetime.date) -> LeftOut:
    meetings, letters = archived_sources()
    headings = _grouped(on, _live().filter(ANY_STATE).filter(heading_only()), _HEADING_GROUP)
    return LeftOut(meetings, letters, headings)


def _counts(on: datetime.date, group: tuple, less: LeftOut) -> dict:
    """``counted_directives()``' numbers (as state_counts) per ``group`` (columns of
    ``directive_strategy_idx`` or ``directive_source_idx``), as {values: numbers}.

    Every active directive is counted from the index alone, in its order (grouped
    without a sort, no condition weighed per row but two counts'); then the rows of
    archived meetings and letters and the heading-only rows of live sources (``less``)
    are subtracted."""
    # is_archived IN (false): the same rows as active(), but an equality on the first
    # column of the index, which SQLite then reads (see the indexes).
    every = Directive.objects.filter(is_archived__in=[False])
    parts = [(_grouped(on, every, group), 1)]
    if less.meetings or less.letters:
        gone = every.filter(Q(meeting_id__in=less.meetings) | Q(letter_id__in=less.letters))
        parts.append((_grouped(on, gone, group), -1))
    columns = [_HEADING_GROUP.index(name) for name in group]
    parts.append(([(*(row[i] for i in columns), *row[-3:]) for row in less.headings], -1))
    sums: dict[tuple, list[int]] = {}
    for rows, sign in parts:
        for *key, total, done, overdue in rows:
            numbers = sums.setdefault(tuple(key), [0, 0, 0])
            numbers[0] += sign * total
            numbers[1] += sign * done
            numbers[2] += sign * overdue
    return {
        key: {"total": total, "open": total - done, "overdue": overdue, "done": done}
        for key, (total, done, overdue) in sums.items()
        if total
    }


def archived_sources() -> tuple[set, set]:
    """The ids of the archived meetings and of the archived letters (a short list), in
    one query."""
    rows = (
        Meeting.objects.filter(is_archived=True)
        .order_by()
        .values_list("pk", Value(True))
        .union(Letter.objects.filter(is_archived=True).order_by().values_list("pk", Value(False)), all=True)
    )
    meetings, letters = set(), set()
    for pk, is_meeting in rows:
        (meetings if is_meeting else letters).add(pk)
    return meetings, letters


def counts_by_strategy(on: datetime.date, less: LeftOut | None = None) -> dict:
    """strategy id (None: ไม่ระบุ) -> counted_directives()' numbers (state_counts)."""
    return {key[0]: row for key, row in _counts(on, ("strategy_id",), less or left_out(on)).items()}


_SOURCE = ("meeting_id", "letter_id")


def counts_by_source(on: datetime.date, less: LeftOut | None = None) -> dict:
    """(meeting id, letter id) -> counted_directives()' numbers (state_counts), for every
    live source with a counted directive (a few thousand rows: the kinds add up from them)."""
    return _counts(on, _SOURCE, less or left_out(on))


def by_strategy(on: datetime.date, less: LeftOut | None = None) -> list[dict]:
    """The six provincial strategies (and ไม่ระบุ) with their directives' state
    (``less``: left_out(on), when already read)."""
    numbers = counts_by_strategy(on, less)
    empty = dict.fromkeys(_KEYS, 0)
    result = [
        {"label": str(strategy), "number": strategy.number, **empty, **numbers.get(strategy.pk, {})}
        for strategy in Strategy.objects.all()
    ]
    if None in numbers:
        result.append({"label": "ไม่ระบุยุทธศาสตร์", "number": None, **numbers[None]})
    return result


def _source_order(row: dict) -> tuple:
    # Most overdue first, then most open; meetings before letters, then by id.
    return (-row["overdue"], -row["open"], row["meeting_id"] is None, row["meeting_id"] or 0, row["letter_id"] or 0)


def by_source(on: datetime.date, less: LeftOut | None = None) -> dict:
    """การประชุม vs หนังสือสั่งการ, and the meetings and letters with most overdue items
    (``less``: left_out(on), when already read)."""
    rows = [
        {"meeting_id": meeting_id, "letter_id": letter_id, **numbers}
        for (meeting_id, letter_id), numbers in counts_by_source(on, less).items()
    ]
    empty = dict.fromkeys(_KEYS, 0)
    kinds = {"meeting": dict(empty), "letter": dict(empty)}
    for row in rows:
        kind = kinds["meeting" if row["meeting_id"] else "letter"]
        for key in _KEYS:
            kind[key] += row[key]
    summary = [
        {"label": "การประชุม", "kind": "meeting", **kinds["meeting"]},
        {"label": "หนังสือสั่งการ", "kind": "letter", **kinds["letter"]},
    ]
    sources = [
        {name: row[name] for name in (*_SOURCE, *_KEYS)}
        for row in heapq.nsmallest(SOURCE_ROWS, rows, key=_source_order)
    ]
    meetings = Meeting.objects.select_related("series").in_bulk([r["meeting_id"] for r in sources if r["meeting_id"]])
    letters = Letter.objects.in_bulk([r["letter_id"] for r in sources if r["letter_id"]])
    for row in sources:
        row["source"] = meetings[row["meeting_id"]] if row["meeting_id"] else letters[row["letter_id"]]
    return {"summary": summary, "sources": sources}


_MONTH_KEYS = ("total", "done", "overdue", "waiting")


def by_month(on: datetime.date, year_be: int) -> list[dict]:
    """The fiscal year month by month: directives due in each month, split into done,
    overdue and not yet due (together: all due that month). Read from the index
    ``directive_due_idx`` (on the day each is due: its own date, else its open
    shares') over the year's range alone, less the heading-only rows."""
    first, last = fiscal_year_bounds(year_be)
    finished = Q(state__in=FINISHED)
    numbers = {
        "total": Count("state"),
        "done": Count("state", filter=finished),
        "overdue": Count("state", filter=~finished & Q(open_due_date__lt=on)),
        "waiting": Count("state", filter=~finished & (Q(open_due_date__isnull=True) | Q(open_due_date__gte=on))),
    }
    live = (
        _live()
        .annotate(due=Coalesce("due_date", "open_due_date"))
        .filter(due__gte=first, due__lte=last)
        .annotate(month=ExtractMonth("due"))
    )
    counts = {(row["month"],): row for row in live.values("month").annotate(**numbers).order_by()}
    headings = live.filter(ANY_STATE).filter(heading_only()).values("month").annotate(**numbers).order_by()
    counts = _less_headings(counts, headings, ("month",), _MONTH_KEYS)
    rows = []
    for month in FISCAL_MONTHS:
        year_ce = first.year if month >= 10 else last.year
        row = counts.get((month,), {})
        rows.append(
            {
                "month": month,
                "label": MONTH_ABBR[month],
                "year_label": thai.thai_digits(year_ce + 543),
                **{key: row.get(key, 0) for key in _MONTH_KEYS},
            }
        )
    return rows


def fiscal_year_range(on: datetime.date) -> tuple[int, int]:
    """The years the selector offers: from the fiscal year of the oldest meeting or
    letter (at most 20 years back) to next year."""
    current = fiscal_year_of(on)
    oldest = [
        value
        for value in (
            Meeting.objects.aggregate(first=Min("date"))["first"],
            Letter.objects.aggregate(first=Min("date"))["first"],
        )
        if value
    ]
    first = min([fiscal_year_of(day) for day in oldest] + [current])
    return max(first, current - 20), current + 1
