"""หน่วยงาน: the list with counts, and one agency's open items and users."""

from __future__ import annotations

from agencies.models import Agency
from directives import services
from directives.models import Status
from tests.base import SpreadMixin, TrackerTestCase

DISTRICTS = ["อำเภองาว", "อำเภอแม่เมาะ", "อำเภอเถิน", "อำเภอวังเหนือ", "อำเภอแจ้ห่ม"]


class AgencyListTests(SpreadMixin, TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for name in DISTRICTS:
            Agency.objects.create(name=name, kind=Agency.Kind.DISTRICT)
        cls.many = cls.spread_agencies(8)
        cls.spread_rows(agencies=cls.many, directives=20, by=cls.secretariat, group=cls.group)

    def names(self, response) -> list[str]:
        return [a.name for a in response.context["agencies"]]

    def test_it_lists_every_agency_with_its_counts_for_the_secretariat_and_the_executive(self):
        for user in (self.secretariat, self.executive):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get("/agencies/")
                self.assertEqual(response.status_code, 200)
                self.assertEqual(len(response.context["agencies"]), Agency.objects.count())
                agency_a = next(a for a in response.context["agencies"] if a == self.agency_a)
                self.assertEqual((agency_a.open_count, agency_a.done_count), (1, 0))
                self.assertContains(response, f'href="/agencies/{self.agency_b.pk}/"')

    def test_it_sorts_agencies_in_thai_dictionary_order(self):
        self.login(self.secretariat)
        names = [n for n in self.names(self.client.get("/agencies/")) if n.startswith("อำเภอ")]
        # ก (เกาะคา) < ง (งาว) < จ (แจ้ห่ม) < ถ (เถิน) < ม (แม่เมาะ) < ว (วังเหนือ): vowels เ/แ do not sort last.
        self.assertEqual(names, ["อำเภอเกาะคา", "อำเภองาว", "อำเภอแจ้ห่ม", "อำเภอเถิน", "อำเภอแม่เมาะ", "อำเภอวังเหนือ"])

    def test_it_counts_done_items(self):
        services.progress_report(assignment=self.assignment_b, text="เสร็จแล้ว", status=Status.DONE, by=self.user_b)
        self.login(self.secretariat)
        agency_b = next(a for a in self.client.get("/agencies/").context["agencies"] if a == self.agency_b)
        self.assertEqual((agency_b.open_count, agency_b.done_count), (0, 1))

    def test_it_shows_an_agency_user_only_their_own_agency(self):
        self.login(self.user_a)
        response = self.client.get("/agencies/")
        self.assertEqual(self.names(response), [self.agency_a.name])
        self.assertNotContains(response, self.agency_b.name)

    def test_it_refuses_post_with_405(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.post("/agencies/").status_code, 405)

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        self.assertLoginRedirect(self.client.get("/agencies/"), "/agencies/")

    def test_it_does_not_grow_queries_with_rows(self):
        self.login(self.secretariat)
        with self.assertNumQueries(5):
            self.assertEqual(self.client.get("/agencies/").status_code, 200)
        more = self.spread_agencies(6)
        self.spread_rows(agencies=self.many + more, directives=20, by=self.secretariat, group=self.group)
        with self.assertNumQueries(5):
            self.assertEqual(self.client.get("/agencies/").status_code, 200)


class AgencyDetailTests(SpreadMixin, TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.many = cls.spread_agencies(8)
        cls.spread_rows(
            agencies=cls.many,
            directives=20,
            by=cls.secretariat,
            always=cls.agency_a,
            reporters={cls.agency_a.pk: cls.user_a},
        )

    def url(self, agency=None):
        return f"/agencies/{(agency or self.agency_a).pk}/"

    def test_it_shows_an_agencys_open_items_and_users(self):
        for user in (self.secretariat, self.executive, self.user_a):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(self.url())
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, f"<h1>{self.agency_a.name}</h1>", html=True)
                self.assertIn(self.assignment_a, list(response.context["assignments"]))
                self.assertTrue(all(a.agency_id == self.agency_a.pk for a in response.context["assignments"]))
                self.assertTrue(all(a.is_open for a in response.context["assignments"]))
                self.assertContains(response, "culture")

    def test_it_answers_404_to_another_agency(self):
        self.login(self.user_b)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 404)
        self.assertNotContains(response, self.agency_a.name, status_code=404)

    def test_it_answers_404_for_an_unknown_agency(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.get("/agencies/999999/").status_code, 404)

    def test_it_refuses_post_with_405(self):
        self.login(self.user_a)
        self.assertEqual(self.client.post(self.url()).status_code, 405)

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        self.assertLoginRedirect(self.client.get(self.url()), self.url())

    def test_it_does_not_grow_queries_with_rows(self):
        self.login(self.secretariat)
        with self.assertNumQueries(7):
            self.assertEqual(self.client.get(self.url()).status_code, 200)
        more = self.spread_agencies(4)
        self.spread_rows(agencies=self.many + more, directives=25, by=self.secretariat, always=self.agency_a)
        with self.assertNumQueries(7):
            self.assertEqual(self.client.get(self.url()).status_code, 200)
