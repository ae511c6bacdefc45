"""Agency users see other agencies' progress only in documents issued to all: an issued
follow-up, circulated minutes; never the live follow-up or draft minutes."""

from __future__ import annotations

import datetime
import io

import pypdf

from directives import services
from directives.models import FollowUpIssue, Status, today
from meetings.services import meeting_create
from minutes import services as minutes_services
from tests.base import TempMediaMixin, TrackerTestCase


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


class ProgressVisibilityTests(TempMediaMixin, TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.later = meeting_create(
            by=cls.secretariat, series=cls.series, number=11, year_be=2560, date=datetime.date(2017, 12, 27)
        )
        cls.minutes = minutes_services.minutes_start(meeting=cls.later, by=cls.secretariat)

    def test_it_keeps_the_live_follow_up_from_agency_users(self):
        url = f"/meetings/{self.meeting.pk}/followup.pdf"
        for user, status in [(self.secretariat, 200), (self.executive, 200), (self.user_a, 403), (self.user_b, 403)]:
            self.login(user)
            with self.subTest(user=user.username):
                self.assertEqual(self.client.get(url).status_code, status)
        self.login(self.user_a)
        self.assertNotContains(self.client.get(f"/meetings/{self.meeting.pk}/"), url)

    def test_it_keeps_draft_minutes_from_agency_users_until_circulated(self):
        page, pdf = f"/meetings/{self.later.pk}/minutes/", f"/meetings/{self.later.pk}/minutes.pdf"
        for user in (self.user_a, self.user_b):
            self.login(user)
            self.assertEqual(self.client.get(page).status_code, 404)
            self.assertEqual(self.client.get(pdf).status_code, 404)
        for user in (self.secretariat, self.executive):
            self.login(user)
            self.assertEqual(self.client.get(page).status_code, 200)
        minutes_services.minutes_circulate(
            minutes=self.minutes, deadline=today() + datetime.timedelta(days=7), by=self.secretariat
        )
        self.login(self.user_b)
        self.assertEqual(self.client.get(page).status_code, 200)

    def test_it_issues_a_frozen_follow_up_that_every_agency_reads(self):
        url = f"/meetings/{self.meeting.pk}/followup/issue/"
        for user in (self.user_a, self.executive):
            self.login(user)
            self.assertEqual(self.client.post(url).status_code, 403)
        self.assertFalse(FollowUpIssue.objects.exists())
        self.login(self.secretariat)
        response = self.client.post(url)
        self.assertRedirects(response, f"/meetings/{self.meeting.pk}/", fetch_redirect_response=False)
        issue = FollowUpIssue.objects.get()
        self.assertEqual((issue.meeting, issue.as_of, issue.issued_by), (self.meeting, today(), self.secretariat))
        # a later report does not change what was issued
        services.progress_report(
            assignment=self.assignment_b, text="รายงานหลังเผยแพร่แล้ว", status=Status.IN_PROGRESS, by=self.user_b
        )
        self.login(self.user_b)
        page = self.client.get(f"/meetings/{self.meeting.pk}/")
        self.assertContains(page, f"/followups/{issue.pk}.pdf")
        response = self.client.get(f"/followups/{issue.pk}.pdf")
        self.assertEqual(response.status_code, 200)
        text = pdf_text(b"".join(response.streaming_content))
        self.assertIn("จัดประชุม", text)  # agency A's report, read by agency B in the issued document
        self.assertNotIn("หลังเผยแพร่", text)

    def test_it_refuses_a_bad_as_of_date_with_a_thai_message(self):
        self.login(self.secretariat)
        response = self.client.post(
            f"/meetings/{self.meeting.pk}/followup/issue/", {"as_of": "31/02/2560"}, follow=True
        )
        self.assertContains(response, "วันที่ข้อมูลไม่ถูกต้อง")
        self.assertFalse(FollowUpIssue.objects.exists())
