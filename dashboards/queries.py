"""The executive dashboard's numbers: each one aggregate query, whatever the row count.

Read-only; sits above ``directives`` and is never imported by it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, Min, OuterRef, Q
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
    rows = (
        Assignment.objects.filter(directive__is_archived=False)
        .overdue(on)
        .values("agency_id")
        .annotate(
            overdue=Count("pk"),
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


_GROUP = ("meeting_id", "letter_id", "strategy_id")


def counts_by_source_and_strategy(on: datetime.date) -> list[dict]:
    """``counted_directives()``' numbers (state_counts) per meeting or letter and strategy,
    from which by_strategy and by_source both add up: every active directive of a live
    source, counted from the index ``directive_dashboard_idx`` alone (the archived
    meetings and letters are a short list, not a join), less the heading-only rows
    among them (a handful, from ``directive_heading_only_idx``)."""
    counts = state_counts(on, column="state")
    live = (
        Directive.objects.active()
        .filter(ANY_STATE)
        .exclude(meeting_id__in=Meeting.objects.filter(is_archived=True).values("pk"))
        .exclude(letter_id__in=Letter.objects.filter(is_archived=True).values("pk"))
    )
    # is_archived IN (false): the same rows as active(), but an equality on the first
    # column of directive_dashboard_idx, which SQLite then reads (see the index).
    every = live.filter(is_archived__in=[False]).values(*_GROUP).annotate(**counts).order_by()
    rows = {tuple(row[name] for name in _GROUP): row for row in every}
    for heading in live.filter(heading_only()).values(*_GROUP).annotate(**counts).order_by():
        row = rows[tuple(heading[name] for name in _GROUP)]
        for key in _KEYS:
            row[key] -= heading[key]
    return [row for row in rows.values() if row["total"]]


def _summed(rows, key) -> dict:
    totals: dict = {}
    for row in rows:
        total = totals.setdefault(key(row), dict.fromkeys(_KEYS, 0))
        for name in _KEYS:
            total[name] += row[name]
    return totals


def by_strategy(on: datetime.date, rows: list[dict] | None = None) -> list[dict]:
    """The six provincial strategies (and ไม่ระบุ) with their directives' state
    (``rows``: counts_by_source_and_strategy(on), when already read)."""
    rows = counts_by_source_and_strategy(on) if rows is None else rows
    counts = _summed(rows, lambda row: row["strategy_id"])
    empty = dict.fromkeys(_KEYS, 0)
    result = [
        {"label": str(strategy), "number": strategy.number, **empty, **counts.get(strategy.pk, {})}
        for strategy in Strategy.objects.all()
    ]
    if None in counts:
        result.append({"label": "ไม่ระบุยุทธศาสตร์", "number": None, **counts[None]})
    return result


def by_source(on: datetime.date, rows: list[dict] | None = None) -> dict:
    """การประชุม vs หนังสือสั่งการ, and the meetings and letters with most overdue items
    (``rows``: counts_by_source_and_strategy(on), when already read)."""
    rows = counts_by_source_and_strategy(on) if rows is None else rows
    kinds = _summed(rows, lambda row: "meeting" if row["meeting_id"] else "letter")
    empty = dict.fromkeys(_KEYS, 0)
    summary = [
        {"label": "การประชุม", "kind": "meeting", **empty, **kinds.get("meeting", {})},
        {"label": "หนังสือสั่งการ", "kind": "letter", **empty, **kinds.get("letter", {})},
    ]
    per_source = _summed(rows, lambda row: (row["meeting_id"], row["letter_id"]))
    # Most overdue first, then most open; meetings before letters, then by id.
    ordered = sorted(
        per_source.items(),
        key=lambda item: (-item[1]["overdue"], -item[1]["open"], item[0][0] is None, item[0][0] or 0, item[0][1] or 0),
    )
    sources = [
        {"meeting_id": meeting_id, "letter_id": letter_id, **numbers}
        for (meeting_id, letter_id), numbers in ordered[:SOURCE_ROWS]
    ]
    meetings = Meeting.objects.select_related("series").in_bulk([r["meeting_id"] for r in sources if r["meeting_id"]])
    letters = Letter.objects.in_bulk([r["letter_id"] for r in sources if r["letter_id"]])
    for row in sources:
        row["source"] = meetings[row["meeting_id"]] if row["meeting_id"] else letters[row["letter_id"]]
    return {"summary": summary, "sources": sources}


def by_month(on: datetime.date, year_be: int) -> list[dict]:
    """The fiscal year month by month: directives due in each month, split into done,
    overdue and not yet due (together: all due that month)."""
    first, last = fiscal_year_bounds(year_be)
    finished = Q(state__in=FINISHED)
    counts = {
        row["month"]: row
        for row in counted_directives()
        .annotate(due=Coalesce("due_date", "open_due_date"))
        .filter(due__gte=first, due__lte=last)
        .annotate(month=ExtractMonth("due"))
        .values("month")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=finished),
            overdue=Count("pk", filter=~finished & Q(open_due_date__lt=on)),
            waiting=Count("pk", filter=~finished & (Q(open_due_date__isnull=True) | Q(open_due_date__gte=on))),
        )
        .order_by()
    }
    rows = []
    for month in FISCAL_MONTHS:
        year_ce = first.year if month >= 10 else last.year
        row = counts.get(month, {})
        rows.append(
            {
                "month": month,
                "label": MONTH_ABBR[month],
                "year_label": thai.thai_digits(year_ce + 543),
                **{key: row.get(key, 0) for key in ("total", "done", "overdue", "waiting")},
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
