"""The executive dashboard (/dashboard/): overdue by agency in bands, by strategy, by
source, month by month over the fiscal year; counts by aggregate query."""

from __future__ import annotations

import datetime
import re
from unittest import mock

from django.test import SimpleTestCase

from dashboards import queries
from directives import services
from directives.models import Directive, Strategy, today
from meetings.models import Letter, Meeting
from meetings.services import letter_create
from tests.base import SpreadMixin, TrackerTestCase
from tests.test_kept_numbers import plain_by_strategy_and_kind, plain_months, plain_sources

URL = "/dashboard/"


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


class FiscalYearTests(SimpleTestCase):
    def test_it_starts_the_fiscal_year_on_the_first_of_october(self):
        self.assertEqual(queries.fiscal_year_of(datetime.date(2025, 9, 30)), 2568)
        self.assertEqual(queries.fiscal_year_of(datetime.date(2025, 10, 1)), 2569)
        self.assertEqual(queries.fiscal_year_bounds(2569), (datetime.date(2025, 10, 1), datetime.date(2026, 9, 30)))

    def test_it_puts_days_late_into_the_three_bands(self):
        self.assertEqual(
            [queries.band_of(n)[1] for n in (1, 6, 7, 14, 15, 400)], ["เฝ้าระวัง"] * 2 + ["รุนแรง"] * 2 + ["วิกฤต"] * 2
        )


class DashboardData(SpreadMixin, TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # The base cast: directive_b of agency B is 3 days late (เฝ้าระวัง).
        cls.strategies = [Strategy.objects.create(number=n, name=f"ยุทธศาสตร์ทดสอบ {n}") for n in range(1, 7)]
        cls.critical = services.directive_create(
            meeting=cls.meeting,
            number="3",
            text="ขอให้เร่งรัดการเบิกจ่ายงบประมาณ",
            due_date=days(-20),
            strategy=cls.strategies[1],
            parties=services.parties_from(agencies=[cls.district]),
            by=cls.secretariat,
        )
        cls.severe = services.directive_create(
            meeting=cls.meeting,
            number="4",
            text="ขอให้จัดทำแผนป้องกันไฟป่า",
            due_date=days(-8),
            strategy=cls.strategies[1],
            parties=services.parties_from(agencies=[cls.agency_a]),
            by=cls.secretariat,
        )
        # ๗ ประเด็นอื่น ๆ: a heading-only row whose sub-item is late; only the sub-item counts.
        cls.heading = services.directive_create(
            meeting=cls.meeting, number="7", heading="ประเด็นอื่น ๆ", by=cls.secretariat
        )
        services.directive_create(
            meeting=cls.meeting,
            number="7.1",
            parent=cls.heading,
            text="ขอให้ประชาสัมพันธ์งานกาชาด",
            due_date=days(-1),
            parties=services.parties_from(agencies=[cls.agency_b]),
            by=cls.secretariat,
        )
        cls.letter = letter_create(
            number="มท ๐๘๑๐.๖/ว ๑๒๕๐๕", date=datetime.date(2024, 12, 7), subject="ซอฟต์พาวเวอร์", by=cls.secretariat
        )
        services.directive_create(
            letter=cls.letter,
            number="1",
            text="ขอให้จังหวัดขับเคลื่อนซอฟต์พาวเวอร์",
            due_date=days(40),
            strategy=cls.strategies[0],
            parties=services.parties_from(agencies=[cls.agency_a]),
            by=cls.secretariat,
        )


class DashboardTests(DashboardData):
    def get(self, query: str = "", user=None):
        self.login(user or self.executive)
        return self.client.get(URL + query)

    def test_it_is_for_executives_and_the_secretariat_only(self):
        self.assertEqual(self.get(user=self.executive).status_code, 200)
        self.assertEqual(self.get(user=self.secretariat).status_code, 200)
        self.assertEqual(self.get(user=self.user_a).status_code, 403)
        self.login(None)
        self.assertLoginRedirect(self.client.get(URL), URL)
        self.login(self.executive)
        self.assertEqual(self.client.post(URL).status_code, 405)

    def test_it_is_linked_from_the_navigation_of_executives_and_the_secretariat_only(self):
        for user, linked in ((self.executive, True), (self.secretariat, True), (self.user_a, False)):
            self.login(user)
            self.assertEqual(f'href="{URL}"' in self.client.get("/").content.decode(), linked, user)

    def test_it_lists_agencies_with_overdue_work_worst_first_with_days_late_and_band(self):
        rows = self.get().context["agencies"]
        self.assertEqual(
            [(r["row"].agency, r["row"].days_late, r["row"].band_label) for r in rows],
            [(self.district, 20, "วิกฤต"), (self.agency_a, 8, "รุนแรง"), (self.agency_b, 3, "เฝ้าระวัง")],
        )
        self.assertEqual(rows[2]["row"].overdue, 2)  # ๑ (3 days) and ๗.๑ (1 day)
        self.assertEqual(
            [(label, n) for _key, label, n in rows[2]["row"].bands], [("เฝ้าระวัง", 2), ("รุนแรง", 0), ("วิกฤต", 0)]
        )

    def test_it_links_each_agency_row_to_the_agency_page_and_its_report_pdf(self):
        html = self.get().content.decode()
        self.assertIn(f'href="/agencies/{self.district.pk}/"', html)
        self.assertIn(f'href="/agencies/{self.district.pk}/report.pdf"', html)

    def test_it_counts_directives_by_strategy_without_the_heading_only_row(self):
        rows = {row["number"]: row for row in self.get().context["strategies"]}
        self.assertEqual(len([n for n in rows if n]), 6)
        self.assertEqual((rows[2]["total"], rows[2]["overdue"], rows[2]["open"]), (2, 2, 2))
        self.assertEqual((rows[1]["total"], rows[1]["overdue"]), (1, 0))
        # ๒, ๑ and ๗.๑ have no strategy; the heading ๗ is not counted at all.
        self.assertEqual((rows[None]["total"], rows[None]["overdue"]), (3, 2))

    def test_it_counts_directives_by_source(self):
        response = self.get()
        summary = {row["kind"]: row for row in response.context["source_summary"]}
        self.assertEqual((summary["meeting"]["total"], summary["meeting"]["overdue"]), (5, 4))
        self.assertEqual((summary["letter"]["total"], summary["letter"]["overdue"]), (1, 0))
        self.assertEqual(response.context["sources"][0]["source"], self.meeting)

    def test_it_shows_the_fiscal_year_month_by_month(self):
        response = self.get()
        year = queries.fiscal_year_of(today())
        self.assertContains(response, "ปีงบประมาณ พ.ศ. " + re.sub(r"\d", lambda m: "๐๑๒๓๔๕๖๗๘๙"[int(m[0])], str(year)))
        months = response.context["months"]
        self.assertEqual([row["label"] for row in months][:3], ["ต.ค.", "พ.ย.", "ธ.ค."])
        first, last = queries.fiscal_year_bounds(year)
        due = [days(30), days(-3), days(-20), days(-8), days(-1), days(40)]
        expected = sum(1 for day in due if first <= day <= last)
        self.assertEqual(sum(row["total"] for row in months), expected)
        self.assertEqual(
            sum(row["overdue"] for row in months), sum(1 for day in due if first <= day <= last and day < today())
        )
        self.assertContains(response, "<svg", html=False)

    def test_it_reads_a_chosen_fiscal_year_in_thai_digits(self):
        year = queries.fiscal_year_of(today()) - 1
        response = self.get("?fy=" + "".join("๐๑๒๓๔๕๖๗๘๙"[int(c)] for c in str(year)))
        self.assertEqual(response.context["year"], year)

    def test_it_answers_a_bad_year_with_a_thai_message_and_the_current_year(self):
        current = queries.fiscal_year_of(today())
        for value in ("abc", "1", "99999999999999999999999", "2400", "-5", "²"):
            with self.subTest(value=value):
                response = self.get("?fy=" + value)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["year"], current)
                self.assertTrue(response.context["form"].errors["fy"])

    def test_it_draws_without_inline_style_or_script(self):
        html = self.get().content.decode()
        self.assertNotIn("style=", html)
        self.assertNotIn("<script>", html)
        self.assertNotIn("<style", html)


class DashboardRecountTests(DashboardData):
    """The numbers read from the indexes (counted per strategy and per source, less the
    archived sources' and the heading-only rows') equal a plain recount."""

    def assertRecounted(self):
        on = today()
        self.assertEqual(queries.counts_by_strategy_and_kind(on), plain_by_strategy_and_kind(on))
        self.assertEqual(queries.top_sources(on, count=10**6), plain_sources(on))
        self.assertEqual(queries.top_sources(on, count=2), plain_sources(on)[:2])
        for year in range(queries.fiscal_year_of(on) - 2, queries.fiscal_year_of(on) + 2):
            months = {row["month"]: row for row in queries.by_month(on, year) if row["total"]}
            self.assertEqual(
                {
                    month: {key: row[key] for key in ("total", "done", "overdue", "waiting")}
                    for month, row in months.items()
                },
                plain_months(on, year),
            )

    def test_it_counts_as_a_plain_recount_with_archived_sources_headings_and_letters(self):
        self.assertRecounted()
        # A heading-only row in a letter, one with text (counted), an archived directive.
        heading = services.directive_create(letter=self.letter, number="2", heading="เรื่องอื่น ๆ", by=self.secretariat)
        services.directive_create(
            letter=self.letter,
            number="2.1",
            parent=heading,
            text="ขอให้รายงานผล",
            due_date=days(-2),
            strategy=self.strategies[2],
            parties=services.parties_from(agencies=[self.agency_b]),
            by=self.secretariat,
        )
        Directive.objects.filter(pk=self.severe.pk).update(is_archived=True)
        self.assertRecounted()
        # An archived letter and an archived meeting with their directives (and headings).
        archived = letter_create(
            number="มท ๐๘๑๐/ว ๑", date=datetime.date(2025, 1, 7), subject="เก่า", by=self.secretariat
        )
        services.directive_create(
            letter=archived,
            number="1",
            text="ขอให้ดำเนินการ",
            due_date=days(-30),
            strategy=self.strategies[1],
            parties=services.parties_from(agencies=[self.agency_a]),
            by=self.secretariat,
        )
        services.directive_create(letter=archived, number="2", heading="อื่น ๆ", by=self.secretariat)
        Letter.objects.filter(pk=archived.pk).update(is_archived=True)
        self.assertRecounted()
        Meeting.objects.filter(pk=self.meeting.pk).update(is_archived=True)
        self.assertRecounted()
        self.assertEqual(
            [(row["meeting_id"], row["letter_id"]) for row in queries.top_sources(today())], [(None, self.letter.pk)]
        )

    def test_the_open_rows_choose_the_top_sources_when_enough_sources_have_any(self):
        # Two letters tied (one overdue, one open each), one with an open heading-only row.
        for number in ("๑", "๒"):
            letter = letter_create(
                number=f"มท ๐๘๑๐/ว ๒๐{number}", date=datetime.date(2025, 2, 3), subject="ทดสอบ", by=self.secretariat
            )
            services.directive_create(
                letter=letter,
                number="1",
                text="ขอให้รายงาน",
                due_date=days(-3),
                parties=services.parties_from(agencies=[self.agency_a]),
                by=self.secretariat,
            )
        services.directive_create(letter=letter, number="2", heading="อื่น ๆ", by=self.secretariat)
        on = today()
        plain = plain_sources(on)
        opened = sum(1 for row in plain if row["open"])
        self.assertGreaterEqual(opened, 4)
        with mock.patch.object(queries, "_top_sources_plain", wraps=queries._top_sources_plain) as counted_fully:
            for count in range(1, opened + 1):
                self.assertEqual(queries.top_sources(on, count=count), plain[:count])
            counted_fully.assert_not_called()
            # Fewer sources with open directives than asked: every source is counted.
            self.assertEqual(queries.top_sources(on, count=opened + 1), plain[: opened + 1])
            counted_fully.assert_called_once()

    def test_a_state_outside_the_list_is_counted_the_plain_way(self):
        Directive.objects.filter(pk=self.severe.pk).update(state="paused")
        on = today()
        self.assertFalse(queries.read_passes(on).exact)
        self.assertEqual(queries.counts_by_strategy_and_kind(on), plain_by_strategy_and_kind(on))
        plain = plain_sources(on)
        for count in range(1, len(plain) + 2):
            self.assertEqual(queries.top_sources(on, count=count), plain[:count])


class DashboardQueryCountTests(SpreadMixin, TrackerTestCase):
    def test_it_makes_the_same_number_of_queries_for_few_and_many_rows(self):
        self.login(self.executive)
        agencies = self.spread_agencies(6)
        self.spread_rows(agencies=agencies, directives=3, by=self.secretariat)
        self.client.get(URL)  # warm the caches (session, content types)
        # Fewer than 15 sources with open directives: every source counted (top_sources).
        with self.assertNumQueries(17) as few:
            self.client.get(URL)
        more = self.spread_agencies(10, prefix="หน่วยงานเพิ่ม")
        self.spread_rows(agencies=more, directives=25, by=self.secretariat, group=self.group)
        with self.assertNumQueries(len(few.captured_queries)):
            self.client.get(URL)
