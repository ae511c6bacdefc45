"""รายงานรอตรวจ /reviews/: the secretariat's queue, oldest first, decided in place."""

from __future__ import annotations

import datetime

from django.utils import timezone

from directives import services
from directives.models import ProgressReport, Status
from tests.base import SpreadMixin, TrackerTestCase

URL = "/reviews/"


class ReviewQueueTests(SpreadMixin, TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.report_b = services.progress_report(
            assignment=cls.assignment_b, text="ส่งรายงานของศึกษาธิการ", status=Status.IN_PROGRESS, by=cls.user_b
        )
        # report_a (from the base cast) is the older one
        ProgressReport.objects.filter(pk=cls.report_a.pk).update(created_at=timezone.now() - datetime.timedelta(days=3))
        cls.decided = services.progress_report(
            assignment=cls.assignment_a, text="รายงานที่ตรวจแล้ว", status=Status.IN_PROGRESS, by=cls.user_a
        )
        services.report_review(report=cls.decided, accept=True, by=cls.secretariat)

    def post(self, report, decision: str, comment: str = "", **extra):
        prefix = f"r{report.pk}"
        data = {"report": report.pk, f"{prefix}-decision": decision, f"{prefix}-comment": comment, **extra}
        return self.client.post(URL, data)

    def test_it_lists_waiting_reports_oldest_first_without_decided_ones(self):
        self.login(self.secretariat)
        response = self.client.get(URL)
        self.assertEqual(response.status_code, 200)
        reports = [report for report, _ in response.context["rows"]]
        self.assertEqual(reports, [self.report_a, self.report_b])
        self.assertNotContains(response, "รายงานที่ตรวจแล้ว")
        self.assertNotContains(response, f'value="{self.decided.pk}"')
        self.assertContains(response, "ส่งรายงานของศึกษาธิการ")

    def test_it_accepts_a_report_in_place(self):
        self.login(self.secretariat)
        response = self.post(self.report_a, "accept")
        self.assertRedirects(response, URL + "?page=1", fetch_redirect_response=False)
        self.report_a.refresh_from_db()
        self.assertEqual(self.report_a.review, ProgressReport.Review.ACCEPTED)
        self.assertEqual(self.report_a.reviewed_by, self.secretariat)
        page = self.client.get(URL)
        self.assertEqual([r for r, _ in page.context["rows"]], [self.report_b])
        self.assertContains(page, "รับรายงานของสำนักงานวัฒนธรรมจังหวัดลำปาง แล้ว")

    def test_it_returns_a_report_with_a_comment(self):
        self.login(self.secretariat)
        self.post(self.report_b, "return", "ขอให้แนบภาพกิจกรรม")
        self.report_b.refresh_from_db()
        self.assertEqual(self.report_b.review, ProgressReport.Review.RETURNED)
        self.assertEqual(self.report_b.review_comment, "ขอให้แนบภาพกิจกรรม")

    def test_it_keeps_what_was_typed_when_a_return_has_no_reason(self):
        self.login(self.secretariat)
        response = self.post(self.report_b, "return", "   ")
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "กรุณาระบุเหตุผลที่ส่งกลับ", status_code=400)
        form = dict((r.pk, f) for r, f in response.context["rows"])[self.report_b.pk]
        self.assertEqual(form["decision"].value(), "return")
        self.report_b.refresh_from_db()
        self.assertEqual(self.report_b.review, ProgressReport.Review.PENDING)

    def test_it_keeps_a_long_comment_as_typed_with_a_thai_message(self):
        self.login(self.secretariat)
        long = "ก" * 20000
        response = self.post(self.report_b, "return", long)
        self.assertEqual(response.status_code, 400)
        form = dict((r.pk, f) for r, f in response.context["rows"])[self.report_b.pk]
        self.assertEqual(form["comment"].value(), long)

    def test_it_says_so_for_an_already_decided_report(self):
        self.login(self.secretariat)
        response = self.post(self.decided, "return", "เปลี่ยนใจ")
        self.assertRedirects(response, URL, fetch_redirect_response=False)
        self.assertContains(self.client.get(URL), "รายงานนี้ตรวจไปแล้ว")
        self.decided.refresh_from_db()
        self.assertEqual(self.decided.review, ProgressReport.Review.ACCEPTED)

    def test_it_answers_bad_ids_with_404(self):
        self.login(self.secretariat)
        for value in ("", "abc", "-1", "99999999", "๑๒x"):
            with self.subTest(value=value):
                self.assertEqual(self.client.post(URL, {"report": value}).status_code, 404)

    def test_it_is_the_secretariats_only(self):
        self.assertLoginRedirect(self.client.get(URL), URL)
        for user in (self.user_a, self.user_b, self.executive):
            self.login(user)
            self.assertEqual(self.client.get(URL).status_code, 403)
            self.assertEqual(self.post(self.report_a, "accept").status_code, 403)
        self.report_a.refresh_from_db()
        self.assertEqual(self.report_a.review, ProgressReport.Review.PENDING)

    def test_it_matches_the_home_pages_count(self):
        self.login(self.secretariat)
        home = self.client.get("/")
        self.assertContains(home, f'href="{URL}" data-count="2"')
        self.assertEqual(self.client.get(URL).context["page"].paginator.count, 2)

    def test_it_does_not_grow_queries_with_rows(self):
        # session, user, profile, count, page of reports with their agencies and sources, attachments
        self.login(self.secretariat)
        many = self.spread_agencies(4)
        self.spread_rows(agencies=many, directives=3, by=self.secretariat)
        with self.assertNumQueries(7):
            self.assertEqual(self.client.get(URL).status_code, 200)
        self.spread_rows(agencies=many, directives=9, by=self.secretariat)
        with self.assertNumQueries(7):
            self.assertEqual(self.client.get(URL).status_code, 200)
