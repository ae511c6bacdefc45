from __future__ import annotations

import datetime
import hashlib
import re
import uuid
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections, models, router
from django.db.models import Count, Exists, OuterRef, Q, prefetch_related_objects, signals
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from agencies.models import Agency, AgencyGroup
from lampang_tracker import limits, thai
from meetings.models import Letter, Meeting

from . import datacache

# ASCII digits only: Thai digits are turned into Arabic ones before the check, and
# other scripts' digits ("١", "²" is not even a digit to int()) are refused.
NUMBER_RE = re.compile(r"^\d{1,3}(\.\d{1,3}){0,3}$", re.ASCII)


def sort_key_for(number: str) -> str:
    """'7.10' -> '007.010': text order equals the office's numbering order."""
    return ".".join(part.zfill(3) for part in number.split("."))


def paragraphs_of(text: str) -> list[str]:
    """Each line the user typed is a paragraph; blank lines only separate them."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


PARAGRAPH_FROM_ONE = "ย่อหน้าเริ่มนับที่ ๑"


def paragraph_error(chosen: int, text: str) -> str | None:
    """The Thai message when parties are set beside a paragraph the text does not have
    (``chosen`` is 1-based; a text of no paragraph still has the first line)."""
    count = max(1, len(paragraphs_of(text)))
    if chosen < 1:
        return PARAGRAPH_FROM_ONE
    if chosen > count:
        return f"ข้อความมีเพียง {thai.thai_digits(count)} ย่อหน้า จึงพิมพ์หน่วยงานข้างย่อหน้าที่ {thai.thai_digits(chosen)} ไม่ได้"
    return None


def today() -> datetime.date:
    return timezone.localdate()


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "ยังไม่ดำเนินการ"
    IN_PROGRESS = "in_progress", "อยู่ระหว่างดำเนินการ"
    DONE = "done", "ดำเนินการแล้วเสร็จ"
    EXTENSION = "extension", "ขอขยายเวลา"
    CLOSED = "closed", "ยุติ/ปิดประเด็น"


# What an agency may report; CLOSED is the secretariat's decision on the directive.
AGENCY_STATUSES = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.DONE, Status.EXTENSION]


class Strategy(models.Model):  # ยุทธศาสตร์การพัฒนา
    number = models.PositiveIntegerField("ยุทธศาสตร์ที่", unique=True)
    name = models.CharField("ชื่อยุทธศาสตร์", max_length=300)
    goal = models.TextField("เป้าประสงค์", blank=True)

    class Meta:
        verbose_name = "ยุทธศาสตร์"
        verbose_name_plural = "ยุทธศาสตร์"
        ordering = ["number"]

    def __str__(self) -> str:
        return f"ยุทธศาสตร์ที่ {thai.thai_digits(self.number)} {self.name}"


class WithoutSearchText(models.Manager):
    """Rows are read without their search column (long, and only ever filtered on):
    lists that sort many rows then carry only the columns they show."""

    def get_queryset(self):
        return super().get_queryset().defer("search_text")


class DirectiveQuerySet(models.QuerySet):
    # A page this far down is read in two steps (see paged_by_ids).
    DEEP_OFFSET = 500

    def paged_by_ids(self, *, always: bool = False) -> DirectiveQuerySet:
        """For a paged list. A slice far down (``?page=2000``), or any slice with
        ``always``, reads the ids of its rows first, from the index alone, then those
        rows with their joins: the database then skips the rows before it in the index
        instead of joining each of them (a "deferred join"), and a searched list sorts
        the ids of its matches rather than whole rows. The page count is taken from
        ``directive_counts_idx``."""
        clone = self._chain()
        clone._paged_by_ids = "always" if always else True
        return clone

    def active_for_agency(self, agency: Agency) -> DirectiveQuerySet:
        """The active directives given to ``agency`` (an agency user's list).

        An EXISTS on the agency's share rather than a join: the database then reads the
        list's index (``directive_newest_idx``) in order and looks each row's share up,
        stopping at the end of the page, instead of joining all the agency's shares
        (thousands) and sorting them. Counted, with no other condition added, as the
        agency's shares less those of archived directives (two small index reads
        instead of a lookup per share)."""
        if self.query.where:
            raise ValueError("active_for_agency() starts from every directive")
        clone = self.active().filter(Exists(Assignment.objects.filter(directive=OuterRef("pk"), agency=agency)))
        clone._count_by_shares = (agency, clone.query.where.clone())
        return clone

    def _count_of_shares(self) -> int | None:
        """count() of an unchanged active_for_agency() (None for any other query)."""
        marked = getattr(self, "_count_by_shares", None)
        if marked is None or self._result_cache is not None or self.query.where != marked[1]:
            return None
        if self.query.distinct or self.query.combinator or self.query.is_sliced:
            return None
        agency, _ = marked
        return datacache.cached(
            "agency_list_count", (agency.pk,), lambda: self._shares_less_archived(agency), using=self.db
        )

    @staticmethod
    def _shares_less_archived(agency: Agency) -> int:
        shares = Assignment.objects.filter(agency=agency).count()
        # The archived few, from directive_archived_idx (its column needs a range for SQLite).
        archived = Directive.objects.filter(
            Exists(Assignment.objects.filter(directive=OuterRef("pk"), agency=agency)),
            is_archived=True,
            sort_key__gte="",
        ).count()
        return shares - archived

    def _matching_ids(self) -> list[int] | None:
        """A searched list's ids in order, read once for its count and its page on
        SQLite: the FTS5 index then runs once a request, and sorting its matches' ids
        costs less than a count and a page that each read the index. None on
        PostgreSQL, where a page is read in the list's order from its index (stopping
        at the page's end) and the count on its own: reading every match's id in
        order would sort them all."""
        if getattr(self, "_ids", None) is None:
            if connections[self.db].vendor != "sqlite":
                return None
            plain = self._chain()
            plain._paged_by_ids = False
            self._ids = list(plain.values_list("pk", flat=True))
        return self._ids

    def count(self) -> int:
        counted = self._count_of_shares()
        if counted is not None:
            return counted
        if not getattr(self, "_paged_by_ids", False) or self._result_cache is not None:
            return super().count()
        if self._paged_by_ids == "always" and not self.query.is_sliced:
            ids = self._matching_ids()
            if ids is not None:
                return len(ids)
            plain = self._chain()
            plain._paged_by_ids = False
            return plain.count()
        clone = self.filter(ANY_STATE)
        clone._paged_by_ids = False
        return clone._kept_count()

    def _kept_count(self) -> int:
        """count(), kept until the data changes (datacache): a list's "พบ … รายการ" is
        read again on every page and every sort of the same filters, and counting the
        active directives is most of an unfiltered page's time. Keyed by the count's
        SQL and parameters (so by the filters, the agency and the date they compare
        with); every table a list filters on is one datacache watches."""
        query = self.query.chain()
        query.clear_ordering(force=True)  # one count for every sort of the list
        try:
            sql, params = query.get_compiler(self.db).as_sql()
        except EmptyResultSet:  # a filter that matches nothing (.none(), an empty IN)
            return 0
        key = hashlib.blake2b(f"{sql}|{params!r}".encode(), digest_size=16).hexdigest()
        return datacache.cached("list_count", (key,), super().count, using=self.db)

    def _clone(self):
        clone = super()._clone()
        clone._paged_by_ids = getattr(self, "_paged_by_ids", False)
        clone._count_by_shares = getattr(self, "_count_by_shares", None)
        return clone

    def __getitem__(self, key):
        if (
            getattr(self, "_paged_by_ids", False)
            and isinstance(key, slice)
            and self._result_cache is None
            and (self._paged_by_ids == "always" or (key.start or 0) >= self.DEEP_OFFSET)
            and key.stop is not None
            and key.step is None
        ):
            plain = self._chain()
            plain._paged_by_ids = False
            if getattr(self, "_ids", None) is not None:  # counted already (count())
                ids = self._ids[key]
            else:
                ids = list(plain.values_list("pk", flat=True)[key])
            return self._rows_by_ids(plain, ids)
        return super().__getitem__(key)

    def _rows_by_ids(self, plain: DirectiveQuerySet, ids: list[int]) -> list:
        """The rows of ``ids`` (already filtered by ``plain``) in that order, with
        ``plain``'s joins, prefetches and columns; its conditions (a search, say) are
        not evaluated again unless per-row annotations need its query."""
        if plain.query.annotations:
            rows_qs = plain.order_by().filter(pk__in=ids)
        else:
            rows_qs = type(self)(self.model, using=self._db).filter(pk__in=ids)
            rows_qs.query.select_related = plain.query.select_related
            rows_qs.query.deferred_loading = plain.query.deferred_loading
            rows_qs._prefetch_related_lookups = plain._prefetch_related_lookups
        rows = {row.pk: row for row in rows_qs}
        return [rows[pk] for pk in ids if pk in rows]

    def active(self) -> DirectiveQuerySet:
        return self.filter(is_archived=False)

    # Each counted number is one condition (progress_condition), which both the
    # list's filter and the home page's count use.
    def open(self) -> DirectiveQuerySet:
        return self.filter(progress_condition("open"))

    def overdue(self, on: datetime.date | None = None) -> DirectiveQuerySet:
        return self.filter(progress_condition("overdue", on))

    def finished(self) -> DirectiveQuerySet:
        """เสร็จแล้ว / ปิดประเด็น."""
        return self.filter(progress_condition("done"))

    def due_soon(self, on: datetime.date | None = None) -> DirectiveQuerySet:
        return self.filter(progress_condition("due_soon", on))

    def unacknowledged(self) -> DirectiveQuerySet:
        """Directives with an agency that has not yet acknowledged its open share."""
        return self.filter(progress_condition("new"))

    def tracked(self) -> DirectiveQuerySet:
        """Directives whose progress is followed: not archived, and not a heading-only
        row (a heading with no text and no responsible party, such as ๗ ประเด็นอื่น ๆ,
        which only stands over its sub-items and is never counted)."""
        return self.active().exclude(heading_only())

    def progress(self, key: str, on: datetime.date | None = None) -> DirectiveQuerySet:
        """One of the counted numbers (see PROGRESS) of the directives as a whole."""
        return self.tracked().filter(progress_condition(key, on))

    def progress_counts(self, keys, on: datetime.date | None = None) -> dict[str, int]:
        """``{key: self.progress(key, on).count()}`` in two small queries: every active
        row per state, with the count of each condition other than open and done
        (counted from the index ``directive_counts_idx``, no row read), less the
        heading-only ones among them (from ``directive_heading_only_idx``), as tracked()
        = active() less heading_only()."""
        # COUNT(state), never NULL, so the same as COUNT(*): a column of the index, which
        # PostgreSQL can then count from alone (an id would send it to the table).
        # Grouped per state in the index's order: open and done are sums of the states'
        # plain counts, only the other keys weigh a condition on each row.
        by_state = {"open": lambda state: state not in FINISHED, "done": lambda state: state in FINISHED}
        others = [key for key in keys if key not in by_state]
        counts = {f"n_{key}": models.Count("state", filter=progress_condition(key, on)) for key in others}
        result = dict.fromkeys(keys, 0)
        for queryset, sign in ((self.active().filter(ANY_STATE), 1), (self.active().filter(heading_only()), -1)):
            for row in queryset.values("state").annotate(n=models.Count("state"), **counts).order_by():
                for key in keys:
                    if key in by_state:
                        result[key] += sign * row["n"] if by_state[key](row["state"]) else 0
                    else:
                        result[key] += sign * row[f"n_{key}"]
        return result

    def for_agency(self, agency: Agency) -> DirectiveQuerySet:
        return self.filter(assignments__agency=agency)

    def published(self) -> DirectiveQuerySet:
        """What the public open-data page may show: the directives of a meeting or a
        letter the secretariat has published (เผยแพร่), neither it nor they archived."""
        return self.filter(
            models.Q(meeting__is_published=True, meeting__is_archived=False)
            | models.Q(letter__is_published=True, letter__is_archived=False),
            is_archived=False,
        )

    def in_print_order(self) -> DirectiveQuerySet:
        return self.order_by("sort_key")

    def from_meetings(self) -> DirectiveQuerySet:
        return self.filter(meeting__isnull=False)

    def from_letters(self) -> DirectiveQuerySet:
        return self.filter(letter__isnull=False)

    def source_active(self) -> DirectiveQuerySet:
        """Directives whose meeting or letter is not archived."""
        return self.exclude(meeting__is_archived=True).exclude(letter__is_archived=True)

    def newest_source_first(self) -> DirectiveQuerySet:
        """Newest meeting or letter first (the columns copied from the source, so the
        order is read from the index ``directive_newest_idx``, not sorted per request)."""
        return self.order_by(*NEWEST_SOURCE_FIRST)


# The list's default order; ``directive_newest_idx`` holds the active rows in it.
NEWEST_SOURCE_FIRST = ("-source_date", "-source_number", "-letter_id", "-meeting_id", "sort_key")


# The numbers the home pages count and the lists filter by (?progress=<key>): the
# card and the list it opens use the same condition (progress_condition for
# directives, share_condition for agencies' shares), so they cannot disagree.
PROGRESS = {
    "open": "ยังไม่เสร็จ",
    "overdue": "เกินกำหนด",
    "done": "เสร็จแล้ว / ปิดประเด็น",
    "new": "ใหม่ ยังไม่รับทราบ",
    "due_soon": "ใกล้ครบกำหนด",
}
FINISHED = (Status.DONE, Status.CLOSED)
# Always true (the state is never empty or NULL, and every text sorts at or after
# ''), yet a range on the first column of directive_counts_idx: SQLite's planner only
# counts from a partial index given a constraint on its columns, and otherwise reads
# the whole table (PostgreSQL counts from the index either way).
ANY_STATE = Q(state__gte="")


def progress_condition(key: str, on: datetime.date | None = None) -> Q:
    """The condition of one counted number (PROGRESS) on a directive."""
    on = on or today()
    if key == "open":
        return ~Q(state__in=FINISHED)
    if key == "overdue":
        return Q(open_due_date__lt=on)
    if key == "done":
        return Q(state__in=FINISHED)
    if key == "due_soon":
        soon = on + datetime.timedelta(days=settings.DUE_SOON_DAYS)
        return ~Q(state__in=FINISHED) & Q(open_due_date__gte=on, open_due_date__lte=soon)
    if key == "new":
        return Q(Exists(Assignment.objects.unacknowledged().filter(directive=OuterRef("pk"))))
    raise KeyError(key)


def share_condition(key: str, on: datetime.date | None = None) -> Q:
    """The condition of one counted number (PROGRESS) on an agency's share."""
    on = on or today()
    # is_open IN (true) rather than is_open (and IN (false) rather than NOT is_open):
    # the same rows, but SQLite searches an index by the first form only.
    is_open, finished = Q(is_open__in=[True]), Q(is_open__in=[False])
    if key == "open":
        return is_open
    if key == "overdue":
        return is_open & Q(due_date__lt=on)
    if key == "done":
        return finished
    if key == "due_soon":
        return is_open & Q(due_date__gte=on, due_date__lte=on + datetime.timedelta(days=settings.DUE_SOON_DAYS))
    if key == "new":
        return is_open & Q(acknowledged_at__isnull=True)
    raise KeyError(key)


def heading_only() -> Q:
    """A heading with no text and no responsible party (never counted; see tracked())."""
    return Q(text="") & ~Exists(ResponsibleParty.objects.filter(directive=OuterRef("pk")))


class Directive(models.Model):  # ประเด็น / ข้อสั่งการ
    # A directive comes from a meeting or from a letter, never both (see source).
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="directives", verbose_name="การประชุม"
    )
    letter = models.ForeignKey(
        Letter, on_delete=models.PROTECT, null=True, blank=True, related_name="directives", verbose_name="หนังสือสั่งการ"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children", verbose_name="อยู่ภายใต้ข้อ"
    )
    number = models.CharField("ลำดับ", max_length=20, help_text="เช่น 7 หรือ 7.1")
    sort_key = models.CharField(max_length=40, editable=False, db_index=True)
    heading = models.CharField("หัวข้อ (ขีดเส้นใต้)", max_length=500, blank=True)
    text = models.TextField("ประเด็น / ข้อสั่งการ", blank=True)
    search_text = models.TextField(blank=True, default="", editable=False)  # thai.search_text of heading + text
    # The meeting's (or letter's) date and the meeting's ครั้งที่, copied here by save()
    # and by Meeting.save()/Letter.save() when they change: the list sorts both kinds
    # of source together, newest first, from one index instead of joining and sorting.
    source_date = models.DateField(null=True, blank=True, editable=False)
    source_number = models.PositiveIntegerField(null=True, blank=True, editable=False)
    due_date = models.DateField("กำหนดเสร็จ", null=True, blank=True)
    report_day = models.PositiveSmallIntegerField(
        "รายงานทุกวันที่", null=True, blank=True, help_text="เช่น 20 = รายงานทุกวันที่ ๒๐ ของเดือน"
    )
    report_until = models.DateField("รายงานจนถึง", null=True, blank=True)
    strategy = models.ForeignKey(
        Strategy, on_delete=models.SET_NULL, null=True, blank=True, related_name="directives", verbose_name="ยุทธศาสตร์"
    )
    parties_bulleted = models.BooleanField("แสดงเครื่องหมาย - หน้าหน่วยงาน", default=False)
    heading_apart = models.BooleanField(
        "พิมพ์หัวข้อแยกบรรทัด", default=False, help_text="หัวข้อขีดเส้นใต้อยู่บรรทัดของตัวเอง ไม่ต่อด้วยข้อความ"
    )
    # Derived from the assignments and the secretariat's decision by
    # services.directive_refresh(); kept as columns so the list filters fast.
    state = models.CharField("สถานะ", max_length=20, choices=Status.choices, default=Status.NOT_STARTED, editable=False)
    open_due_date = models.DateField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField("ปิดประเด็นเมื่อ", null=True, blank=True, editable=False)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    close_note = models.TextField("เหตุผลการปิดประเด็น", blank=True)
    is_archived = models.BooleanField("เก็บเข้าคลัง", default=False)
    # Moves on with every edit through services.directive_update; the edit form
    # carries the one it was opened at, so a save over someone else's is refused.
    version = models.PositiveIntegerField("ฉบับที่", default=1, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_text", "source_date", "source_number"])

    objects = WithoutSearchText.from_queryset(DirectiveQuerySet)()

    class Meta:
        verbose_name = "ข้อสั่งการ"
        verbose_name_plural = "ข้อสั่งการ"
        ordering = ["meeting", "letter", "sort_key"]
        constraints = [
            models.CheckConstraint(
                name="directive_one_source",
                condition=models.Q(meeting__isnull=False, letter__isnull=True)
                | models.Q(meeting__isnull=True, letter__isnull=False),
                violation_error_message="ข้อสั่งการต้องมาจากการประชุมหรือหนังสือสั่งการอย่างใดอย่างหนึ่ง",
            ),
            # NULLs are distinct, so each constraint binds only directives of its own source.
            models.UniqueConstraint(
                fields=["meeting", "number"],
                name="directive_number_unique_in_meeting",
                violation_error_message="ลำดับนี้มีอยู่แล้วในการประชุมนี้",
            ),
            models.UniqueConstraint(
                fields=["letter", "number"],
                name="directive_number_unique_in_letter",
                violation_error_message="ลำดับนี้มีอยู่แล้วในหนังสือฉบับนี้",
            ),
            models.CheckConstraint(
                name="directive_has_heading_or_text",
                condition=~models.Q(heading="", text=""),
                violation_error_message="กรุณากรอกหัวข้อหรือข้อความประเด็นอย่างน้อยหนึ่งอย่าง",
            ),
            models.CheckConstraint(
                name="directive_report_day_in_month",
                condition=models.Q(report_day__isnull=True) | models.Q(report_day__gte=1, report_day__lte=31),
                violation_error_message="วันที่รายงานต้องอยู่ระหว่าง ๑ ถึง ๓๑",
            ),
            models.CheckConstraint(
                name="directive_report_until_needs_day",
                condition=models.Q(report_until__isnull=True) | models.Q(report_day__isnull=False),
                violation_error_message="กรุณาระบุวันที่รายงานของทุกเดือนก่อนกำหนดวันสิ้นสุดการรายงาน",
            ),
        ]
        indexes = [
            models.Index(fields=["meeting", "sort_key"]),
            models.Index(fields=["letter", "sort_key"]),
            models.Index(fields=["state", "open_due_date"]),
            models.Index(fields=["due_date"]),
            # The lists count active directives on every page: a small index of just
            # those rows lets the count read it instead of the whole table.
            models.Index(fields=["id"], condition=models.Q(is_archived=False), name="directive_active_idx"),
            # The home page's counts (progress_counts): every active row's state and
            # due date from the index, and the few heading-only rows apart.
            models.Index(
                fields=["state", "open_due_date"], condition=models.Q(is_archived=False), name="directive_counts_idx"
            ),
            # The few archived rows, for the counts that leave them out (counted_by_agency);
            # on sort_key, as SQLite uses a partial index only given a range on its column.
            models.Index(fields=["sort_key"], condition=models.Q(is_archived=True), name="directive_archived_idx"),
            # The rows with no text (the heading-only ones among them, to subtract from
            # the counts above), with every column the home page and the dashboard count,
            # and those their conditions read: text and is_archived (always '' and false
            # here, so nearly free; SQLite reads them even so), id (to look for a
            # responsible party; PostgreSQL's index has no row id): both databases then
            # read the index alone.
            models.Index(
                fields=[
                    *("state", "open_due_date", "meeting", "letter", "strategy", "due_date"),
                    *("text", "is_archived", "id"),
                ],
                condition=models.Q(is_archived=False, text=""),
                name="directive_heading_only_idx",
            ),
            # The dashboard's numbers (dashboards.queries), each counted from an index alone,
            # grouped in its order (no sort of every row): per strategy, per meeting or
            # letter, and per month due. The first two are not partial but led by
            # is_archived: given is_archived IN (false), SQLite reads them.
            models.Index(
                fields=["is_archived", "strategy", "state", "open_due_date", "meeting", "letter"],
                name="directive_strategy_idx",
            ),
            models.Index(
                fields=["is_archived", "meeting", "letter", "state", "open_due_date"], name="directive_source_idx"
            ),
            # The open rows alone (a few thousand of 100 000), per state and source in
            # this order: the dashboard's overdue numbers and the order of its sources.
            models.Index(
                fields=["is_archived", "state", "meeting", "letter", "strategy", "open_due_date"],
                name="directive_open_idx",
            ),
            # The day each is due (its own date, else its open shares'; by_month) first:
            # one fiscal year is a range of it. due_date is there too, as PostgreSQL
            # reads an expression index alone only when the columns it uses are in it,
            # and is_archived (always false here) as SQLite reads it even so.
            models.Index(
                Coalesce("due_date", "open_due_date"),
                *("due_date", "state", "open_due_date", "meeting", "letter", "is_archived"),
                condition=models.Q(is_archived=False),
                name="directive_due_idx",
            ),
            # The list's default order (NEWEST_SOURCE_FIRST), active rows only: a page is
            # read off the index in order, not sorted from every row.
            models.Index(
                # id last: a deep page's ids come from the index alone (paged_by_ids).
                fields=["-source_date", "-source_number", "-letter", "-meeting", "sort_key", "id"],
                condition=models.Q(is_archived=False),
                name="directive_newest_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number_label} {self.heading or self.text[:60]}"

    SEARCH_FIELDS = ("heading", "text")

    def save(self, *args, **kwargs):
        self.sort_key = sort_key_for(self.number)
        thai.refresh_search_text(self, self.SEARCH_FIELDS, kwargs)
        self._copy_source_columns(kwargs)
        super().save(*args, **kwargs)

    def _copy_source_columns(self, save_kwargs: dict) -> None:
        """``source_date``/``source_number`` from the meeting or letter (a save limited
        to other columns leaves them alone)."""
        update_fields = save_kwargs.get("update_fields")
        if update_fields is not None:
            if not set(update_fields) & {"meeting", "letter", "meeting_id", "letter_id"}:
                return
            save_kwargs["update_fields"] = {*update_fields, "source_date", "source_number"}
        if self.meeting_id:
            self.source_date, self.source_number = self.meeting.date, self.meeting.number
        elif self.letter_id:
            self.source_date, self.source_number = self.letter.date, None

    @property
    def number_label(self) -> str:
        return thai.thai_digits(self.number)

    @property
    def source(self) -> Meeting | Letter | None:
        """The meeting or the letter this directive came from."""
        return self.meeting if self.meeting_id else self.letter

    @property
    def is_from_letter(self) -> bool:
        return self.letter_id is not None

    @property
    def source_label(self) -> str:
        """ "การประชุม… ครั้งที่ ๑๐/๒๕๖๐" or "หนังสือ ที่ มท ๐๘๑๐.๖/ว ๑๒๕๐๕ ลงวันที่ …"."""
        return str(self.source)

    @property
    def source_url(self) -> str:
        if self.letter_id:
            return reverse("letter_detail", args=[self.letter_id])
        return reverse("meeting_detail", args=[self.meeting_id])

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None

    def is_overdue(self, on: datetime.date | None = None) -> bool:
        return self.open_due_date is not None and self.open_due_date < (on or today())

    @property
    def reporting_cycle_label(self) -> str:
        if not self.report_day:
            return ""
        label = f"รายงานทุกวันที่ {thai.thai_digits(self.report_day)} ของเดือน"
        if self.report_until:
            label += f" จนถึง {thai.date_long(self.report_until)}"
        return label

    def clean(self) -> None:
        errors = {}
        if self.number and not NUMBER_RE.match(self.number):
            errors["number"] = "ลำดับต้องเป็นตัวเลข เช่น 7 หรือ 7.1"
        if self.parent_id and self.number and self.parent and not self.number.startswith(self.parent.number + "."):
            errors["number"] = (
                f"ลำดับของข้อย่อยต้องขึ้นต้นด้วย {self.parent.number_label}. เช่น {thai.thai_digits(self.parent.number + '.1')}"
            )
        if (
            self.parent_id
            and self.parent
            and (self.parent.meeting_id, self.parent.letter_id)
            != (
                self.meeting_id,
                self.letter_id,
            )
        ):
            errors["parent"] = "ข้อหลักต้องอยู่ในหนังสือฉบับเดียวกัน" if self.letter_id else "ข้อหลักต้องอยู่ในการประชุมเดียวกัน"
        if self.report_until and self.due_date is None and self.report_day is None:
            errors["report_day"] = "กรุณาระบุวันที่รายงาน"
        for name, limit in (("text", limits.DIRECTIVE_TEXT), ("close_note", limits.NOTE)):
            if len(getattr(self, name)) > limit:
                errors[name] = limits.too_long(len(getattr(self, name)), limit)
        if errors:
            raise ValidationError(errors)


class ResponsibleParty(models.Model):
    """One line of the หน่วยงานรับผิดชอบ column, printed exactly as written.

    A line names an agency, a group ("ทุกส่วนราชการ/หน่วยงาน"), or neither: a vague
    entry such as "ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง" is kept as free text only.
    """

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="parties")
    position = models.PositiveSmallIntegerField(default=0)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    group = models.ForeignKey(AgencyGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    label = models.CharField("ข้อความที่พิมพ์", max_length=300, blank=True)
    # Printed beside this paragraph of the directive's text (0: the first), as in the
    # office's table, where a later paragraph has parties of its own beside it.
    paragraph = models.PositiveSmallIntegerField("พิมพ์ข้างย่อหน้าที่", default=0)
    # A group narrowed to some of its members (e.g. ที่ได้รับการจัดสรรงบฯ); empty: all of them.
    chosen = models.ManyToManyField(Agency, blank=True, related_name="+", verbose_name="เฉพาะหน่วยงาน")
    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                name="party_agency_or_group_not_both",
                condition=models.Q(agency__isnull=True) | models.Q(group__isnull=True),
            ),
            models.CheckConstraint(
                name="party_names_something",
                condition=models.Q(agency__isnull=False) | models.Q(group__isnull=False) | ~models.Q(label=""),
            ),
        ]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        if self.label:
            return self.label
        return (self.agency or self.group).name


class AssignmentQuerySet(models.QuerySet):
    def for_agency(self, agency: Agency) -> AssignmentQuerySet:
        return self.filter(agency=agency)

    # Each counted number is one condition (share_condition), which both the list's
    # filter and the home page's count use.
    def open(self) -> AssignmentQuerySet:
        return self.filter(share_condition("open"))

    def done(self) -> AssignmentQuerySet:
        return self.filter(status=Status.DONE)

    def overdue(self, on: datetime.date | None = None) -> AssignmentQuerySet:
        return self.filter(share_condition("overdue", on))

    def due_soon(self, on: datetime.date | None = None) -> AssignmentQuerySet:
        return self.filter(share_condition("due_soon", on))

    def unacknowledged(self) -> AssignmentQuerySet:
        return self.filter(share_condition("new"))

    def finished(self) -> AssignmentQuerySet:
        """เสร็จแล้ว / ปิดประเด็น: done by the agency, or the directive was closed."""
        return self.filter(share_condition("done"))

    def counted(self) -> AssignmentQuerySet:
        """Assignments of directives the lists show (not archived)."""
        return self.filter(directive__is_archived=False)

    def progress(self, key: str, on: datetime.date | None = None) -> AssignmentQuerySet:
        """One of the counted numbers (see PROGRESS) of agencies' shares."""
        return self.counted().filter(share_condition(key, on))

    def progress_counts(self, keys, on: datetime.date | None = None) -> dict[str, int]:
        """``{key: self.progress(key, on).count()}`` in one query."""
        return self.counted().aggregate(**{key: models.Count("pk", filter=share_condition(key, on)) for key in keys})

    def reported(self) -> AssignmentQuerySet:
        return self.filter(Exists(ProgressReport.objects.filter(assignment=OuterRef("pk"))))

    def rollups(self, on: datetime.date | None = None) -> dict[int, Rollup]:
        """directive id -> how its agencies stand, in one query."""
        on = on or today()
        has_report = Exists(ProgressReport.objects.filter(assignment=OuterRef("pk")))
        rows = (
            self.annotate(has_report=has_report)
            .values("directive_id")
            .annotate(
                total=Count("pk"),
                reported=Count("pk", filter=Q(has_report=True)),
                overdue=Count("pk", filter=Q(is_open=True, due_date__lt=on)),
                finished=Count("pk", filter=Q(is_open=False)),
            )
            .order_by()
        )
        return {
            row["directive_id"]: Rollup(row["total"], row["reported"], row["overdue"], row["finished"]) for row in rows
        }

    def counts(self, on: datetime.date | None = None) -> dict[str, int]:
        on = on or today()
        return self.aggregate(
            open=models.Count("pk", filter=models.Q(is_open=True)),
            overdue=models.Count("pk", filter=models.Q(is_open=True, due_date__lt=on)),
            done=models.Count("pk", filter=models.Q(is_open=False)),
        )

    def counted_by_agency(self, on: datetime.date | None = None) -> list[dict]:
        """The rows of ``self.counted().counts_by_agency(on)`` in three cheap queries: every
        share per agency, open or not (counted in the order of a covering index led by
        agency and is_open: no condition weighed per row, no sort), the overdue
        ones per agency (a range of assignment_overdue_idx), less the numbers of archived
        directives' shares (a few, found through directive_archived_idx); agencies left
        with no counted share are dropped."""
        on = on or today()
        keys = ("open", "overdue", "done", "total")
        rows: dict[int, dict] = {}
        # COUNT(agency_id), never NULL: a column of the index, which PostgreSQL can then
        # count from alone (an id would send it to the table).
        for row in self.values("agency_id", "is_open").annotate(shares=models.Count("agency")).order_by():
            counts = rows.setdefault(row["agency_id"], {"agency_id": row["agency_id"], **dict.fromkeys(keys, 0)})
            counts["open" if row["is_open"] else "done"] += row["shares"]
            counts["total"] += row["shares"]
        for row in self.overdue(on).values("agency_id").annotate(shares=models.Count("agency")).order_by():
            rows[row["agency_id"]]["overdue"] = row["shares"]
        archived = Directive.objects.filter(is_archived=True, sort_key__gte="").values("pk")  # see ANY_STATE
        for row in self.filter(directive_id__in=archived).counts_by_agency(on).annotate(total=models.Count("pk")):
            for key in keys:
                rows[row["agency_id"]][key] -= row[key]
        return [row for row in rows.values() if row["total"]]

    def counts_by_agency(self, on: datetime.date | None = None):
        on = on or today()
        return (
            self.values("agency_id")
            .annotate(
                open=models.Count("pk", filter=models.Q(is_open=True)),
                overdue=models.Count("pk", filter=models.Q(is_open=True, due_date__lt=on)),
                done=models.Count("pk", filter=models.Q(is_open=False)),
            )
            .order_by()
        )


@dataclass(frozen=True)
class Rollup:
    """How the member agencies of one directive stand: "รายงานแล้ว ๑๒/๔๕ หน่วยงาน · เกินกำหนด ๓"."""

    total: int
    reported: int
    overdue: int
    finished: int

    @classmethod
    def of(cls, assignments, on: datetime.date | None = None) -> Rollup | None:
        """What ``rollups()`` gives for one directive, from its assignments already read,
        each with ``report_count`` (its number of reports): no query. None without any."""
        if not assignments:
            return None
        on = on or today()
        return cls(
            total=len(assignments),
            reported=sum(1 for a in assignments if a.report_count),
            overdue=sum(1 for a in assignments if a.is_open and a.due_date is not None and a.due_date < on),
            finished=sum(1 for a in assignments if not a.is_open),
        )

    @property
    def label(self) -> str:
        text = f"รายงานแล้ว {thai.thai_digits(self.reported)}/{thai.thai_digits(self.total)} หน่วยงาน"
        if self.overdue:
            text += f" · เกินกำหนด {thai.thai_digits(self.overdue)}"
        return text


class Assignment(models.Model):
    """One directive × one agency: each agency reports on its own share."""

    class Role(models.TextChoices):
        LEAD = "lead", "หน่วยงานหลัก"
        SUPPORT = "support", "หน่วยงานสนับสนุน"

    directive = models.ForeignKey(
        Directive, on_delete=models.PROTECT, related_name="assignments", verbose_name="ข้อสั่งการ"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="assignments", verbose_name="หน่วยงาน")
    role = models.CharField("บทบาท", max_length=10, choices=Role.choices, default=Role.LEAD)
    status = models.CharField(
        "สถานะ",
        max_length=20,
        choices=[(s.value, s.label) for s in AGENCY_STATUSES],
        default=Status.NOT_STARTED,
    )
    due_date = models.DateField("กำหนดเสร็จ", null=True, blank=True)
    # Derived: status is not DONE and the directive is not closed (services keep it).
    is_open = models.BooleanField(default=True, editable=False)
    acknowledged_at = models.DateTimeField("รับทราบเมื่อ", null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = "หน่วยงานที่รับผิดชอบ"
        verbose_name_plural = "หน่วยงานที่รับผิดชอบ"
        ordering = ["directive", "agency__print_order", "agency__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["directive", "agency"],
                name="assignment_one_per_agency",
                violation_error_message="หน่วยงานนี้ได้รับมอบหมายในข้อนี้แล้ว",
            ),
            models.CheckConstraint(
                name="assignment_status_valid",
                condition=models.Q(status__in=[s.value for s in AGENCY_STATUSES]),
            ),
        ]
        indexes = [
            # Covers the per-agency counts of the home pages (no table lookups).
            models.Index(fields=["agency", "is_open", "due_date", "status"], name="assignment_agency_counts"),
            # The overdue shares, a range, with their agency and directive (the dashboard's
            # overdue_by_agency reads nothing else).
            models.Index(fields=["is_open", "due_date", "agency", "directive"], name="assignment_overdue_idx"),
            models.Index(fields=["agency", "is_open", "updated_at"], name="assignment_agency_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.directive.number_label} – {self.agency}"

    def is_overdue(self, on: datetime.date | None = None) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < (on or today())


class ProgressReportQuerySet(models.QuerySet):
    def awaiting_review(self) -> ProgressReportQuerySet:
        """รายงานรอตรวจ: the secretariat's queue, of directives still listed."""
        return self.filter(review=ProgressReport.Review.PENDING, assignment__directive__is_archived=False)

    def awaiting_review_count(self) -> int:
        """``self.awaiting_review().count()`` without joining every pending report to its
        directive: the pending reports (counted from the index on ``review``) less those
        of archived directives (a few, found through directive_archived_idx)."""
        pending = self.filter(review=ProgressReport.Review.PENDING)
        archived = Directive.objects.filter(is_archived=True, sort_key__gte="").values("pk")  # see ANY_STATE
        shares = Assignment.objects.filter(directive_id__in=archived).values("pk")
        return pending.count() - pending.filter(assignment_id__in=shares).count()


# A directive's assignments (one agency's, or all) with their agencies, and the newest
# reports of each, numbered in each assignment (ROW_NUMBER over the index on assignment
# and date), with how many each has, their authors' names and whether they have files:
# one row per shown report, or one for an assignment without. Written out rather than
# built with the ORM (Window().filter() and select_related): the page asks it on every
# view and the ORM took longer to write it than the database to answer it.
LATEST_REPORTS_SQL = """
SELECT {share_columns}, {agency_columns}, {report_columns}, report.total,
       author.username, author.first_name, author.last_name,
       EXISTS (SELECT 1 FROM {files} file WHERE file.report_id = report.id) AS has_files
FROM {shares} share
JOIN {agencies} agency ON agency.id = share.agency_id
LEFT JOIN (
    SELECT {report_columns},
           ROW_NUMBER() OVER (
               PARTITION BY report.assignment_id ORDER BY report.created_at DESC, report.id DESC
           ) AS place,
           COUNT(*) OVER (PARTITION BY report.assignment_id) AS total
    FROM {reports} report
    JOIN {shares} of_share ON of_share.id = report.assignment_id
    WHERE of_share.directive_id = %s{of_share_agency}
) report ON report.assignment_id = share.id AND report.place <= %s
LEFT JOIN {users} author ON author.id = report.created_by_id
WHERE share.directive_id = %s{share_agency}
ORDER BY agency.print_order, agency.name, share.id, report.place
"""


class _Columns:
    """A model's columns in a hand-written query, read back as the ORM reads them
    (with the database's converters: SQLite hands dates back as text). Made once per
    connection, model and alias (``_Columns.of``), as Django keeps its models' meta."""

    @classmethod
    def of(cls, model, alias: str, connection, *, leave_out: tuple[str, ...] = ()) -> _Columns:
        made = connection.__dict__.setdefault("_written_out_columns", {})
        key = (model, alias, leave_out)
        if key not in made:
            made[key] = cls(model, alias, connection, leave_out=leave_out)
        return made[key]

    def __init__(self, model, alias: str, connection, *, leave_out: tuple[str, ...] = ()):
        self.model, self.connection = model, connection
        # A model with its own from_db or __init__ (meetings' CopiesSourceColumns) is
        # read through them.
        self.plain = model.from_db.__func__ is models.Model.from_db.__func__ and model.__init__ is models.Model.__init__
        fields = [f for f in model._meta.concrete_fields if f.name not in leave_out]
        self.names = [f.attname for f in fields]
        self.sql = ", ".join(f"{alias}.{connection.ops.quote_name(f.column)}" for f in fields)
        self.converters = []
        for field in fields:
            column = field.get_col(alias)
            self.converters.append(
                (column, connection.ops.get_db_converters(column) + column.get_db_converters(connection))
            )

    def __len__(self) -> int:
        return len(self.names)

    def load(self, values):
        converted = []
        for value, (column, converters) in zip(values, self.converters, strict=True):
            for converter in converters:
                value = converter(value, column, self.connection)
            converted.append(value)
        if not self.plain or signals.pre_init.has_listeners(self.model) or signals.post_init.has_listeners(self.model):
            return self.model.from_db(self.connection.alias, self.names, converted)
        # What from_db leaves, every column given, without Model.__init__'s walk over
        # the fields (its time, a hundred rows a page, was the loader's largest part).
        instance = self.model.__new__(self.model)
        instance.__dict__.update(zip(self.names, converted, strict=True))
        instance._state = state = models.base.ModelState()
        state.adding, state.db = False, self.connection.alias
        return instance


def _cache(instance: models.Model, name: str, related: models.Model | None) -> None:
    """``instance.<name> = related`` for a row just read, whose ``<name>_id`` is
    ``related``'s pk already: the cache alone, without the descriptor's checks."""
    instance._state.fields_cache[name] = related


PAGE_DIRECTIVE_SQL = """
SELECT {directive_columns}, {meeting_columns}, {series_columns}, {strategy_columns},
       EXISTS (SELECT 1 FROM {directives} child WHERE child.parent_id = d.id),
       (SELECT origin.item_id FROM {origins} origin WHERE origin.directive_id = d.id),
       (SELECT item.number FROM {origins} origin JOIN {items} item ON item.id = origin.item_id
        WHERE origin.directive_id = d.id),
       (SELECT parent.number FROM {directives} parent WHERE parent.id = d.parent_id){assigned}
FROM {directives} d
LEFT JOIN {meetings} meeting ON meeting.id = d.meeting_id
LEFT JOIN {series} series ON series.id = meeting.series_id
LEFT JOIN {strategies} strategy ON strategy.id = d.strategy_id
WHERE d.id = %s
"""
PAGE_DIRECTIVE_ASSIGNED_SQL = """,
       EXISTS (SELECT 1 FROM {shares} share WHERE share.directive_id = d.id AND share.agency_id = %s)"""


def page_directive(pk: int, *, agency: Agency | None = None) -> Directive | None:
    """The directive the directive page shows, or None: the directive with its meeting,
    series and strategy (without ``search_text``; with ``has_children``,
    ``origin_item_id``, ``origin_item_number``, ``parent_number``), and, given ``agency``, whether it is
    assigned to it (``assigned_to_actor``). Written out: the ORM took longer to write
    the query than the database to answer it."""
    connection = connections[router.db_for_read(Directive)]
    low, high = connection.ops.integer_field_range(Directive._meta.pk.get_internal_type())
    if not low <= pk <= high:
        return None  # as the ORM answers a pk out of the column's range: no row
    directives = _Columns.of(Directive, "d", connection, leave_out=("search_text",))
    meeting_model = Directive._meta.get_field("meeting").related_model
    series_model = meeting_model._meta.get_field("series").related_model
    meetings, series = (
        _Columns.of(meeting_model, "meeting", connection),
        _Columns.of(series_model, "series", connection),
    )
    strategies = _Columns.of(Strategy, "strategy", connection)
    origin = Directive._meta.get_field("origin").related_model
    sql = PAGE_DIRECTIVE_SQL.format(
        directive_columns=directives.sql,
        meeting_columns=meetings.sql,
        series_columns=series.sql,
        strategy_columns=strategies.sql,
        directives=Directive._meta.db_table,
        origins=origin._meta.db_table,
        items=origin._meta.get_field("item").related_model._meta.db_table,
        meetings=meeting_model._meta.db_table,
        series=series_model._meta.db_table,
        strategies=Strategy._meta.db_table,
        assigned=PAGE_DIRECTIVE_ASSIGNED_SQL.format(shares=Assignment._meta.db_table) if agency else "",
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [agency.pk, pk] if agency else [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    ends = [len(directives)]
    for columns in (meetings, series, strategies):
        ends.append(ends[-1] + len(columns))
    directive = directives.load(row[: ends[0]])
    meeting = None
    if directive.meeting_id:
        meeting = meetings.load(row[ends[0] : ends[1]])
        _cache(meeting, "series", series.load(row[ends[1] : ends[2]]) if meeting.series_id else None)
    _cache(directive, "meeting", meeting)
    _cache(directive, "strategy", strategies.load(row[ends[2] : ends[3]]) if directive.strategy_id else None)
    has_children, directive.origin_item_id, directive.origin_item_number, directive.parent_number, *assigned = row[
        ends[3] :
    ]
    directive.has_children = bool(has_children)
    if agency:
        directive.assigned_to_actor = bool(assigned[0])
    return directive


PARTIES_SQL = """
SELECT {party_columns}, {agency_columns}, {group_columns}{member_columns}
FROM {parties} party
LEFT JOIN {agencies} agency ON agency.id = party.agency_id
LEFT JOIN {groups} grp ON grp.id = party.group_id{member_join}
WHERE party.directive_id = %s
ORDER BY party.position, party.id{member_order}
"""
# With the members: a group line's active members, each saying whether it is chosen
# and whether any agency is (the narrowing form's boxes), one row per member.
PARTY_MEMBERS_SQL = {
    "columns": """, {member_columns},
       EXISTS (SELECT 1 FROM {chosen} chosen WHERE chosen.{chosen_party} = party.id AND chosen.{chosen_agency} = m.id),
       EXISTS (SELECT 1 FROM {chosen} chosen WHERE chosen.{chosen_party} = party.id)""",
    "join": """
LEFT JOIN (
    SELECT member.{member_group} AS of_group, {member_columns}
    FROM {members} member JOIN {agencies} m ON m.id = member.{member_agency}
    WHERE m.is_active
) m ON m.of_group = party.group_id""",
    "order": ", m.print_order, m.name",
}


def parties_of(directive: Directive, *, with_members: bool = False) -> list[ResponsibleParty]:
    """``directive.parties`` in their order, each with its agency or group: what
    ``parties.select_related("agency", "group")`` reads, written out for the directive
    page, which asks it on every view (the ORM took longer to write the query than the
    database to answer it). ``with_members``: each group line also gets its group's
    active members (``group_members``, as ``group_members_of`` reads them)."""
    connection = connections[router.db_for_read(ResponsibleParty)]
    parties = _Columns.of(ResponsibleParty, "party", connection)
    agencies, groups = _Columns.of(Agency, "agency", connection), _Columns.of(AgencyGroup, "grp", connection)
    members = _Columns.of(Agency, "m", connection)
    chosen, member_rows = ResponsibleParty.chosen.through._meta, AgencyGroup.members.through._meta
    names = {
        "member_columns": members.sql,
        "chosen": chosen.db_table,
        "chosen_party": chosen.get_field("responsibleparty").column,
        "chosen_agency": chosen.get_field("agency").column,
        "members": member_rows.db_table,
        "member_agency": member_rows.get_field("agency").column,
        "member_group": member_rows.get_field("agencygroup").column,
        "agencies": Agency._meta.db_table,
    }
    sql = PARTIES_SQL.format(
        party_columns=parties.sql,
        agency_columns=agencies.sql,
        group_columns=groups.sql,
        parties=ResponsibleParty._meta.db_table,
        agencies=Agency._meta.db_table,
        groups=AgencyGroup._meta.db_table,
        **{
            f"member_{part}": PARTY_MEMBERS_SQL[part].format(**names) if with_members else ""
            for part in ("columns", "join", "order")
        },
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [directive.pk])
        rows = cursor.fetchall()
    found: list[ResponsibleParty] = []
    ends = (len(parties), len(parties) + len(agencies), len(parties) + len(agencies) + len(groups))
    for row in rows:
        if not found or found[-1].pk != row[0]:
            party = parties.load(row[: ends[0]])
            _cache(party, "agency", agencies.load(row[ends[0] : ends[1]]) if party.agency_id else None)
            _cache(party, "group", groups.load(row[ends[1] : ends[2]]) if party.group_id else None)
            _cache(party, "directive", directive)
            if with_members:
                party.group_members = []
            found.append(party)
        if with_members and row[ends[2]] is not None:
            *values, is_chosen, any_chosen = row[ends[2] :]
            member = members.load(values)
            member.is_chosen, member.any_chosen = bool(is_chosen), bool(any_chosen)
            party.group_members.append(member)
    return found


GROUP_MEMBERS_SQL = """
SELECT {agency_columns},
       EXISTS (SELECT 1 FROM {chosen} chosen WHERE chosen.{chosen_party} = %s AND chosen.{chosen_agency} = agency.id),
       EXISTS (SELECT 1 FROM {chosen} chosen WHERE chosen.{chosen_party} = %s)
FROM {agencies} agency
JOIN {members} member ON member.{member_agency} = agency.id
WHERE member.{member_group} = %s AND agency.is_active
ORDER BY agency.print_order, agency.name
"""


def group_members_of(party: ResponsibleParty) -> list[Agency]:
    """The active members of ``party``'s group in their order (what
    ``party.group.members.filter(is_active=True)`` reads), each saying whether it is
    chosen (``is_chosen``) and whether any agency is (``any_chosen``), in one query
    written out for the directive page's narrowing form."""
    connection = connections[router.db_for_read(Agency)]
    agencies = _Columns.of(Agency, "agency", connection)
    chosen = ResponsibleParty.chosen.through._meta
    members = AgencyGroup.members.through._meta
    sql = GROUP_MEMBERS_SQL.format(
        agency_columns=agencies.sql,
        agencies=Agency._meta.db_table,
        chosen=chosen.db_table,
        chosen_party=chosen.get_field("responsibleparty").column,
        chosen_agency=chosen.get_field("agency").column,
        members=members.db_table,
        member_agency=members.get_field("agency").column,
        member_group=members.get_field("agencygroup").column,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [party.pk, party.pk, party.group_id])
        rows = cursor.fetchall()
    found = []
    for *values, is_chosen, any_chosen in rows:
        agency = agencies.load(values)
        agency.is_chosen, agency.any_chosen = bool(is_chosen), bool(any_chosen)
        found.append(agency)
    return found


def assignments_with_latest_reports(
    directive: Directive, count: int, *, agency: Agency | None = None
) -> list[Assignment]:
    """The assignments of ``directive`` (only ``agency``'s, given one) in the agencies'
    order, each with its agency, its number of reports (``report_count``) and its
    ``count`` newest (``latest_reports``, newest first, with author and files): in
    one query, and one more for the files when a shown report has some."""
    connection = connections[router.db_for_read(Assignment)]
    author_model = ProgressReport._meta.get_field("created_by").related_model
    shares, agencies = _Columns.of(Assignment, "share", connection), _Columns.of(Agency, "agency", connection)
    reports = _Columns.of(ProgressReport, "report", connection, leave_out=("search_text",))
    sql = LATEST_REPORTS_SQL.format(
        share_columns=shares.sql,
        agency_columns=agencies.sql,
        report_columns=reports.sql,
        files=Attachment._meta.db_table,
        shares=Assignment._meta.db_table,
        agencies=Agency._meta.db_table,
        reports=ProgressReport._meta.db_table,
        users=author_model._meta.db_table,
        of_share_agency=" AND of_share.agency_id = %s" if agency else "",
        share_agency=" AND share.agency_id = %s" if agency else "",
    )
    mine = [agency.pk] if agency else []
    with connection.cursor() as cursor:
        cursor.execute(sql, [directive.pk, *mine, count, directive.pk, *mine])
        rows = cursor.fetchall()
    assignments: list[Assignment] = []
    with_files = []
    # As a prefetch leaves it (read, and empty): the template asks nothing more.
    no_files = Attachment.objects.none()
    no_files._result_cache, no_files._prefetch_done = [], True
    ends = (len(shares), len(shares) + len(agencies), len(shares) + len(agencies) + len(reports))
    for row in rows:
        if not assignments or assignments[-1].pk != row[0]:
            assignment = shares.load(row[: ends[0]])
            _cache(assignment, "agency", agencies.load(row[ends[0] : ends[1]]))
            assignment.report_count, assignment.latest_reports = 0, []
            assignments.append(assignment)
        if row[ends[1]] is None:
            continue  # an assignment without reports
        total, username, first_name, last_name, has_files = row[ends[2] :]
        report = reports.load(row[ends[1] : ends[2]])
        assignment.report_count = total
        assignment.latest_reports.append(report)
        # The page's own rows: neither the assignment nor the author costs a query.
        _cache(report, "assignment", assignment)
        _cache(
            report,
            "created_by",
            author_model.from_db(
                connection.alias,
                ["id", "username", "first_name", "last_name"],
                [report.created_by_id, username, first_name, last_name],
            ),
        )
        if has_files:
            with_files.append(report)
        else:
            report._prefetched_objects_cache = {"attachments": no_files}
    prefetch_related_objects(with_files, "attachments")
    return assignments


class ProgressReport(models.Model):  # รายงานผลการดำเนินงาน — append-only
    class Review(models.TextChoices):
        PENDING = "pending", "รอตรวจ"
        ACCEPTED = "accepted", "รับรายงานแล้ว"
        RETURNED = "returned", "ส่งกลับให้แก้ไข"

    assignment = models.ForeignKey(Assignment, on_delete=models.PROTECT, related_name="reports")
    text = models.TextField("ผลการดำเนินงาน")
    search_text = models.TextField(blank=True, default="", editable=False)  # thai.search_text of text
    status = models.CharField("สถานะ", max_length=20, choices=[(s.value, s.label) for s in AGENCY_STATUSES])
    percent = models.PositiveSmallIntegerField("ร้อยละความคืบหน้า", null=True, blank=True)
    requested_due_date = models.DateField("ขอขยายเวลาถึง", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("รายงานเมื่อ", default=timezone.now)
    review = models.CharField("ผลการตรวจ", max_length=10, choices=Review.choices, default=Review.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField("ความเห็นฝ่ายเลขานุการ", blank=True)
    history = HistoricalRecords(excluded_fields=["search_text", "source_date", "source_number"])

    objects = WithoutSearchText()

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        verbose_name = "รายงานผลการดำเนินงาน"
        verbose_name_plural = "รายงานผลการดำเนินงาน"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                name="report_percent_0_100",
                condition=models.Q(percent__isnull=True) | models.Q(percent__lte=100),
                violation_error_message="ร้อยละต้องอยู่ระหว่าง ๐ ถึง ๑๐๐",
            ),
            models.CheckConstraint(
                name="report_status_valid",
                condition=models.Q(status__in=[s.value for s in AGENCY_STATUSES]),
            ),
            models.CheckConstraint(
                name="report_extension_has_date",
                condition=~models.Q(status="extension") | models.Q(requested_due_date__isnull=False),
                violation_error_message="การขอขยายเวลาต้องระบุวันที่ขอขยายถึง",
            ),
        ]
        indexes = [models.Index(fields=["assignment", "-created_at"]), models.Index(fields=["review", "created_at"])]

    def __str__(self) -> str:
        return f"รายงาน {self.assignment} {self.created_at:%Y-%m-%d}"

    SEARCH_FIELDS = ("text",)

    def save(self, *args, **kwargs):
        thai.refresh_search_text(self, self.SEARCH_FIELDS, kwargs)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        limits.check_lengths(self, text=limits.REPORT_TEXT, review_comment=limits.NOTE)


ALLOWED_UPLOAD_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "docx", "xlsx")


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is ours, not the user's: a random one, with the (checked) extension.
    ext = PurePath(filename).suffix.lower()
    return f"reports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{ext}"


class Attachment(models.Model):  # หลักฐานประกอบรายงาน
    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField()
    content_type = models.CharField(max_length=100)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "ไฟล์แนบ"
        verbose_name_plural = "ไฟล์แนบ"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name


def issued_followup_path(instance: FollowUpIssue, filename: str) -> str:
    return f"followups/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class FollowUpIssue(models.Model):  # รายงานผลการดำเนินงานที่ฝ่ายเลขานุการเผยแพร่แล้ว
    """A follow-up report the secretariat has issued to every agency: frozen as the
    PDF it was on that day. Agency users read other agencies' progress only here
    (and in circulated minutes), never in the live follow-up."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="followup_issues")
    as_of = models.DateField("ข้อมูล ณ วันที่")
    file = models.FileField(upload_to=issued_followup_path)
    filename = models.CharField(max_length=200)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField("เผยแพร่เมื่อ", default=timezone.now)

    class Meta:
        verbose_name = "รายงานติดตามผลที่เผยแพร่"
        verbose_name_plural = "รายงานติดตามผลที่เผยแพร่"
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return f"{self.meeting} ข้อมูล ณ {thai.date_long(self.as_of)}"


class DataVersion(models.Model):
    """One row whose token changes after every committed write to the tracked data
    (see datacache): the whole-table numbers are kept until it does."""

    token = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "รุ่นของข้อมูล"
        verbose_name_plural = "รุ่นของข้อมูล"

    def __str__(self) -> str:
        return str(self.token)
