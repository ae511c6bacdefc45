"""A 390 px phone: every table readable, nothing wider than the screen, axe clean.

Tables become labelled cards (static/css/app.css, .table.cards) or scroll inside
their own box; either way the page itself never scrolls sideways.
"""

from __future__ import annotations

from directives import services
from directives.models import Status
from meetings.services import meeting_create, source_publish
from minutes import services as minutes_services

from .browser import PHONE, BrowserTestCase

LONG_TEXT = (
    "ขอให้ปรับบทบาทและภารกิจให้เป็นหน่วยอำนวยการและยุทธศาสตร์ โดยมุ่งเน้นการพัฒนา วางแผน "
    "และขับเคลื่อนยุทธศาสตร์ด้านการศึกษาควบคู่กับงานบริหารงานบุคคล"
)


class PhoneTests(BrowserTestCase):
    journey = "phone"

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
            number="1",
            heading="วาระลำปางเมืองแห่งการเรียนรู้ เมืองน่าอยู่สำหรับเด็ก เยาวชน จุดนัดพบคนรุ่นใหม่",
            text=LONG_TEXT,
            due_date=self.due_in(-10),
            parties=services.parties_from(
                agencies=[self.education, self.culture], groups=[self.districts], free_text=["สถาบันการศึกษาในจังหวัดลำปาง"]
            ),
            by=self.secretariat,
        )
        services.directive_create(
            meeting=self.meeting,
            number="2",
            text="ขอให้รณรงค์แต่งกายชุดพื้นเมืองในทุกวันศุกร์",
            due_date=self.due_in(5),
            parties=services.parties_from(agencies=[self.culture]),
            by=self.secretariat,
        )
        services.progress_report(
            assignment=self.directive.assignments.get(agency=self.culture),
            text="จัดประชุมชี้แจงแล้ว",
            status=Status.IN_PROGRESS,
            percent=40,
            by=self.culture_user,
        )
        minutes = minutes_services.minutes_start(meeting=self.meeting, by=self.secretariat)
        minutes_services.attendees_add_heads(
            minutes=minutes, agencies=[self.culture, self.education, self.koh_kha], by=self.secretariat
        )
        source_publish(source=self.meeting, published=True, by=self.secretariat)

    def assertFitsThePhone(self, page: str) -> None:
        """Nothing on the page is wider than the phone (no sideways scrolling)."""
        width = self.driver.execute_script("return document.documentElement.scrollWidth")
        self.assertLessEqual(width, PHONE["width"], f"{page} ({self.path()}) is {width}px wide on a 390px phone")

    def check(self, page: str, path: str, heading: str) -> None:
        self.visit(path)
        self.assertIn(heading, self.heading())
        self.screenshot(f"{page}-phone")
        self.assertFitsThePhone(page)
        self.assertAccessible(f"{page}-phone")

    def test_it_fits_every_main_page_on_a_phone(self):
        self.login("secretariat")
        with self.phone():
            self.check("home", "/", "ภาพรวมข้อสั่งการ")
            self.check("directive-list", "/directives/", "ข้อสั่งการ")
            # Each directive is one card whose cells are labelled.
            card = self.find("table.directives tbody tr")
            self.assertEqual(self.driver.execute_script("return getComputedStyle(arguments[0]).display", card), "block")
            parties = self.find("td[data-label='หน่วยงานรับผิดชอบ']", card)
            label = self.driver.execute_script("return getComputedStyle(arguments[0], '::before').content", parties)
            self.assertEqual(label, '"หน่วยงานรับผิดชอบ"')
            self.assertIn("ทุกอำเภอ", parties.text)
            self.check("meeting-list", "/meetings/", "การประชุม")
            self.check("meeting", f"/meetings/{self.meeting.pk}/", "ครั้งที่")
            self.check("attendance", f"/meetings/{self.meeting.pk}/minutes/attendees/", "ผู้เข้าประชุม")
            self.check("letter-list", "/letters/", "หนังสือสั่งการ")
            self.check("agency-list", "/agencies/", "หน่วยงาน")
            self.check("agency", f"/agencies/{self.culture.pk}/", "สำนักงานวัฒนธรรมจังหวัดลำปาง")
            self.check("dashboard", "/dashboard/", "แดชบอร์ด")

        self.login("culture")
        with self.phone():
            self.check("agency-home", "/", "สำนักงานวัฒนธรรมจังหวัดลำปาง")
            self.check("inbox", "/inbox/", "งานของหน่วยงาน")

        self.driver.delete_all_cookies()
        with self.phone():
            self.check("public", "/public/", "ข้อสั่งการ")
            self.assertIn(LONG_TEXT[:30], self.page_text())
