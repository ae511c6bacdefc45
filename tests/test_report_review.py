"""The secretariat accepts a progress report or sends it back with a comment."""

from __future__ import annotations

import datetime

from directives import services
from directives.models import ProgressReport, Status
from tests.base import TrackerTestCase


class ReportReviewTests(TrackerTestCase):
    def url(self, report=None):
        return f"/reports/{(report or self.report_a).pk}/review/"

    def review(self) -> str:
        return ProgressReport.objects.get(pk=self.report_a.pk).review

    def test_it_shows_the_report_to_review(self):
        self.login(self.secretariat)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f"ตรวจรายงานของ{self.agency_a.name}")
        self.assertContains(response, "จัดประชุมชี้แจงแล้ว")
        self.assertContains(response, "ร้อยละ ๓๐")

    def test_it_preselects_sending_back_when_asked(self):
        self.login(self.secretariat)
        response = self.client.get(self.url(), {"decision": "return"})
        self.assertEqual(response.context["form"]["decision"].value(), "return")

    def test_it_accepts_a_report(self):
        self.login(self.secretariat)
        response = self.client.post(self.url(), {"decision": "accept", "comment": ""})
        self.assertRedirects(response, f"/directives/{self.directive.pk}/", fetch_redirect_response=False)
        self.report_a.refresh_from_db()
        self.assertEqual(self.report_a.review, ProgressReport.Review.ACCEPTED)
        self.assertEqual(self.report_a.reviewed_by, self.secretariat)
        self.assertIsNotNone(self.report_a.reviewed_at)
        self.assignment_a.refresh_from_db()
        self.assertEqual(self.assignment_a.status, Status.IN_PROGRESS)

    def test_it_needs_a_comment_to_send_a_report_back(self):
        self.login(self.secretariat)
        response = self.client.post(self.url(), {"decision": "return", "comment": "  "})
        self.assertEqual(response.status_code, 200)
        self.assertFormError(response.context["form"], "comment", "กรุณาระบุเหตุผลที่ส่งกลับ เพื่อให้หน่วยงานแก้ไขได้ถูกต้อง")
        self.assertContains(response, '<div class="field-error" id="id_comment_error" role="alert">')
        self.assertEqual(self.review(), ProgressReport.Review.PENDING)

    def test_it_sends_a_report_back_and_the_status_follows_the_reports_left(self):
        self.login(self.secretariat)
        response = self.client.post(self.url(), {"decision": "return", "comment": "กรุณาแนบภาพกิจกรรม"})
        self.assertEqual(response.status_code, 302)
        self.report_a.refresh_from_db()
        self.assertEqual(self.report_a.review, ProgressReport.Review.RETURNED)
        self.assertEqual(self.report_a.review_comment, "กรุณาแนบภาพกิจกรรม")
        self.assignment_a.refresh_from_db()
        self.assertEqual(self.assignment_a.status, Status.NOT_STARTED)
        self.directive.refresh_from_db()
        self.assertEqual(self.directive.state, Status.NOT_STARTED)
        # The agency sees why on its own page.
        self.login(self.user_a)
        self.assertContains(self.client.get(f"/assignments/{self.assignment_a.pk}/"), "กรุณาแนบภาพกิจกรรม")

    def test_an_extension_must_ask_for_a_day_after_the_current_due_date(self):
        with self.assertRaises(services.DomainError) as caught:
            services.extension_request(
                assignment=self.assignment_a,
                reason="รองบประมาณ",
                new_due_date=self.assignment_a.due_date,
                by=self.user_a,
            )
        self.assertEqual(str(caught.exception), "วันที่ขอขยายต้องหลังกำหนดเสร็จเดิม")
        self.assertFalse(self.assignment_a.reports.filter(status=Status.EXTENSION).exists())

    def test_it_moves_the_due_date_when_it_accepts_an_extension(self):
        new_due = self.assignment_a.due_date + datetime.timedelta(days=90)
        request = services.extension_request(
            assignment=self.assignment_a, reason="รองบประมาณ", new_due_date=new_due, by=self.user_a
        )
        self.login(self.secretariat)
        self.client.post(self.url(request), {"decision": "accept"})
        self.assignment_a.refresh_from_db()
        self.assertEqual(self.assignment_a.due_date, new_due)
        self.assertEqual(self.assignment_a.status, Status.IN_PROGRESS)
        self.directive.refresh_from_db()
        self.assertEqual(self.directive.open_due_date, new_due)

    def test_it_keeps_the_due_date_when_it_sends_an_extension_back(self):
        old_due = self.assignment_a.due_date
        request = services.extension_request(
            assignment=self.assignment_a,
            reason="รองบประมาณ",
            new_due_date=old_due + datetime.timedelta(days=90),
            by=self.user_a,
        )
        self.login(self.secretariat)
        self.client.post(self.url(request), {"decision": "return", "comment": "ไม่อนุมัติ ขอให้เร่งรัด"})
        self.assignment_a.refresh_from_db()
        self.assertEqual(self.assignment_a.due_date, old_due)
        self.assertEqual(self.assignment_a.status, Status.IN_PROGRESS)

    def test_it_says_so_when_the_report_was_already_reviewed(self):
        services.report_review(report=self.report_a, accept=True, by=self.secretariat)
        self.login(self.secretariat)
        response = self.client.post(self.url(), {"decision": "return", "comment": "เปลี่ยนใจ"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "รายงานนี้ตรวจไปแล้ว")
        self.assertEqual(self.review(), ProgressReport.Review.ACCEPTED)

    def test_it_refuses_a_decision_it_does_not_know(self):
        self.login(self.secretariat)
        response = self.client.post(self.url(), {"decision": "delete"})
        self.assertIn("decision", response.context["form"].errors)
        self.assertEqual(self.review(), ProgressReport.Review.PENDING)

    def test_it_refuses_the_reporting_agency_and_the_executive_with_403(self):
        for user in (self.user_a, self.executive):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url()).status_code, 403)
                self.assertEqual(self.client.post(self.url(), {"decision": "accept"}).status_code, 403)
        self.assertEqual(self.review(), ProgressReport.Review.PENDING)

    def test_it_answers_404_to_another_agency(self):
        self.login(self.user_b)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        self.assertEqual(self.client.post(self.url(), {"decision": "accept"}).status_code, 404)
        self.assertEqual(self.review(), ProgressReport.Review.PENDING)

    def test_it_answers_404_for_an_unknown_report(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.get("/reports/999999/review/").status_code, 404)

    def test_it_refuses_other_methods_with_405(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.delete(self.url()).status_code, 405)

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        self.assertLoginRedirect(self.client.post(self.url(), {"decision": "accept"}), self.url())
        self.assertEqual(self.review(), ProgressReport.Review.PENDING)
