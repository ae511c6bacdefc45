"""The whole-table numbers of the secretariat's and executives' home pages and of the
dashboard are kept between requests (directives.datacache): after every kind of write
they must equal a plain recount, on SQLite and PostgreSQL.

These tests commit (TransactionTestCase): the token moves only when a write commits."""

from __future__ import annotations

import datetime
import io
from unittest import mock

from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.functions import Coalesce, ExtractMonth
from django.test import SimpleTestCase, TransactionTestCase
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency
from dashboards import queries
from directives import datacache, services
from directives.models import Assignment, DataVersion, Directive, ProgressReport, Status, today
from tests.base import TrackerTestCase

HOME_KEYS = ("open", "overdue", "done")


class WatchedStatementTests(SimpleTestCase):
    def test_it_sees_writes_to_the_tracked_tables_only(self):
        watched = [
            'INSERT INTO "directives_progressreport" ("text") VALUES (%s)',
            'INSERT OR IGNORE INTO "agencies_agency" ("name") VALUES (%s)',
            'UPDATE "directives_directive" SET "state" = %s WHERE "id" = %s',
            '  delete from "meetings_meeting" WHERE "id" IN (%s)',
            'DELETE FROM "directives_responsibleparty_chosen" WHERE "id" = %s',
        ]
        ignored = [
            'SELECT COUNT(*) FROM "directives_directive"',
            'INSERT INTO "directives_historicaldirective" ("id") VALUES (%s)',
            'UPDATE "directives_dataversion" SET "token" = %s WHERE "id" = 1',
            'UPDATE "django_session" SET "session_data" = %s',
            'INSERT INTO "notifications_notification" ("kind") VALUES (%s)',
        ]
        self.assertEqual([datacache.writes_watched_table(sql) for sql in watched], [True] * len(watched))
        self.assertEqual([datacache.writes_watched_table(sql) for sql in ignored], [False] * len(ignored))


def counts_tracked_rows(sql: str) -> bool:
    """An aggregate over the tracked tables (the nav's unread count of notifications is
    not one)."""
    return any(word in sql.upper() for word in ("COUNT(", "MIN(")) and '"directives_' in sql


def plain_counts(on: datetime.date, group: tuple) -> dict:
    """The counted directives (joined to their sources, heading-only rows left out)
    grouped the plain way: values of ``group`` -> numbers."""
    rows = queries.counted_directives().values(*group).annotate(**queries.state_counts(on)).order_by()
    return {tuple(row.pop(name) for name in group): row for row in rows}


def plain_by_strategy_and_kind(on: datetime.date) -> dict:
    """What counts_by_strategy_and_kind counts from its indexes, the plain way."""
    result: dict = {}
    for (strategy_id, meeting_id, _letter_id), row in plain_counts(
        on, ("strategy_id", "meeting_id", "letter_id")
    ).items():
        total = result.setdefault((strategy_id, "meeting" if meeting_id else "letter"), dict.fromkeys(row, 0))
        for key, value in row.items():
            total[key] += value
    return result


def plain_sources(on: datetime.date) -> list[dict]:
    """What top_sources orders in SQL, the plain way: every source, most overdue first,
    then most open; meetings before letters, then by id."""
    rows = [
        {"meeting_id": meeting_id, "letter_id": letter_id, **row}
        for (meeting_id, letter_id), row in plain_counts(on, ("meeting_id", "letter_id")).items()
    ]
    return sorted(
        rows,
        key=lambda r: (-r["overdue"], -r["open"], r["meeting_id"] is None, r["meeting_id"] or 0, r["letter_id"] or 0),
    )


def plain_months(on: datetime.date, year: int) -> dict:
    """What by_month counts from its index, the plain way: month -> numbers."""
    first, last = queries.fiscal_year_bounds(year)
    finished = Q(state__in=queries.FINISHED)
    rows = (
        queries.counted_directives()
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
    )
    return {row.pop("month"): row for row in rows}


def token() -> int:
    return DataVersion.objects.get(pk=1).token


class KeptNumbersTests(TransactionTestCase):
    """A day of the office's work, checking the kept numbers after every step."""

    def setUp(self):
        # The usual cast (committed here: every test starts from an empty database).
        TrackerTestCase.setUpTestData.__func__(type(self))
        datacache.bump()  # the flush between tests took the version row too

    # -- the numbers as the pages show them, and as a plain recount ------------

    def home_numbers(self, user) -> dict:
        self.client.force_login(user)
        context = self.client.get("/").context
        return {
            "cards": {card["key"]: card["count"] for card in context["cards"]},
            "by_agency": {row["agency"].pk: dict(row["cells"]) for row in context["by_agency"]},
            "pending": context.get("pending_reviews"),
        }

    def home_recount(self, on: datetime.date, *, secretariat: bool) -> dict:
        by_agency = {}
        for agency in Agency.objects.all():
            shares = Assignment.objects.for_agency(agency)
            if shares.counted().exists():
                by_agency[agency.pk] = {key: shares.progress(key, on).count() for key in HOME_KEYS}
        return {
            "cards": {key: Directive.objects.progress(key, on).count() for key in HOME_KEYS},
            "by_agency": by_agency,
            "pending": ProgressReport.objects.awaiting_review().count() if secretariat else None,
        }

    def dashboard_numbers(self) -> dict:
        self.client.force_login(self.executive)
        context = self.client.get("/dashboard/").context
        return {
            "agencies": [self._agency_row(item["row"]) for item in context["agencies"]],
            "strategies": [self._plain(row) for row in context["strategies"]],
            "kinds": [self._plain(row) for row in context["source_summary"]],
            "sources": [self._plain(row) for row in context["sources"]],
            "months": context["months"],
            "year": context["year"],
        }

    def dashboard_recount(self, on: datetime.date, year: int) -> dict:
        sources = queries.by_source(on)
        return {
            "agencies": [self._agency_row(row) for row in queries.overdue_by_agency(on)],
            "strategies": [self._plain(row) for row in queries.by_strategy(on)],
            "kinds": [self._plain(row) for row in sources["summary"]],
            "sources": [self._plain(row) for row in sources["sources"]],
            "months": queries.by_month(on, year),
            "year": year,
        }

    @staticmethod
    def _agency_row(row) -> tuple:
        return (row.agency.pk, row.agency.name, row.overdue, row.days_late, row.band, row.bands)

    @staticmethod
    def _plain(row: dict) -> dict:
        return {key: (str(value) if key == "source" else value) for key, value in row.items() if key != "bar"}

    def pages(self) -> dict:
        return {
            "secretariat": self.home_numbers(self.secretariat),
            "executive": self.home_numbers(self.executive),
            "dashboard": self.dashboard_numbers(),
        }

    def assertPagesRight(self, on: datetime.date | None = None) -> dict:
        """Every kept number equals a recount; the pages are then read again and must be
        served from the cache (no aggregate of directives in their SQL) with the same numbers."""
        on = on or today()
        shown = self.pages()
        self.assertEqual(shown["secretariat"], self.home_recount(on, secretariat=True))
        self.assertEqual(shown["executive"], self.home_recount(on, secretariat=False))
        self.assertEqual(shown["dashboard"], self.dashboard_recount(on, shown["dashboard"]["year"]))
        self.assertEqual(queries.counts_by_strategy_and_kind(on), plain_by_strategy_and_kind(on))
        self.assertEqual(queries.top_sources(on, count=10**6), plain_sources(on))
        year = shown["dashboard"]["year"]
        months = {
            row["month"]: {key: row[key] for key in ("total", "done", "overdue", "waiting")}
            for row in shown["dashboard"]["months"]
        }
        self.assertEqual({month: row for month, row in months.items() if row["total"]}, plain_months(on, year))
        with CaptureQueriesContext(connection) as queries_run:
            again = self.pages()
        self.assertEqual(again, shown)
        self.assertEqual([q["sql"] for q in queries_run.captured_queries if counts_tracked_rows(q["sql"])], [])
        return shown

    def step(self, before: dict, write, *, on: datetime.date | None = None) -> dict:
        """Do ``write``; the pages must show the recount, which must differ from before."""
        write()
        after = self.assertPagesRight(on)
        self.assertNotEqual(after, before)
        return after

    # -- the day ---------------------------------------------------------------

    def test_the_kept_numbers_follow_every_write(self):
        shown = self.assertPagesRight()
        created = {}

        def create():
            created["directive"] = services.directive_create(
                meeting=self.meeting,
                number="5",
                text="ขอให้สำรวจความเสียหายจากอุทกภัย",
                due_date=today() - datetime.timedelta(days=9),
                parties=services.parties_from(agencies=[self.agency_a]),
                by=self.secretariat,
            )

        shown = self.step(shown, create)
        directive = created["directive"]

        def assign():
            services.directive_update(
                directive=directive,
                parties=services.parties_from(agencies=[self.agency_a], groups=[self.group]),
                by=self.secretariat,
            )

        shown = self.step(shown, assign)

        def report():
            created["report"] = services.progress_report(
                assignment=directive.assignments.get(agency=self.agency_a),
                text="สำรวจแล้วเสร็จ",
                status=Status.DONE,
                by=self.user_a,
            )

        shown = self.step(shown, report)
        shown = self.step(
            shown, lambda: services.report_review(report=created["report"], accept=True, by=self.secretariat)
        )
        shown = self.step(shown, lambda: services.directive_close(directive=directive, note="ยุติ", by=self.secretariat))
        shown = self.step(
            shown,
            lambda: services.directive_reopen(directive=Directive.objects.get(pk=directive.pk), by=self.secretariat),
        )

        def move_due_date():
            services.directive_update(
                directive=Directive.objects.get(pk=directive.pk),
                due_date=today() + datetime.timedelta(days=20),
                by=self.secretariat,
            )

        shown = self.step(shown, move_due_date)

        def archive():
            # self.directive has a report awaiting review: the queue's count drops too.
            row = Directive.objects.get(pk=self.directive.pk)
            row.is_archived = True
            row.save()

        shown = self.step(shown, archive)
        # A bulk update bypasses save() and its signals; the connection still sees it.
        shown = self.step(shown, lambda: Directive.objects.filter(pk=self.directive.pk).update(is_archived=False))

        def archive_meeting():
            self.meeting.is_archived = True
            self.meeting.save()

        self.step(shown, archive_meeting)

    def test_the_numbers_are_counted_again_after_midnight(self):
        tomorrow_late = today() + datetime.timedelta(days=31)  # self.directive falls due in 30 days
        shown = self.assertPagesRight()
        with (
            mock.patch("directives.views.today", return_value=tomorrow_late),
            mock.patch("dashboards.views.today", return_value=tomorrow_late),
        ):
            later = self.assertPagesRight(tomorrow_late)
        self.assertNotEqual(later["executive"]["cards"]["overdue"], shown["executive"]["cards"]["overdue"])

    def test_a_bulk_load_of_demo_data_is_counted(self):
        shown = self.assertPagesRight()
        self.step(shown, lambda: call_command("generate_demo_data", "--directives=60", "--seed=3", verbosity=0))

    def test_a_rolled_back_write_changes_nothing_and_leaves_the_token(self):
        self.assertPagesRight()
        before = token()
        with self.assertRaises(services.DomainError), transaction.atomic():
            Directive.objects.filter(pk=self.directive.pk).update(state=Status.DONE)
            raise services.DomainError("ย้อนกลับ")
        self.assertEqual(token(), before)
        self.assertPagesRight()

    def test_a_transaction_that_wrote_reads_its_own_numbers(self):
        self.assertPagesRight()  # cached now
        with transaction.atomic():
            Directive.objects.filter(pk=self.directive.pk).update(state=Status.DONE)
            done = self.home_numbers(self.executive)["cards"]["done"]
            self.assertEqual(done, Directive.objects.progress("done").count())
            transaction.set_rollback(True)
        self.assertEqual(self.home_numbers(self.executive)["cards"]["done"], done - 1)

    def test_a_write_outside_the_application_is_seen_after_forget_kept_numbers(self):
        shown = self.assertPagesRight()
        # psql or sqlite3 on the side: not through Django's connection, so unseen.
        cursor = connection.connection.cursor()
        cursor.execute(f"UPDATE directives_directive SET state = 'done' WHERE id = {self.directive.pk}")
        cursor.close()
        self.assertEqual(self.home_numbers(self.executive), shown["executive"])
        call_command("forget_kept_numbers", stdout=io.StringIO())
        after = self.assertPagesRight()
        self.assertEqual(after["executive"]["cards"]["done"], shown["executive"]["cards"]["done"] + 1)
