"""The minutes journey in a browser: the secretariat records the minutes of a meeting
from its agenda, turns an instruction into a directive and circulates them; an agency
asks for a correction from a phone; the secretariat accepts it and prints the minutes
with their cover letter."""

from __future__ import annotations

import datetime
import io

from pypdf import PdfReader

from directives import services as directive_services
from directives.models import Directive, Status
from meetings.services import meeting_create
from tests.test_pdf_text import pypdf_text, squash

from .browser import BrowserTestCase

PREVIOUS_TEXT = "ขอให้ทุกส่วนราชการรณรงค์แต่งกายชุดพื้นเมืองในทุกวันศุกร์"
PREVIOUS_REPORT = "จัดประชุมชี้แจงหัวหน้าส่วนราชการแล้ว"
ITEM_TITLE = "การประกวดผ้า สืบสานอนุรักษ์ศิลป์ ผ้าถิ่นไทย"
ITEM_RESOLUTION = "รับทราบ ให้สำนักงานวัฒนธรรมจังหวัดประชาสัมพันธ์ผู้ชนะการประกวด"
CORRECTION = "ขอแก้ชื่อผู้ชนะเป็น “ผ้าพันดาวลายพราง” ตามประกาศผล"


class MinutesJourneyTests(BrowserTestCase):
    journey = "minutes-journey"

    def setUp(self):
        super().setUp()
        self.make_cast()
        # The previous meeting and its open directive, with the culture office's report.
        previous = meeting_create(
            by=self.secretariat, series=self.series, number=10, year_be=2560, date=datetime.date(2017, 11, 29)
        )
        directive = directive_services.directive_create(
            meeting=previous,
            number="1",
            text=PREVIOUS_TEXT,
            parties=directive_services.parties_from(agencies=[self.culture]),
            by=self.secretariat,
        )
        directive_services.progress_report(
            assignment=directive.assignments.get(),
            text=PREVIOUS_REPORT,
            status=Status.IN_PROGRESS,
            by=self.culture_user,
        )
        self.meeting = meeting_create(
            by=self.secretariat,
            series=self.series,
            number=11,
            year_be=2560,
            date=datetime.date(2017, 12, 27),
            start_time=datetime.time(9, 30),
            venue="ห้องประชุมออลิมปิก ชั้น ๔ ศาลากลางจังหวัดลำปาง",
        )

    def test_from_agenda_to_certification_and_print(self):
        self.secretariat_starts_the_minutes()
        self.secretariat_pastes_the_attendance()
        self.secretariat_records_an_item_with_its_resolution()
        self.secretariat_turns_the_item_into_a_directive()
        self.secretariat_circulates_for_certification()
        self.agency_asks_for_a_correction_from_a_phone()
        self.secretariat_accepts_the_correction()
        self.secretariat_prints_the_minutes_with_the_letter()

    def paste(self, name: str, text: str) -> None:
        """What pasting ``text`` into the field does: the value changes at once."""
        field = self.find(f"[name='{name}']")
        self.driver.execute_script(
            "arguments[0].value = arguments[1];arguments[0].dispatchEvent(new Event('input', {bubbles: true}));",
            field,
            text,
        )

    # -- steps ---------------------------------------------------------------

    def secretariat_starts_the_minutes(self):
        self.login("secretariat")
        self.visit(f"/meetings/{self.meeting.pk}/")
        self.follow(self.find_text("a", "รายงานการประชุม"))
        self.assertIn("การประชุมนี้ยังไม่มีรายงานการประชุม", self.page_text())
        self.follow(self.find_text("button", "จัดทำรายงานการประชุม"))
        self.assertEqual(self.heading(), "รายงานการประชุมหัวหน้าส่วนราชการจังหวัดลำปาง\nครั้งที่ ๑๑/๒๕๖๐")
        text = self.page_text()
        for expected in (
            "สถานะ: ร่างรายงานการประชุม",
            "ระเบียบวาระที่ ๑ เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ",
            "ระเบียบวาระที่ ๒ รับรองรายงานการประชุมครั้งที่ ๑๐/๒๕๖๐ เมื่อวันที่ ๒๙ พฤศจิกายน ๒๕๖๐",
            "ระเบียบวาระที่ ๓ เรื่องสืบเนื่องจากการประชุมครั้งที่ ๑๐/๒๕๖๐",
            PREVIOUS_TEXT,  # section ๓, from the tracker
            PREVIOUS_REPORT,
            "ระเบียบวาระที่ ๖ เรื่องอื่น ๆ",
        ):
            self.assertIn(expected, text)
        self.minutes_path = self.path()
        self.screenshot("minutes-started")

    def secretariat_pastes_the_attendance(self):
        self.follow(self.find_text("a", "ผู้เข้าประชุม"))
        # Pasted from a Word table: cells arrive separated by tabs (typing Tab would move on).
        self.paste("lines", "๑. นายชาติตรี\tธินนท์\tผู้ว่าราชการจังหวัดลำปาง\n๒. นางอุทัยวรรณ\tมินสุวรรณ\tวัฒนธรรมจังหวัดลำปาง")
        self.follow(self.find_text("button", "เพิ่มรายชื่อ"))
        self.assertIn("เพิ่ม 2 รายชื่อแล้ว", self.messages())
        names = [field.get_attribute("value") for field in self.find_all("input[name$='-name']")]
        self.assertEqual(names, ["นายชาติตรี ธินนท์", "นางอุทัยวรรณ มินสุวรรณ"])
        self.screenshot("attendance")
        self.visit(self.minutes_path)
        self.assertIn("ผู้มาประชุม จำนวน ๒ คน", self.page_text())

    def secretariat_records_an_item_with_its_resolution(self):
        section = self.find("#section-4")
        self.follow(self.find_text("a", "+ เพิ่มเรื่อง", within=section))
        self.assertEqual(self.find("[name='number']").get_attribute("value"), "4.1")
        # A number outside the section is refused at the field, the text kept.
        self.type_into("number", "๕.๑")
        self.type_into("title", ITEM_TITLE)
        self.type_into("resolution", ITEM_RESOLUTION)
        self.follow(self.find_text("button", "บันทึก"))
        self.assertIn("ลำดับต้องขึ้นต้นด้วย ๔.", self.find(".field-number .field-error").text)
        self.assertEqual(self.find("[name='title']").get_attribute("value"), ITEM_TITLE)
        self.type_into("number", "๔.๑")
        self.follow(self.find_text("button", "บันทึก"))
        self.assertIn("เพิ่มเรื่อง ๔.๑ แล้ว", self.messages())
        item = self.find("article.agenda-item")
        self.assertIn(ITEM_TITLE, item.text)
        self.assertIn(f"มติที่ประชุม {ITEM_RESOLUTION}", item.text)

    def secretariat_turns_the_item_into_a_directive(self):
        self.follow(self.find_text("a", "สร้างข้อสั่งการจากเรื่องนี้"))
        self.assertEqual(self.find("[name='text']").get_attribute("value"), ITEM_RESOLUTION)
        self.tick("สำนักงานวัฒนธรรมจังหวัดลำปาง")
        self.screenshot("item-to-directive")
        self.follow(self.find_text("button", "สร้างข้อสั่งการและมอบหมายหน่วยงาน"))
        self.assertIn("สร้างข้อสั่งการข้อ ๑ จากเรื่อง ๔.๑ แล้ว", self.messages())
        self.follow(self.find_text("a", "ข้อ ๑", within=self.find("article.agenda-item")))
        self.assertIn("รายงานการประชุมครั้งที่ ๑๑/๒๕๖๐ เรื่อง ๔.๑", self.page_text())
        self.assertIn("สำนักงานวัฒนธรรมจังหวัดลำปาง", self.page_text())
        self.assertTrue(Directive.objects.filter(meeting=self.meeting, text=ITEM_RESOLUTION).exists())

    def secretariat_circulates_for_certification(self):
        self.visit(self.minutes_path)
        self.follow(self.find_text("button", "เวียนเพื่อรับรอง"))
        self.assertIn("เวียนรายงานการประชุมเพื่อรับรองแล้ว", self.messages())
        self.assertIn("สถานะ: อยู่ระหว่างเวียนเพื่อรับรอง", self.page_text())
        self.assertIn("อีก ๑๔ วัน", self.page_text())

    def agency_asks_for_a_correction_from_a_phone(self):
        with self.phone():
            self.login("culture")
            self.visit(self.minutes_path)
            self.assertAccessible("minutes")
            self.choose("section", "ระเบียบวาระที่ ๔ เรื่องเพื่อทราบ")
            self.type_into("text", CORRECTION)
            self.follow(self.find_text("button", "ส่งคำขอแก้ไข"))
            self.assertIn("ส่งคำขอแก้ไขแล้ว ฝ่ายเลขานุการจะพิจารณาและแจ้งผล", self.messages())
            corrections = self.find("#corrections").text
            self.assertIn(CORRECTION, corrections)
            self.assertIn("รอพิจารณา", corrections)
            self.screenshot("correction-sent-phone")
        # another agency does not see it
        self.login("education")
        self.visit(self.minutes_path)
        self.assertNotIn(CORRECTION, self.page_text())

    def secretariat_accepts_the_correction(self):
        self.login("secretariat")
        self.visit(self.minutes_path)
        self.tick("แก้ไขตามคำขอแล้ว")
        self.follow(self.find_text("button", "บันทึกผลการพิจารณา"))
        self.assertIn("บันทึกผลการพิจารณาคำขอแก้ไขแล้ว", self.messages())
        self.assertIn("แก้ไขตามคำขอแล้ว", self.find("#corrections").text)
        self.assertAccessible("minutes-secretariat")
        self.screenshot("minutes-circulating")

    def secretariat_prints_the_minutes_with_the_letter(self):
        link = self.find_text("a", "PDF พร้อมหนังสือนำส่ง")
        status, content_type, pdf = self.fetch(link.get_attribute("href").removeprefix(self.live_server_url))
        self.assertEqual((status, content_type), (200, "application/pdf"))
        self.assertTrue(pdf.startswith(b"%PDF-"))
        self.assertGreaterEqual(len(PdfReader(io.BytesIO(pdf)).pages), 2)
        text = squash(pypdf_text(pdf))
        for expected in (
            "ขอส่งรายงานการประชุม",
            "รายงานการประชุมหัวหน้าส่วนราชการจังหวัดลำปาง",
            "ครั้งที่ ๑๑/๒๕๖๐",
            "นายชาติตรี ธินนท์",
            ITEM_TITLE,
            ITEM_RESOLUTION,
            PREVIOUS_TEXT,
        ):
            self.assertIn(squash(expected), text)
        (self.shots / "minutes.pdf").write_bytes(pdf)
