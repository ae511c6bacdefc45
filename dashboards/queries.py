"""The executive dashboard's numbers: each one aggregate query, whatever the row count.

Read-only; sits above ``directives`` and is never imported by it.
"""

from __future__ import annotations

import datetime
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


def archived_sources() -> tuple[list, list]:
    """The ids of the archived meetings and of the archived letters (a short list, usually
    empty), in one query."""
    rows = (
        Meeting.objects.filter(is_archived=True)
        .order_by()
        .values_list("pk", Value(True))
        .union(Letter.objects.filter(is_archived=True).order_by().values_list("pk", Value(False)), all=True)
    )
    meetings, letters = [], []
    for pk, is_meeting in rows:
        (meetings if is_meeting else letters).append(pk)
    return meetings, letters


def _parts(archived: tuple[list, list] | None = None) -> list[tuple]:
    """counted_directives() as (rows, sign): every active directive, less those of the
    archived meetings and letters (``archived``: archived_sources(); none, usually) and
    less the heading-only rows of live sources.

    Counted apart, each part is read from an index alone: every active row from
    ``directive_strategy_idx`` or ``directive_source_idx`` in its order (grouped without
    a sort, no condition weighed per row but the counts'), the few others from
    ``directive_source_idx`` and ``directive_heading_only_idx``."""
    # is_archived IN (false): the same rows as active(), but an equality on the first
    # column of the indexes, which SQLite then reads (see the indexes).
    every = Directive.objects.filter(is_archived__in=[False])
    parts = [(every, 1)]
    meetings, letters = archived_sources() if archived is None else archived
    if meetings or letters:
        parts.append((every.filter(Q(meeting_id__in=meetings) | Q(letter_id__in=letters)), -1))
    parts.append((_live().filter(ANY_STATE).filter(heading_only()), -1))
    return parts


def _counted(on: datetime.date, sign: int = 1, only: Q | None = None) -> dict:
    """total / done / overdue of the state column for .annotate(), times ``sign``, of the
    rows matching ``only`` (open = total - done)."""
    finished = Q(state__in=FINISHED)
    late = Q(open_due_date__lt=on) & ~finished
    conditions = {"total": None, "done": finished, "overdue": late}
    counts = {}
    for key, condition in conditions.items():
        if only is not None:
            condition = only if condition is None else only & condition
        count = Count("state", filter=condition)
        counts[key] = count if sign == 1 else count * Value(sign)
    return counts


def _numbers(total: int, done: int, overdue: int) -> dict:
    return {"total": total, "open": total - done, "overdue": overdue, "done": done}


def counts_by_strategy_and_kind(on: datetime.date, archived: tuple[list, list] | None = None) -> dict:
    """(strategy id (None: ไม่ระบุ), "meeting" or "letter") -> counted_directives()'
    numbers (as state_counts), for the groups with any: one pass over
    ``directive_strategy_idx`` counting every directive and, apart, those of letters
    (a directive comes from a meeting or from a letter: the meetings' are the difference)."""
    from_letter = Q(meeting_id__isnull=True)
    sums: dict = {}
    for queryset, sign in _parts(archived):
        counts = {**_counted(on, sign), **{f"letter_{k}": v for k, v in _counted(on, sign, from_letter).items()}}
        for row in queryset.values("strategy_id").annotate(**counts).order_by():
            total = sums.setdefault(row["strategy_id"], dict.fromkeys(counts, 0))
            for key in counts:
                total[key] += row[key]
    result = {}
    for strategy_id, row in sums.items():
        letter = [row[f"letter_{key}"] for key in ("total", "done", "overdue")]
        meeting = [row[key] - value for key, value in zip(("total", "done", "overdue"), letter, strict=True)]
        for kind, (total, done, overdue) in (("meeting", meeting), ("letter", letter)):
            if total:
                result[strategy_id, kind] = _numbers(total, done, overdue)
    return result


_SOURCE = ("meeting_id", "letter_id")


def top_sources(on: datetime.date, archived: tuple[list, list] | None = None, count: int = SOURCE_ROWS) -> list[dict]:
    """The ``count`` meetings and letters with most overdue counted directives, then most
    open; meetings before letters, then by id; with their numbers (as state_counts).

    The parts (_parts) are counted per source and added up, ordered and cut in one
    query: a few rows leave the database, not one per source."""
    parts = [
        queryset.values(*_SOURCE).annotate(**_counted(on, sign)).values_list(*_SOURCE, "total", "done", "overdue")
        for queryset, sign in _parts(archived)
    ]
    union = parts[0].order_by().union(*(part.order_by() for part in parts[1:]), all=True)
    sql, params = union.query.sql_with_params()
    connection = connections[union.db]
    meeting, letter, total, done, overdue = map(connection.ops.quote_name, (*_SOURCE, "total", "done", "overdue"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {meeting}, {letter}, SUM({total}), SUM({done}), SUM({overdue}) FROM ({sql}) parts"
            f" GROUP BY {meeting}, {letter} HAVING SUM({total}) > 0"
            f" ORDER BY SUM({overdue}) DESC, SUM({total}) - SUM({done}) DESC, {meeting} IS NULL, {meeting}, {letter}"
            " LIMIT %s",
            (*params, count),
        )
        rows = cursor.fetchall()
    # SUM of counts: a numeric on PostgreSQL.
    return [{"meeting_id": row[0], "letter_id": row[1], **_numbers(*(int(value) for value in row[2:]))} for row in rows]


def by_strategy(on: datetime.date, rows: dict | None = None) -> list[dict]:
    """The six provincial strategies (and ไม่ระบุ) with their directives' state
    (``rows``: counts_by_strategy_and_kind(on), when already read)."""
    rows = counts_by_strategy_and_kind(on) if rows is None else rows
    numbers: dict = {}
    for (strategy_id, _kind), row in rows.items():
        total = numbers.setdefault(strategy_id, dict.fromkeys(_KEYS, 0))
        for key in _KEYS:
            total[key] += row[key]
    empty = dict.fromkeys(_KEYS, 0)
    result = [
        {"label": str(strategy), "number": strategy.number, **empty, **numbers.get(strategy.pk, {})}
        for strategy in Strategy.objects.all()
    ]
    if None in numbers:
        result.append({"label": "ไม่ระบุยุทธศาสตร์", "number": None, **numbers[None]})
    return result


def by_source(on: datetime.date, rows: dict | None = None, archived: tuple[list, list] | None = None) -> dict:
    """การประชุม vs หนังสือสั่งการ, and the meetings and letters with most overdue items
    (``rows``: counts_by_strategy_and_kind(on), when already read)."""
    rows = counts_by_strategy_and_kind(on, archived) if rows is None else rows
    kinds = {"meeting": dict.fromkeys(_KEYS, 0), "letter": dict.fromkeys(_KEYS, 0)}
    for (_strategy_id, kind), row in rows.items():
        for key in _KEYS:
            kinds[kind][key] += row[key]
    summary = [
        {"label": "การประชุม", "kind": "meeting", **kinds["meeting"]},
        {"label": "หนังสือสั่งการ", "kind": "letter", **kinds["letter"]},
    ]
    sources = top_sources(on, archived)
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
