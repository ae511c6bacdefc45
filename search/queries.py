"""Site search over what a user may read: directives, progress reports, minutes
(sections and items), letters and agencies.

Each kind is read from its own ``search_text`` column (filled by the model's save,
which every service goes through; rebuilt by ``manage.py rebuild_search_index``),
with the same access rules as the pages the results link to: an agency user finds
only the directives and reports of their own agency and only their own agency.
Results are ranked by how many query words they hold as whole words,
then newest first."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F
from django.urls import reverse
from django.utils.safestring import SafeString

from agencies.models import Agency
from directives.models import Directive, ProgressReport
from lampang_tracker import fulltext, thai
from meetings.models import Letter
from minutes.models import AgendaItem, AgendaSection

from .highlight import highlight

PER_KIND = 20
# A query with fewer matches than this (in a kind) has them ranked at once.
RANK_AT_ONCE = 200


@dataclass
class Hit:
    title: str
    where: str
    url: str
    snippet: SafeString


@dataclass
class Group:
    key: str
    label: str
    hits: list[Hit] = field(default_factory=list)
    more: bool = False  # more than PER_KIND matched


def _take(queryset, words: list[str]) -> tuple[list, bool]:
    """The first PER_KIND hits of ``queryset`` by rank, then newest; and whether there are more."""
    rows = ranked(queryset.defer("search_text"), words, PER_KIND + 1)
    return rows[:PER_KIND], len(rows) > PER_KIND


def ranked(queryset, words: list[str], limit: int) -> list:
    """The first ``limit`` rows of ``queryset`` holding ``words``, by how many of them
    they hold as whole words (thai.search_rank), then newest first.

    Read rank by rank (thai.rank_levels), each level newest first from the index
    (fulltext.newest), so a common word costs the rows shown rather than all of its
    thousands of rows ranked and sorted; a query of many distinct words, ranked at once.

    On SQLite a rare query's few matches (all found by one look at the index) are
    ranked at once too. PostgreSQL reads a level in the primary key's order or from
    its trigram index as it estimates the level's rows; for two words it takes them
    to be independent, and a level it expects to be common but that two words
    seldom share is read row by row to the end: there only a one-word query is read
    by levels."""
    everything = [fulltext.Term(tuple(thai.search_needles(words)))]
    indexed = fulltext.indexed(queryset, everything) is not None
    levels = thai.rank_levels(words, most=thai.MAX_LEVELLED_WORDS if indexed else 1)
    if levels is not None and len(levels) > 1 and indexed:
        ids = fulltext.newest_ids(queryset, everything, RANK_AT_ONCE)
        if len(ids) < RANK_AT_ONCE:
            queryset, levels = queryset.filter(pk__in=ids), None
    if levels is None:
        return list(
            queryset.filter(thai.search_condition(words))
            .annotate(rank=thai.search_rank(words))
            .order_by("-rank", "-pk")[:limit]
        )
    rows: list = []
    for terms in levels:
        rows.extend(fulltext.newest(queryset, terms, limit - len(rows)))
        if len(rows) >= limit:
            break
    return rows


def directives(actor, words: list[str]) -> Group:
    qs = Directive.objects.active().source_active().select_related("meeting__series", "letter")
    if actor.is_agency:
        qs = qs.filter(assignments__agency=actor.agency)
    rows, more = _take(qs, words)
    return Group(
        "directives",
        "ข้อสั่งการ",
        [
            Hit(
                title=f"ข้อ {d.number_label} {thai.clean(d.heading or d.text[:80])}",
                where=d.source_label,
                url=reverse("directive_detail", args=[d.pk]),
                snippet=highlight(f"{d.heading} {d.text}", words),
            )
            for d in rows
        ],
        more,
    )


def reports(actor, words: list[str]) -> Group:
    qs = ProgressReport.objects.filter(assignment__directive__is_archived=False).select_related(
        "assignment__agency", "assignment__directive__meeting__series", "assignment__directive__letter"
    )
    if actor.is_agency:
        qs = qs.filter(assignment__agency=actor.agency)
    rows, more = _take(qs, words)
    hits = []
    for r in rows:
        directive = r.assignment.directive
        hits.append(
            Hit(
                title=f"รายงานผลของ{r.assignment.agency.name} วันที่ {thai.date_short(r.created_at.date())}",
                where=f"ข้อสั่งการ ข้อ {directive.number_label} · {directive.source_label}",
                url=reverse("assignment_detail", args=[r.assignment_id]),
                snippet=highlight(r.text, words),
            )
        )
    return Group("reports", "รายงานผลการดำเนินงาน", hits, more)


def minutes(actor, words: list[str]) -> Group:
    items = AgendaItem.objects.filter(section__minutes__meeting__is_archived=False).select_related(
        "section__minutes__meeting__series"
    )
    sections = AgendaSection.objects.filter(minutes__meeting__is_archived=False).select_related(
        "minutes__meeting__series"
    )
    item_rows, more_items = _take(items, words)
    section_rows, more_sections = _take(sections, words)
    more = more_items or more_sections or len(section_rows) + len(item_rows) > PER_KIND
    # Only the hits shown are highlighted (sections first, then items, PER_KIND in all).
    section_rows = section_rows[:PER_KIND]
    item_rows = item_rows[: PER_KIND - len(section_rows)]
    hits = []
    for s in section_rows:
        meeting = s.minutes.meeting
        hits.append(
            Hit(
                title=thai.clean(s.heading),
                where=f"รายงานการประชุม {meeting}",
                url=reverse("minutes_detail", args=[meeting.pk]),
                snippet=highlight(f"{s.title} {s.body} {s.resolution}", words),
            )
        )
    for i in item_rows:
        meeting = i.section.minutes.meeting
        hits.append(
            Hit(
                title=f"เรื่อง {i.number_label} {thai.clean(i.title or i.presenter)}",
                where=f"รายงานการประชุม {meeting} · {i.section.heading}",
                url=reverse("minutes_detail", args=[meeting.pk]),
                snippet=highlight(f"{i.presenter} {i.title} {i.body} {i.resolution}", words),
            )
        )
    return Group("minutes", "รายงานการประชุม", hits, more)


def letters(actor, words: list[str]) -> Group:
    rows, more = _take(Letter.objects.active(), words)
    return Group(
        "letters",
        "หนังสือสั่งการ",
        [
            Hit(
                title=thai.clean(letter.subject),
                where=str(letter),
                url=reverse("letter_detail", args=[letter.pk]),
                snippet=highlight(f"{letter.sender} {letter.subject} {letter.body}", words),
            )
            for letter in rows
        ],
        more,
    )


def agencies(actor, words: list[str]) -> Group:
    """Agencies are few (a province's offices): matched in Python on their normalised
    names. An agency user finds only their own agency, as on its page."""
    qs = Agency.objects.all()
    if actor.is_agency:
        qs = qs.filter(pk=actor.agency.pk)
    elif not actor.reads_all:
        qs = qs.none()
    hits = []
    for agency in qs.order_by(F("name").asc()):
        if thai.search_matches_parts((agency.name, agency.short_name, agency.head_position), words):
            hits.append(
                Hit(
                    title=agency.name,
                    where="หน่วยงาน",
                    url=reverse("agency_detail", args=[agency.pk]),
                    snippet=highlight(agency.short_name, words),
                )
            )
    return Group("agencies", "หน่วยงาน", hits[:PER_KIND], len(hits) > PER_KIND)


def search(actor, query: str) -> tuple[list[str], list[Group]]:
    """The query's words and, for each kind, its best hits."""
    words = thai.query_words(query)
    if not words:
        return [], []
    groups = [directives(actor, words), reports(actor, words), minutes(actor, words), letters(actor, words)]
    groups.append(agencies(actor, words))
    return words, groups
