"""A form sent with bad input: the Thai error stands at the field, and nothing typed is lost."""

from __future__ import annotations

from directives import services
from meetings.services import meeting_create

from .browser import BrowserTestCase, thai_date_input

LONG_TEXT = "ขอให้ทุกส่วนราชการรณรงค์แต่งกายชุดพื้นเมืองในทุกวันศุกร์ และรายงานผลทุกเดือน"


class FormErrorTests(BrowserTestCase):
    journey = "form-errors"

    def setUp(self):
        super().setUp()
        self.make_cast()
        held = self.due_in(-7)
        self.meeting = meeting_create(
            by=self.secretariat, series=self.series, number=10, year_be=held.year + 543, date=held, venue="ศาลากลาง"
        )

    def field(self, label: str):
        """The block of one form field: its label, input, error and help."""
        return self.find_text("div.field", label)

    def test_it_shows_the_error_at_the_field_and_keeps_what_was_typed(self):
        self.login("secretariat")
        self.visit(f"/meetings/{self.meeting.pk}/directives/new/")
        self.type_into("number", "7ก")
        self.type_into("heading", "วาระรักลำปาง")
        self.type_into("text", LONG_TEXT)
        self.tick("สำนักงานวัฒนธรรมจังหวัดลำปาง")
        self.type_into("due_date", "31/2/2569")
        self.follow(self.find_text("button", "บันทึก"))

        self.assertEqual(self.heading(), "เพิ่มประเด็น / ข้อสั่งการ")  # still the form: nothing saved
        self.assertEqual(self.messages(), [])
        number = self.field("ลำดับ")
        self.assertIn("ลำดับต้องเป็นตัวเลข เช่น 7 หรือ 7.1", number.text)
        self.assertEqual(self.find("input", number).get_attribute("aria-invalid"), "true")
        self.assertIn("ไม่มีวันที่นี้ในปฏิทิน กรุณาตรวจสอบวัน เดือน ปี", self.field("กำหนดเสร็จ").text)
        # What the secretariat typed is all still there, the bad values included.
        self.assertEqual(self.find("[name=number]").get_attribute("value"), "7ก")
        self.assertEqual(self.find("[name=heading]").get_attribute("value"), "วาระรักลำปาง")
        self.assertEqual(self.find("[name=text]").get_attribute("value"), LONG_TEXT)
        self.assertEqual(self.find("[name=due_date]").get_attribute("value"), "31/2/2569")
        self.assertTrue(
            self.find_text("label", "สำนักงานวัฒนธรรมจังหวัดลำปาง").find_element("css selector", "input").is_selected()
        )
        self.assertNotIn("ลำดับต้องเป็นตัวเลข", self.field("หัวข้อ").text)
        self.screenshot("directive-form-errors")

        # Mending the two fields is enough: the rest was kept.
        self.type_into("number", "๗")
        self.type_into("due_date", thai_date_input(self.due_in(30)))
        self.follow(self.find_text("button", "บันทึก"))
        self.assertIn("บันทึกข้อ ๗ แล้ว", self.messages())
        self.assertIn(LONG_TEXT, self.page_text())

    def test_it_keeps_an_agency_report_on_a_phone(self):
        directive = services.directive_create(
            meeting=self.meeting,
            number="3",
            text="ขอให้จัดงานประเพณีแห่สลุงหลวง",
            due_date=self.due_in(20),
            parties=services.parties_from(agencies=[self.culture]),
            by=self.secretariat,
        )
        assignment = directive.assignments.get()
        with self.phone():
            self.login("culture")
            self.visit(f"/assignments/{assignment.pk}/")
            self.tick("อยู่ระหว่างดำเนินการ")
            self.type_into("percent", "150")
            self.type_into("text", "ประชุมคณะกรรมการจัดงานแล้ว")
            self.follow(self.find_text("button", "ส่งรายงาน"))

            self.assertEqual(self.messages(), [])
            self.assertIn("ร้อยละต้องอยู่ระหว่าง ๐ ถึง ๑๐๐", self.field("ร้อยละความคืบหน้า").text)
            self.assertEqual(self.find("[name=percent]").get_attribute("value"), "150")
            self.assertEqual(self.find("[name=text]").get_attribute("value"), "ประชุมคณะกรรมการจัดงานแล้ว")
            self.assertTrue(
                self.find_text("label", "อยู่ระหว่างดำเนินการ").find_element("css selector", "input").is_selected()
            )
            self.assertIn("ยังไม่มีรายงานผล", self.page_text())
            self.screenshot("report-form-errors-phone")
