"""หน้าแรก: the overview every role lands on after signing in."""

from __future__ import annotations

import datetime

from django.contrib.auth.models import User

from directives import services
from directives.models import today
from lampang_tracker import thai
from tests.base import SpreadMixin, TrackerTestCase


class HomeTests(SpreadMixin, TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.many = cls.spread_agencies(8)
        cls.spread_rows(agencies=cls.many, directives=20, by=cls.secretariat, group=cls.group)

    def grow(self):
        more = self.spread_agencies(4)
        self.spread_rows(agencies=self.many + more, directives=15, by=self.secretariat, group=self.group)
        self.spread_rows(
            agencies=more,
            directives=5,
            by=self.secretariat,
            always=self.agency_a,
            reporters={self.agency_a.pk: self.user_a},
        )

    def test_it_shows_the_secretariat_every_agency_with_its_counts(self):
        self.login(self.secretariat)
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "directives/home.html")
        names = [row["agency"].name for row in response.context["by_agency"]]
        self.assertIn(self.agency_a.name, names)
        self.assertIn(self.agency_b.name, names)
        self.assertIn(self.many[0].name, names)
        row_b = next(row for row in response.context["by_agency"] if row["agency"] == self.agency_b)
        self.assertEqual(row_b["cells"], [("open", 1), ("overdue", 1), ("done", 0)])
        self.assertContains(response, "รายงานรอตรวจ")

    def test_it_lists_agencies_in_thai_dictionary_order(self):
        self.login(self.secretariat)
        names = [row["agency"].name for row in self.client.get("/").context["by_agency"]]
        # "สำนักงานวัฒนธรรม…" (ว) sorts before "สำนักงานศึกษาธิการ…" (ศ), and "อำเภอ…" after both.
        self.assertLess(names.index(self.agency_a.name), names.index(self.agency_b.name))
        self.assertLess(names.index(self.agency_b.name), names.index(self.district.name))

    def test_it_shows_an_agency_user_only_their_own_counts(self):
        self.login(self.user_b)
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["counts"], {"open": 1, "overdue": 1, "done": 0, "new": 1, "due_soon": 0})
        self.assertNotIn("by_agency", response.context)
        self.assertNotContains(response, self.agency_a.name)
        self.assertContains(response, self.agency_b.name)

    def test_it_counts_what_is_due_soon_for_an_agency(self):
        services.directive_create(
            meeting=self.meeting,
            number="3",
            text="ขอให้รายงานภายในสัปดาห์นี้",
            due_date=today() + datetime.timedelta(days=3),
            parties=services.parties_from(agencies=[self.agency_a]),
            by=self.secretariat,
        )
        self.login(self.user_a)
        response = self.client.get("/")
        self.assertEqual(response.context["counts"]["due_soon"], 1)
        self.assertEqual(response.context["counts"]["new"], 1)

    def test_it_shows_the_executive_the_overview_without_the_review_queue(self):
        self.login(self.executive)
        response = self.client.get("/")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "ภาพรวมสำหรับผู้บริหาร")
        self.assertNotContains(response, "รายงานรอตรวจ")
        self.assertIn("by_agency", response.context)

    def test_it_shows_dates_and_numbers_in_thai(self):
        self.login(self.secretariat)
        response = self.client.get("/")
        self.assertContains(response, f"ข้อมูล ณ วันที่ {thai.date_long(today())}")
        open_count = response.context["counts"]["open"]
        self.assertGreater(open_count, 9)
        self.assertContains(response, f'<span class="num">{thai.thai_digits(open_count)}</span>', html=False)
        self.assertNotContains(response, f'<span class="num">{open_count}</span>')

    def test_it_refuses_post_with_405(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.post("/").status_code, 405)

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        self.assertLoginRedirect(self.client.get("/"), "/")

    def test_it_refuses_a_user_without_a_role(self):
        self.login(User.objects.create_user("nobody"))
        response = self.client.get("/")
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, "ยังไม่ได้กำหนดบทบาท", status_code=403)

    def test_it_does_not_grow_queries_with_rows_for_the_secretariat(self):
        # The three cards (every active directive's numbers, less the heading-only
        # rows'), the agencies' table (every share per agency, open or not, and the
        # overdue ones, less the archived directives' shares), the review queue (every pending report, less the archived directives').
        # Counted here: this test's transaction has written (directives.datacache).
        self.login(self.secretariat)
        with self.assertNumQueries(13):
            self.assertEqual(self.client.get("/").status_code, 200)
        self.grow()
        with self.assertNumQueries(13):
            self.assertEqual(self.client.get("/").status_code, 200)

    def test_it_does_not_grow_queries_with_rows_for_an_agency_user(self):
        # One query counts the five cards.
        self.login(self.user_a)
        with self.assertNumQueries(6):
            self.assertEqual(self.client.get("/").status_code, 200)
        self.grow()
        with self.assertNumQueries(6):
            self.assertEqual(self.client.get("/").status_code, 200)


class CountedByAgencyTests(TrackerTestCase):
    def test_it_equals_the_counts_over_the_counted_shares_with_an_archived_directive(self):
        from directives.models import Assignment, Directive

        services.directive_create(
            meeting=self.meeting,
            number="3",
            text="ขอให้รายงานผล",
            parties=services.parties_from(agencies=[self.agency_a, self.agency_b]),
            by=self.secretariat,
        )
        Directive.objects.filter(pk=self.directive_b.pk).update(is_archived=True)

        def by_agency(rows):
            return {row["agency_id"]: (row["open"], row["overdue"], row["done"]) for row in rows}

        expected = by_agency(Assignment.objects.counted().counts_by_agency())
        self.assertEqual(by_agency(Assignment.objects.counted_by_agency()), expected)
        self.assertEqual(expected[self.agency_b.pk], (1, 0, 0))  # its overdue share is archived
        # Only directive_b counted: agency A, with no counted share left, is not listed.
        Directive.objects.update(is_archived=True)
        Directive.objects.filter(pk=self.directive_b.pk).update(is_archived=False)
        self.assertEqual(by_agency(Assignment.objects.counted_by_agency()), {self.agency_b.pk: (1, 1, 0)})
