"""The executive dashboard's numbers: each one aggregate query, whatever the row count.

Read-only; sits above ``directives`` and is never imported by it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connections
from django.db.models import Case, Count, Exists, F, Min, OuterRef, Q, Value, When
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


OPEN_STATES = [state for state in Status.values if state not in FINISHED]


@dataclass
class Passes:
    """The counts the dashboard's strategies and sources are added up from (read_passes),
    each part of _parts counted in two passes:

    - ``states``: (strategy id, state) -> [directives, of them from letters, overdue,
      overdue from letters]: every directive, grouped in the order of
      ``directive_strategy_idx`` (overdue: open_due_date before today, which only the
      open states' sums use);
    - ``sources``: (meeting id, letter id) -> [open, overdue]: the directives in an open
      state alone (a few thousand of 100 000), a range of ``directive_open_idx``.

    ``exact`` is false when a state outside Status is counted: the open rows are then
    not the complement of the finished ones, and the plain counts are used."""

    states: dict
    sources: dict
    exact: bool


def _add(sums: dict, key, values, sign: int = 1) -> None:
    total = sums.get(key)
    if total is None:
        total = sums[key] = [0] * len(values)
    for index, value in enumerate(values):
        total[index] += sign * value


def _rows(queryset) -> list[tuple]:
    """The rows of a values_list() query as the database gives them (counts and ids: no
    conversion needed, and thousands of rows)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def read_passes(on: datetime.date, archived: tuple[list, list] | None = None) -> Passes:
    (every, _sign), *less = _parts(archived)
    states: dict = {}
    sources: dict = {}
    late = Q(open_due_date__lt=on)
    by_state = {
        "n": Count("state"),
        "letters": Count("letter"),
        "late": Count("state", filter=late),
        "late_letters": Count("letter", filter=late),
    }
    for strategy_id, state, *values in _rows(every.values_list("strategy_id", "state").annotate(**by_state).order_by()):
        _add(states, (strategy_id, state), values)
    # Per state too: grouped in the order of directive_open_idx (no sort).
    rows = _rows(
        every.filter(state__in=OPEN_STATES)
        .values_list("state", "meeting_id", "letter_id")
        .annotate(n=Count("state"), late=Count("state", filter=late))
        .order_by()
    )
    for _state, meeting_id, letter_id, n, late_n in rows:
        source = sources.get((meeting_id, letter_id))
        if source is None:
            sources[meeting_id, letter_id] = [n, late_n]
        else:
            source[0] += n
            source[1] += late_n
    # The parts subtracted (a few thousand rows) in one pass each: per strategy and
    # state, and per source for the open ones (the finished ones' source left out, so
    # they fall into a few groups).
    is_open = Q(state__in=OPEN_STATES)
    for queryset, sign in less:
        rows = _rows(
            queryset.annotate(
                open_meeting=Case(When(is_open, then=F("meeting_id"))),
                open_letter=Case(When(is_open, then=F("letter_id"))),
            )
            .values_list("strategy_id", "state", "open_meeting", "open_letter")
            .annotate(**by_state)
            .order_by()
        )
        for strategy_id, state, meeting_id, letter_id, n, letters, late_n, late_letters in rows:
            _add(states, (strategy_id, state), (n, letters, late_n, late_letters), sign)
            if meeting_id is not None or letter_id is not None:
                _add(sources, (meeting_id, letter_id), (n, late_n), sign)
    known = set(OPEN_STATES) | set(FINISHED)
    exact = all(state in known for (_strategy, state), values in states.items() if values[0])
    return Passes(states=states, sources=sources, exact=exact)


def counts_by_strategy_and_kind(
    on: datetime.date, archived: tuple[list, list] | None = None, passes: Passes | None = None
) -> dict:
    """(strategy id (None: ไม่ระบุ), "meeting" or "letter") -> counted_directives()'
    numbers (as state_counts), for the groups with any: every directive and those of
    letters per strategy and state (a directive comes from a meeting or from a letter:
    the meetings' are the difference), the overdue ones from the open rows (Passes)."""
    passes = read_passes(on, archived) if passes is None else passes
    if not passes.exact:
        return _counts_by_strategy_and_kind_plain(on, archived)
    sums: dict = {}  # strategy -> [total, done, overdue, letter total, letter done, letter overdue]
    for (strategy_id, state), (n, letters, late, late_letters) in passes.states.items():
        if state in FINISHED:
            _add(sums, strategy_id, (n, n, 0, letters, letters, 0))
        else:
            _add(sums, strategy_id, (n, 0, late, letters, 0, late_letters))
    result = {}
    for strategy_id, row in sums.items():
        letter = row[3:]
        meeting = [row[index] - letter[index] for index in range(3)]
        for kind, (total, done, overdue) in (("meeting", meeting), ("letter", letter)):
            if total:
                result[strategy_id, kind] = _numbers(total, done, overdue)
    return result


def _counts_by_strategy_and_kind_plain(on: datetime.date, archived: tuple[list, list] | None = None) -> dict:
    """counts_by_strategy_and_kind with every number a filtered count (any state)."""
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


def _source_order(row: dict) -> tuple:
    """Most overdue, then most open; meetings before letters, then by id."""
    return (-row["overdue"], -row["open"], row["meeting_id"] is None, row["meeting_id"] or 0, row["letter_id"] or 0)


def top_sources(
    on: datetime.date,
    archived: tuple[list, list] | None = None,
    count: int = SOURCE_ROWS,
    passes: Passes | None = None,
) -> list[dict]:
    """The ``count`` meetings and letters with most overdue counted directives, then most
    open; meetings before letters, then by id; with their numbers (as state_counts).

    Both keys of the order are counts of open rows: when ``count`` sources or more have
    open directives, the open rows (Passes: a few thousand) order them all and the first
    ``count`` are then counted in full; otherwise (the rest have no open directive and
    follow in id order) every source is counted (_top_sources_plain)."""
    passes = read_passes(on, archived) if passes is None else passes
    ranked = [
        {"meeting_id": meeting_id, "letter_id": letter_id, "open": n, "overdue": late}
        for (meeting_id, letter_id), (n, late) in passes.sources.items()
        if n
    ]
    if not passes.exact or len(ranked) < count:
        return _top_sources_plain(on, archived, count)
    ranked = sorted(ranked, key=_source_order)[:count]
    meetings = [row["meeting_id"] for row in ranked if row["meeting_id"] is not None]
    letters = [row["letter_id"] for row in ranked if row["meeting_id"] is None]
    # The chosen sources' directives (a few hundred; none archived: a source with open
    # counted directives is live), the heading-only rows left out row by row.
    counted = Directive.objects.filter(is_archived__in=[False]).exclude(heading_only())
    finished = Q(state__in=FINISHED)
    numbers: dict = {}
    # Each a seek of directive_source_idx (is_archived, meeting, letter, ...).
    for chosen in (
        counted.filter(meeting_id__in=meetings) if meetings else None,
        counted.filter(meeting_id__isnull=True, letter_id__in=letters) if letters else None,
    ):
        if chosen is None:
            continue
        rows = chosen.values_list(*_SOURCE).annotate(n=Count("state"), done=Count("state", filter=finished)).order_by()
        for meeting_id, letter_id, *values in rows:
            _add(numbers, (meeting_id, letter_id), values)
    result = []
    for row in ranked:
        total, done = numbers[row["meeting_id"], row["letter_id"]]
        result.append(
            {"meeting_id": row["meeting_id"], "letter_id": row["letter_id"], **_numbers(total, done, row["overdue"])}
        )
    return result


def _top_sources_plain(
    on: datetime.date, archived: tuple[list, list] | None = None, count: int = SOURCE_ROWS
) -> list[dict]:
    """top_sources counting every source: the parts (_parts) are counted per source and
    added up, ordered and cut in one query: a few rows leave the database, not one per
    source."""
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


def by_source(
    on: datetime.date,
    rows: dict | None = None,
    archived: tuple[list, list] | None = None,
    passes: Passes | None = None,
) -> dict:
    """การประชุม vs หนังสือสั่งการ, and the meetings and letters with most overdue items
    (``rows``: counts_by_strategy_and_kind(on), when already read)."""
    rows = counts_by_strategy_and_kind(on, archived, passes) if rows is None else rows
    kinds = {"meeting": dict.fromkeys(_KEYS, 0), "letter": dict.fromkeys(_KEYS, 0)}
    for (_strategy_id, kind), row in rows.items():
        for key in _KEYS:
            kinds[kind][key] += row[key]
    summary = [
        {"label": "การประชุม", "kind": "meeting", **kinds["meeting"]},
        {"label": "หนังสือสั่งการ", "kind": "letter", **kinds["letter"]},
    ]
    sources = top_sources(on, archived, passes=passes)
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
