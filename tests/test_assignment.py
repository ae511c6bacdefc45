"""One agency's share of a directive: reading it, reporting on it (รายงานผล),
acknowledging it (รับทราบ) and asking for more time (ขอขยายเวลา)."""

from __future__ import annotations

import datetime

from directives import services
from directives.models import Assignment, ProgressReport, Status, today
from lampang_tracker import thai
from tests.base import TrackerTestCase


class AssignmentDetailTests(TrackerTestCase):
    def url(self, assignment=None):
        return f"/assignments/{(assignment or self.assignment_a).pk}/"

    def reports(self):
        return ProgressReport.objects.count()

    def test_it_shows_the_agency_its_share_with_the_report_form(self):
        self.login(self.user_a)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, self.directive.text)
        self.assertContains(response, "จัดประชุมชี้แจงแล้ว")
        self.assertContains(response, "ส่งรายงาน")
        self.assertContains(response, f'href="/assignments/{self.assignment_a.pk}/extension/"')
        self.assertIsNotNone(response.context["form"])

    def test_it_shows_the_secretariat_and_the_executive_the_timeline_without_a_form(self):
        for user in (self.secretariat, self.executive):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(self.url())
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "จัดประชุมชี้แจงแล้ว")
                self.assertIsNone(response.context["form"])
                self.assertNotContains(response, "ส่งรายงาน")

    def test_it_appends_a_report_from_the_agency(self):
        self.login(self.user_a)
        data = {"status": Status.DONE, "percent": "๑๐๐", "text": "จัดกิจกรรมครบทุกอำเภอแล้ว"}
        response = self.client.post(self.url(), data)
        self.assertRedirects(response, self.url(), fetch_redirect_response=False)
        latest = self.assignment_a.reports.first()
        self.assertEqual((latest.text, latest.status, latest.percent), ("จัดกิจกรรมครบทุกอำเภอแล้ว", "done", 100))
        self.assertEqual(latest.created_by, self.user_a)
        self.assertEqual(self.assignment_a.reports.count(), 2)
        self.assignment_a.refresh_from_db()
        self.assertEqual(self.assignment_a.status, Status.DONE)
        self.assertFalse(self.assignment_a.is_open)

    def test_it_answers_bad_report_input_in_thai_and_keeps_it(self):
        self.login(self.user_a)
        before = self.reports()
        response = self.client.post(self.url(), {"status": "closed", "percent": "120", "text": "ข้อความที่พิมพ์ไว้"})
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertFormError(form, "percent", "ร้อยละต้องอยู่ระหว่าง ๐ ถึง ๑๐๐")
        self.assertIn("status", form.errors)
        self.assertContains(response, "ข้อความที่พิมพ์ไว้</textarea>")
        self.assertContains(response, 'value="120"')
        self.assertEqual(self.reports(), before)

    def test_it_needs_report_text(self):
        self.login(self.user_a)
        before = self.reports()
        response = self.client.post(self.url(), {"status": Status.IN_PROGRESS, "text": ""})
        self.assertIn("text", response.context["form"].errors)
        self.assertContains(response, '<div class="field-error" id="id_text_error" role="alert">')
        self.assertEqual(self.reports(), before)

    def test_it_refuses_a_report_on_a_closed_directive_with_a_message(self):
        services.directive_close(directive=self.directive, note="ยุติตามมติที่ประชุม", by=self.secretariat)
        self.login(self.user_a)
        before = self.reports()
        response = self.client.post(self.url(), {"status": Status.IN_PROGRESS, "text": "รายงานหลังปิด"})
        self.assertContains(response, "ข้อนี้ปิดประเด็นแล้ว ไม่รับรายงานเพิ่ม")
        self.assertContains(response, "รายงานหลังปิด</textarea>")
        self.assertEqual(self.reports(), before)

    def test_it_refuses_reports_from_the_secretariat_and_the_executive_with_403(self):
        for user in (self.secretariat, self.executive):
            with self.subTest(user=user.username):
                self.login(user)
                before = self.reports()
                response = self.client.post(self.url(), {"status": Status.DONE, "text": "แทนหน่วยงาน"})
                self.assertEqual(response.status_code, 403)
                self.assertEqual(self.reports(), before)

    def test_it_answers_404_to_another_agency_for_reading_and_reporting(self):
        self.login(self.user_b)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        before = self.reports()
        response = self.client.post(self.url(), {"status": Status.DONE, "text": "ปลอมรายงาน"})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.reports(), before)

    def test_it_answers_404_for_an_unknown_assignment(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.get("/assignments/999999/").status_code, 404)

    def test_it_refuses_other_methods_with_405(self):
        self.login(self.user_a)
        self.assertEqual(self.client.put(self.url()).status_code, 405)
        self.assertEqual(self.client.delete(self.url()).status_code, 405)

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        self.assertLoginRedirect(self.client.get(self.url()), self.url())
        before = self.reports()
        self.assertLoginRedirect(self.client.post(self.url(), {"status": "done", "text": "x"}), self.url())
        self.assertEqual(self.reports(), before)


class AssignmentAcknowledgeTests(TrackerTestCase):
    def url(self, assignment=None):
        return f"/assignments/{(assignment or self.assignment_b).pk}/acknowledge/"

    def acknowledged(self) -> bool:
        return Assignment.objects.get(pk=self.assignment_b.pk).acknowledged_at is not None

    def test_it_records_who_acknowledged_and_when(self):
        self.login(self.user_b)
        response = self.client.post(self.url(), follow=True)
        self.assertRedirects(response, f"/assignments/{self.assignment_b.pk}/")
        self.assertContains(response, "รับทราบแล้ว")
        self.assignment_b.refresh_from_db()
        self.assertEqual(self.assignment_b.acknowledged_by, self.user_b)
        self.assertIsNotNone(self.assignment_b.acknowledged_at)

    def test_it_returns_to_the_inbox_when_asked(self):
        self.login(self.user_b)
        response = self.client.post(self.url(), {"next": "inbox"})
        self.assertRedirects(response, "/inbox/", fetch_redirect_response=False)

    def test_it_does_not_follow_a_foreign_next(self):
        self.login(self.user_b)
        response = self.client.post(self.url(), {"next": "https://evil.example/"})
        self.assertRedirects(response, f"/assignments/{self.assignment_b.pk}/", fetch_redirect_response=False)

    def test_it_says_so_when_already_acknowledged(self):
        self.login(self.user_b)
        self.client.post(self.url())
        first = Assignment.objects.get(pk=self.assignment_b.pk).acknowledged_at
        response = self.client.post(self.url(), follow=True)
        self.assertContains(response, "หน่วยงานรับทราบข้อนี้แล้ว")
        self.assertEqual(Assignment.objects.get(pk=self.assignment_b.pk).acknowledged_at, first)

    def test_it_refuses_the_secretariat_and_the_executive_with_403(self):
        for user in (self.secretariat, self.executive):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.post(self.url()).status_code, 403)
        self.assertFalse(self.acknowledged())

    def test_it_answers_404_to_another_agency(self):
        self.login(self.user_a)
        self.assertEqual(self.client.post(self.url()).status_code, 404)
        self.assertFalse(self.acknowledged())

    def test_it_refuses_get_with_405(self):
        self.login(self.user_b)
        self.assertEqual(self.client.get(self.url()).status_code, 405)
        self.assertFalse(self.acknowledged())

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        self.assertLoginRedirect(self.client.post(self.url()), self.url())
        self.assertFalse(self.acknowledged())


class AssignmentExtensionTests(TrackerTestCase):
    def url(self, assignment=None):
        return f"/assignments/{(assignment or self.assignment_a).pk}/extension/"

    def later(self, days: int = 60) -> datetime.date:
        return self.assignment_a.due_date + datetime.timedelta(days=days)

    def test_it_shows_the_form_with_the_current_due_date(self):
        self.login(self.user_a)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f"กำหนดเสร็จเดิม: {thai.date_long(self.assignment_a.due_date)}")

    def test_it_files_an_extension_request_typed_in_thai(self):
        self.login(self.user_a)
        typed = thai.thai_digits(thai.date_numeric(self.later()))
        response = self.client.post(self.url(), {"new_due_date": typed, "reason": "รองบประมาณจากส่วนกลาง"})
        self.assertRedirects(response, f"/assignments/{self.assignment_a.pk}/", fetch_redirect_response=False)
        report = self.assignment_a.reports.first()
        self.assertEqual((report.status, report.requested_due_date), (Status.EXTENSION, self.later()))
        self.assertEqual(report.text, "รองบประมาณจากส่วนกลาง")
        self.assignment_a.refresh_from_db()
        self.assertEqual(self.assignment_a.status, Status.EXTENSION)
        self.assertEqual(self.assignment_a.due_date, today() + datetime.timedelta(days=30))  # not until accepted

    def test_it_refuses_a_date_not_after_the_current_due_date(self):
        self.login(self.user_a)
        before = ProgressReport.objects.count()
        typed = thai.date_numeric(self.assignment_a.due_date)
        response = self.client.post(self.url(), {"new_due_date": typed, "reason": "ขอเวลาเพิ่ม"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "วันที่ขอขยายต้องหลังกำหนดเสร็จเดิม")
        self.assertContains(response, "ขอเวลาเพิ่ม</textarea>")
        self.assertEqual(ProgressReport.objects.count(), before)

    def test_it_answers_a_bad_date_in_thai(self):
        self.login(self.user_a)
        response = self.client.post(self.url(), {"new_due_date": "31/06/2570", "reason": "ขอเวลาเพิ่ม"})
        self.assertFormError(response.context["form"], "new_due_date", "ไม่มีวันที่นี้ในปฏิทิน กรุณาตรวจสอบวัน เดือน ปี")
        self.assertContains(response, 'value="31/06/2570"')

    def test_it_needs_a_reason(self):
        self.login(self.user_a)
        response = self.client.post(self.url(), {"new_due_date": thai.date_numeric(self.later()), "reason": ""})
        self.assertIn("reason", response.context["form"].errors)

    def test_it_refuses_the_secretariat_and_the_executive_with_403(self):
        for user in (self.secretariat, self.executive):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url()).status_code, 403)
                data = {"new_due_date": thai.date_numeric(self.later()), "reason": "แทนหน่วยงาน"}
                self.assertEqual(self.client.post(self.url(), data).status_code, 403)
        self.assertEqual(self.assignment_a.reports.count(), 1)

    def test_it_answers_404_to_another_agency(self):
        self.login(self.user_b)
        self.assertEqual(self.client.get(self.url()).status_code, 404)
        data = {"new_due_date": thai.date_numeric(self.later()), "reason": "ปลอม"}
        self.assertEqual(self.client.post(self.url(), data).status_code, 404)
        self.assertEqual(self.assignment_a.reports.count(), 1)

    def test_it_refuses_other_methods_with_405(self):
        self.login(self.user_a)
        self.assertEqual(self.client.delete(self.url()).status_code, 405)

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        self.assertLoginRedirect(self.client.get(self.url()), self.url())
