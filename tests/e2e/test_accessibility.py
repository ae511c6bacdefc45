"""axe-core on the pages people use most: no serious or critical problem."""

from __future__ import annotations

from directives import services
from directives.models import Status
from meetings.services import meeting_create
from tests.base import png_upload

from .browser import BrowserTestCase


class AccessibilityTests(BrowserTestCase):
    journey = "accessibility"

    def setUp(self):
        super().setUp()
        self.make_cast()
        held = self.due_in(-20)
        self.meeting = meeting_create(
            by=self.secretariat,
            series=self.series,
            number=10,
            year_be=held.year + 543,
            date=held,
            venue="ห้องประชุมออลิมปิก ชั้น ๔ ศาลากลางจังหวัดลำปาง",
        )
        self.directive = services.directive_create(
            meeting=self.meeting,
            number="7",
            heading="วาระลำปางน่าเที่ยว : ปักหมุดลำปาง เส้นทางต้องแวะ",
            text="ขอให้ทุกอำเภอคัดเลือกเส้นทางท่องเที่ยวเด่นอำเภอละหนึ่งเส้นทาง",
            due_date=self.due_in(20),
            parties=services.parties_from(agencies=[self.culture], groups=[self.districts]),
            by=self.secretariat,
        )
        services.directive_create(
            meeting=self.meeting,
            number="1",
            text="ขอให้ปรับบทบาทและภารกิจให้เป็นหน่วยอำนวยการ",
            due_date=self.due_in(-3),
            parties=services.parties_from(agencies=[self.culture, self.education]),
            by=self.secretariat,
        )
        self.assignment = self.directive.assignments.get(agency=self.culture)
        services.progress_report(
            assignment=self.assignment,
            text="จัดประชุมชี้แจงอำเภอแล้ว",
            status=Status.IN_PROGRESS,
            percent=40,
            files=[png_upload()],
            by=self.culture_user,
        )

    def test_it_finds_no_serious_problem_on_the_main_pages(self):
        self.visit("/accounts/login/")
        self.screenshot("login")
        self.assertAccessible("login")

        self.login("culture")
        self.visit("/inbox/")
        self.assertEqual(self.heading(), "งานของหน่วยงาน")
        self.screenshot("inbox")
        self.assertAccessible("inbox")
        with self.phone():
            self.visit("/inbox/")
            self.screenshot("inbox-phone")
            self.assertAccessible("inbox-phone")
        self.visit(f"/assignments/{self.assignment.pk}/")
        self.assertIn("รายงานผลการดำเนินงาน", self.page_text())
        self.screenshot("assignment-report-form")
        self.assertAccessible("assignment")

        self.login("secretariat")
        self.visit("/directives/")
        self.assertIn("พบ ๒ รายการ", self.page_text())
        self.screenshot("directive-list")
        self.assertAccessible("directive-list")
        self.visit(f"/directives/{self.directive.pk}/")
        self.assertIn("ปักหมุดลำปาง", self.heading())
        self.screenshot("directive")
        self.assertAccessible("directive")
        self.visit("/")
        self.screenshot("home-secretariat")
        self.assertAccessible("home")
