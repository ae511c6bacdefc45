"""งานของหน่วยงาน: an agency user's items by what needs doing."""

from __future__ import annotations

import datetime
from unittest import mock

from django.utils.text import Truncator

from directives import services
from directives.models import Status, today
from meetings.services import letter_create
from tests.base import SpreadMixin, TrackerTestCase

URL = "/inbox/"


def bucket(response, key: str) -> list:
    return next(list(b["items"]) for b in response.context["buckets"] if b["key"] == key)


class InboxTests(TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.due_soon = services.directive_create(
            meeting=cls.meeting,
            number="3",
            text="ขอให้ส่งข้อมูลภายในสัปดาห์นี้",
            due_date=today() + datetime.timedelta(days=3),
            parties=services.parties_from(agencies=[cls.agency_a]),
            by=cls.secretariat,
        ).assignments.get()
        cls.finished = services.directive_create(
            meeting=cls.meeting,
            number="4",
            text="ขอให้จัดงานประเพณีลอยกระทง",
            due_date=today() - datetime.timedelta(days=20),
            parties=services.parties_from(agencies=[cls.agency_a]),
            by=cls.secretariat,
        ).assignments.get()
        services.progress_report(assignment=cls.finished, text="จัดงานเรียบร้อย", status=Status.DONE, by=cls.user_a)

    def test_it_sorts_an_agencys_items_into_buckets(self):
        self.login(self.user_a)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(bucket(response, "overdue"), [])
        self.assertEqual(bucket(response, "new"), [self.due_soon])
        self.assertEqual(bucket(response, "due_soon"), [])
        self.assertEqual(bucket(response, "open"), [self.assignment_a])
        self.assertEqual(bucket(response, "done"), [self.finished])
        self.assertContains(response, "ใหม่ (ยังไม่รับทราบ) (๑)")

    def test_it_moves_an_acknowledged_item_to_due_soon(self):
        services.assignment_acknowledge(assignment=self.due_soon, by=self.user_a)
        self.login(self.user_a)
        response = self.client.get(URL)
        self.assertEqual(bucket(response, "new"), [])
        self.assertEqual(bucket(response, "due_soon"), [self.due_soon])
        self.assertEqual(bucket(response, "open"), [self.assignment_a])
        self.assertContains(response, "ใกล้ครบกำหนด (๑)")

    def test_it_shows_an_overdue_item_once_even_if_unacknowledged(self):
        self.login(self.user_b)
        response = self.client.get(URL)
        self.assertEqual(bucket(response, "overdue"), [self.assignment_b])
        self.assertEqual(bucket(response, "new"), [])
        self.assertEqual(bucket(response, "open"), [])
        self.assertContains(response, self.directive_b.text, count=1)
        self.assertContains(response, '<span class="badge overdue">เกินกำหนด</span>', html=True)
        self.assertContains(response, f'action="/assignments/{self.assignment_b.pk}/acknowledge/"')

    def test_it_never_shows_another_agencys_items(self):
        self.login(self.user_b)
        response = self.client.get(URL)
        self.assertNotContains(response, self.directive.text)
        self.assertNotContains(response, "ขอให้ส่งข้อมูลภายในสัปดาห์นี้")
        self.assertContains(response, self.directive_b.text)

    def test_it_moves_a_closed_directive_to_done(self):
        services.directive_close(directive=self.directive_b, note="ยุติตามมติที่ประชุม", by=self.secretariat)
        self.login(self.user_b)
        response = self.client.get(URL)
        self.assertEqual(bucket(response, "overdue"), [])
        self.assertEqual(bucket(response, "new"), [])
        self.assertEqual(bucket(response, "done"), [self.assignment_b])

    def test_it_writes_each_card(self):
        letter = letter_create(number="มท 0810.6/ว 123", date=today(), subject="เรื่องทดสอบ", by=self.secretariat)
        long_text = "ขอให้ส่งรายงานผลการดำเนินงานประจำเดือน " * 10
        share = services.directive_create(
            letter=letter,
            number="2",
            heading="การรายงาน",
            text=long_text,
            parties=services.parties_from(agencies=[self.agency_a]),
            by=self.secretariat,
        ).assignments.get()
        self.login(self.user_a)
        response = self.client.get(URL)
        self.assertContains(
            response,
            f'<p class="meta">{letter} · ข้อ ๒</p><h3><a href="/assignments/{share.pk}/"><u>การรายงาน</u> '
            f"{Truncator(long_text).chars(140)}</a></h3>",
        )
        self.assertContains(
            response,
            f'<p class="meta">{self.meeting.series.name} ครั้งที่ {self.meeting.number_label} · ข้อ ๓</p>',
        )
        # The acknowledge button on the new items only; no due date reads ไม่ได้กำหนด.
        self.assertContains(response, f'action="/assignments/{share.pk}/acknowledge/"')
        self.assertNotContains(response, f'action="/assignments/{self.finished.pk}/acknowledge/"')
        self.assertContains(response, "กำหนดเสร็จ ไม่ได้กำหนด")

    def test_it_refuses_the_secretariat_and_the_executive_with_403(self):
        for user in (self.secretariat, self.executive):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(URL).status_code, 403)

    def test_it_refuses_post_with_405(self):
        self.login(self.user_a)
        self.assertEqual(self.client.post(URL).status_code, 405)

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        self.assertLoginRedirect(self.client.get(URL), URL)


class InboxQueryCountTests(SpreadMixin, TrackerTestCase):
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

    def test_it_does_not_grow_queries_with_rows(self):
        self.login(self.user_a)
        with self.assertNumQueries(10):
            response = self.client.get(URL)
        self.assertGreater(sum(len(b["items"]) for b in response.context["buckets"]), 15)
        more = self.spread_agencies(4)
        self.spread_rows(agencies=self.many + more, directives=20, by=self.secretariat, always=self.agency_a)
        with self.assertNumQueries(10):
            self.assertEqual(self.client.get(URL).status_code, 200)

    def test_it_counts_only_the_buckets_that_fill_the_page(self):
        self.login(self.user_a)
        buckets = self.client.get(URL).context["buckets"]
        full = [b for b in buckets if len(b["items"]) >= 2]
        self.assertTrue(full)
        # A bucket with fewer rows than the page is counted by them; a full one by a query.
        with mock.patch("directives.views.INBOX_BUCKET_SIZE", 2), self.assertNumQueries(10 + len(full)):
            response = self.client.get(URL)
        self.assertEqual(
            {b["key"]: b["count"] for b in response.context["buckets"]}, {b["key"]: b["count"] for b in buckets}
        )


class InboxBucketCapTests(TrackerTestCase):
    def test_it_shows_the_first_items_of_a_large_bucket_and_links_to_the_rest(self):
        for number in range(10, 14):
            services.directive_create(
                meeting=self.meeting,
                number=str(number),
                text=f"งานค้างข้อ {number}",
                due_date=today() - datetime.timedelta(days=number),
                parties=services.parties_from(agencies=[self.agency_a]),
                by=self.secretariat,
            )
        self.login(self.user_a)
        with mock.patch("directives.views.INBOX_BUCKET_SIZE", 2):
            response = self.client.get(URL)
        self.assertEqual(len(bucket(response, "overdue")), 2)
        overdue = next(b for b in response.context["buckets"] if b["key"] == "overdue")
        self.assertEqual(overdue["count"], 4)
        self.assertContains(response, "แสดง ๒ จาก ๔ รายการ")
        self.assertContains(response, 'href="/directives/?overdue=true"')
