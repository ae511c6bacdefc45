"""The main journey, end to end in a browser, one person after another.

The secretariat sets up a meeting and its directives through the pages, an agency
reports from a phone, another agency is kept out, the secretariat accepts the
report and the executive's overview moves. Each step asserts on what the person
sees: Thai text, counts, the file they download.

One sequential test: every step needs what the steps before it made, through the
pages themselves, so splitting it would only repeat the setup.
"""

from __future__ import annotations

import io
import shutil
import tempfile
from pathlib import Path

from pypdf import PdfReader

from directives.models import today
from lampang_tracker.thai import thai_digits
from tests.base import TempMediaMixin, png_bytes
from tests.test_pdf_text import pypdf_text, squash

from .browser import BrowserTestCase, flat, thai_date_input

ROUTES_TEXT = "ขอให้ทุกอำเภอคัดเลือกเส้นทางท่องเที่ยวเด่นอำเภอละหนึ่งเส้นทาง"
DRESS_TEXT = "ขอให้ทุกส่วนราชการรณรงค์แต่งกายชุดพื้นเมืองในทุกวันศุกร์"
CONTEST_TEXT = "ให้สำนักงานวัฒนธรรมจังหวัดจัดประกวดการแต่งกายผ้าพื้นเมือง"
REPORT_TEXT = "คัดเลือกเส้นทางครบทั้ง ๑๓ อำเภอแล้ว และเผยแพร่ทางเว็บไซต์จังหวัด"
PHOTO_NAME = "ภาพกิจกรรม.png"


class DirectiveJourneyTests(TempMediaMixin, BrowserTestCase):
    journey = "directive-journey"

    def setUp(self):
        super().setUp()
        self.make_cast()
        self.year_be = today().year + 543
        self.meeting_label = thai_digits(f"12/{self.year_be}")

    def test_from_meeting_to_accepted_report(self):
        self.secretariat_creates_the_meeting()
        self.secretariat_adds_two_directives_and_a_sub_item()
        self.secretariat_downloads_the_summary_pdf()
        self.executive_sees_the_new_work()
        self.agency_acknowledges_and_reports_from_a_phone()
        self.another_agency_gets_not_found()
        self.secretariat_accepts_the_report()
        self.executive_sees_the_counts_change()

    # -- steps ---------------------------------------------------------------

    def secretariat_creates_the_meeting(self):
        self.login("secretariat")
        self.assertEqual(self.heading(), "ภาพรวมข้อสั่งการ")
        self.follow(self.find_text("nav a", "การประชุม"))
        self.follow(self.find_text("a", "สร้างการประชุม"))
        self.choose("series", "การประชุมหัวหน้าส่วนราชการจังหวัดลำปาง")
        self.type_into("number", "12")
        self.type_into("date", thai_date_input(today()))
        self.type_into("start_time", "09.30")
        self.type_into("venue", "ห้องประชุมออลิมปิก ชั้น ๔ ศาลากลางจังหวัดลำปาง")
        self.type_into("chair", "ผู้ว่าราชการจังหวัดลำปาง")
        self.screenshot("meeting-form")
        self.follow(self.find_text("button", "บันทึก"))

        self.assertIn(f"สร้างการประชุมครั้งที่ {self.meeting_label} แล้ว", self.messages())
        self.assertEqual(self.heading(), f"การประชุมหัวหน้าส่วนราชการจังหวัดลำปาง ครั้งที่ {self.meeting_label}")
        self.assertIn("เวลา ๐๙.๓๐ น.", self.page_text())
        self.assertIn("ยังไม่มีประเด็นในการประชุมนี้", self.page_text())
        self.meeting_path = self.path()

    def secretariat_adds_two_directives_and_a_sub_item(self):
        self.follow(self.find_text("a", "เพิ่มประเด็น"))
        self.type_into("number", "1")
        self.type_into("heading", "วาระลำปางน่าเที่ยว")
        self.type_into("text", ROUTES_TEXT)
        self.tick("ทุกอำเภอ")  # a group: each of its districts gets the item
        # The checklist filter narrows the long list of agencies as one types.
        self.type_into_filter("วัฒนธรรม")
        self.assertFalse(self.find_text("label", "สำนักงานศึกษาธิการจังหวัดลำปาง").is_displayed())
        self.tick("สำนักงานวัฒนธรรมจังหวัดลำปาง")
        self.type_into("due_date", thai_date_input(self.due_in(30)))
        self.screenshot("directive-form")
        self.follow(self.find_text("button", "บันทึกและเพิ่มข้อถัดไป"))

        self.assertIn("บันทึกข้อ ๑ แล้ว", self.messages())
        self.assertEqual(self.heading(), "เพิ่มประเด็น / ข้อสั่งการ")
        self.type_into("number", "2")
        self.type_into("text", DRESS_TEXT)
        self.tick("สำนักงานศึกษาธิการจังหวัดลำปาง")
        self.type_into("free_parties", "ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง")
        self.type_into("due_date", thai_date_input(self.due_in(45)))
        self.follow(self.find_text("button", "บันทึก"))
        self.assertIn("บันทึกข้อ ๒ แล้ว", self.messages())

        self.follow(self.find_text("td a", DRESS_TEXT))
        self.follow(self.find_text("a", "เพิ่มข้อย่อย"))
        self.assertEqual(self.heading(), "เพิ่มข้อย่อยของข้อ ๒")
        self.type_into("number", "2.1")
        self.type_into("text", CONTEST_TEXT)
        self.tick("สำนักงานวัฒนธรรมจังหวัดลำปาง")
        self.type_into("due_date", thai_date_input(self.due_in(30)))
        self.follow(self.find_text("button", "บันทึก"))

        self.assertIn("บันทึกข้อ ๒.๑ แล้ว", self.messages())
        self.assertEqual(self.path(), self.meeting_path)
        rows = self.find_all("table.summary tbody tr")
        self.assertEqual([self.find("td.num", row).text for row in rows], ["๑", "๒", "๒.๑"])
        self.assertEqual(
            [self.find_all("td", row)[2].text.splitlines() for row in rows],
            [
                ["สำนักงานวัฒนธรรมจังหวัดลำปาง", "ทุกอำเภอ"],
                ["สำนักงานศึกษาธิการจังหวัดลำปาง", "ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง"],
                ["สำนักงานวัฒนธรรมจังหวัดลำปาง"],
            ],
        )
        self.screenshot("meeting-with-directives")

    def secretariat_downloads_the_summary_pdf(self):
        # The file the meeting page's link serves, fetched with the browser's login.
        self.visit(self.meeting_path)
        link = self.find_text("a", "พิมพ์สรุปประเด็น (PDF)")
        status, content_type, pdf = self.fetch(link.get_attribute("href").removeprefix(self.live_server_url))
        self.assertEqual((status, content_type), (200, "application/pdf"))
        self.assertTrue(pdf.startswith(b"%PDF-"), pdf[:20])
        self.assertGreaterEqual(len(PdfReader(io.BytesIO(pdf)).pages), 1)
        text = squash(pypdf_text(pdf))
        for expected in (
            f"ครั้งที่ {self.meeting_label}",
            "ห้องประชุมออลิมปิก ชั้น ๔ ศาลากลางจังหวัดลำปาง",
            ROUTES_TEXT,
            DRESS_TEXT,
            CONTEST_TEXT,
            "ทุกอำเภอ",
            "ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง",
        ):
            self.assertIn(squash(expected), text)
        (self.shots / "summary.pdf").write_bytes(pdf)

    def executive_sees_the_new_work(self):
        self.login("executive")
        self.assertEqual(self.heading(), "ภาพรวมสำหรับผู้บริหาร")
        # ข้อ ๑: วัฒนธรรม + the two districts of ทุกอำเภอ; ข้อ ๒: ศึกษาธิการ; ข้อ ๒.๑: วัฒนธรรม.
        # The cards count directives; the table counts each agency's share.
        self.assertEqual(
            self.stats(),
            {"ข้อสั่งการ ยังไม่เสร็จ": "๓", "ข้อสั่งการ เกินกำหนด": "๐", "ข้อสั่งการ เสร็จแล้ว / ปิดประเด็น": "๐"},
        )
        self.assertEqual(self.agency_rows()["สำนักงานวัฒนธรรมจังหวัดลำปาง"], ["๒", "๐", "๐"])
        self.screenshot("executive-before")

    def agency_acknowledges_and_reports_from_a_phone(self):
        with self.phone():
            self.login("culture")
            self.assertEqual(self.driver.execute_script("return window.innerWidth"), 390)
            self.assertEqual(self.heading(), "สำนักงานวัฒนธรรมจังหวัดลำปาง")
            self.assertEqual(self.stats()["งานของหน่วยงาน ใหม่ ยังไม่รับทราบ"], "๒")
            self.follow(self.find_text("nav a", "งานของหน่วยงาน"))
            self.assertEqual(self.bucket_count("new"), "๒")
            item = self.find_text("#new article", ROUTES_TEXT)
            self.assertIn(f"ครั้งที่ {self.meeting_label} · ข้อ ๑", item.text)
            self.screenshot("agency-inbox-phone")
            self.follow(self.find_text("button", "รับทราบ", within=item))

            self.assertIn("รับทราบแล้ว", self.messages())
            self.assertEqual(self.bucket_count("new"), "๑")
            self.assertNotIn(ROUTES_TEXT, self.find("#new").text)
            self.follow(self.find_text("#open article a", ROUTES_TEXT))
            self.assignment_path = self.path()
            self.assertIn("โดย culture", self.find("dl.facts").text)

            photo = self.write_photo()
            self.tick("ดำเนินการแล้วเสร็จ")
            self.type_into("percent", "100")
            self.type_into("text", REPORT_TEXT)
            self.find("input[type=file][name=files]").send_keys(str(photo))
            self.screenshot("agency-report-form-phone")
            self.follow(self.find_text("button", "ส่งรายงาน"))

            self.assertIn("ส่งรายงานผลแล้ว", self.messages())
            report = self.find(".timeline .report")
            self.assertIn(REPORT_TEXT, report.text)
            self.assertIn("ดำเนินการแล้วเสร็จ · ร้อยละ ๑๐๐", flat(report.text))
            self.assertIn("รอตรวจ", report.text)
            self.screenshot("agency-report-sent-phone")
            attachment = self.find_text("a", PHOTO_NAME, within=report)
            # Evidence is always a download (never rendered in the tracker's origin): the
            # link gives back the very bytes that were uploaded, as the type they are.
            status, content_type, content = self.fetch(attachment.get_attribute("pathname"))
            self.assertEqual((status, content_type, content), (200, "image/png", png_bytes()))

    def another_agency_gets_not_found(self):
        self.login("education")
        self.visit(self.assignment_path)
        self.assertEqual(self.heading(), "ไม่พบหน้าที่ต้องการ")
        self.assertIn("หน้านี้ไม่มีอยู่ หรือคุณไม่มีสิทธิ์เข้าถึง", self.page_text())
        self.assertNotIn(REPORT_TEXT, self.page_text())
        self.assertEqual(self.fetch(self.assignment_path)[0], 404)
        self.screenshot("other-agency-not-found")

    def secretariat_accepts_the_report(self):
        self.login("secretariat")
        self.assertEqual(self.stats()["รายงานรอตรวจ"], "๑")
        self.follow(self.find_text("nav a", "การประชุม"))
        self.follow(self.find_text("td a", "การประชุมหัวหน้าส่วนราชการจังหวัดลำปาง"))
        self.follow(self.find_text("td a", ROUTES_TEXT))
        share = self.find_text("section.assignment", "สำนักงานวัฒนธรรมจังหวัดลำปาง")
        self.assertIn(REPORT_TEXT, share.text)
        self.follow(self.find_text("button", "รับรายงาน", within=share))

        self.assertIn("บันทึกผลการตรวจรายงานแล้ว", self.messages())
        share = self.find_text("section.assignment", "สำนักงานวัฒนธรรมจังหวัดลำปาง")
        self.assertIn("รับรายงานแล้ว", self.find(".timeline .review", share).text)
        self.assertEqual(self.find_all("button", share), [])  # nothing left to review
        self.screenshot("secretariat-accepted")
        self.visit("/")
        self.assertEqual(self.stats()["รายงานรอตรวจ"], "๐")

    def executive_sees_the_counts_change(self):
        self.login("executive")
        self.assertEqual(
            self.stats(),
            # ข้อ ๑ stays open overall (its districts have not reported); วัฒนธรรม's share is done
            {"ข้อสั่งการ ยังไม่เสร็จ": "๓", "ข้อสั่งการ เกินกำหนด": "๐", "ข้อสั่งการ เสร็จแล้ว / ปิดประเด็น": "๐"},
        )
        self.assertEqual(self.agency_rows()["สำนักงานวัฒนธรรมจังหวัดลำปาง"], ["๑", "๐", "๑"])
        self.screenshot("executive-after")

    # -- reading the pages -----------------------------------------------------

    def stats(self) -> dict[str, str]:
        """The home page's count tiles: label → number as shown."""
        tiles = (self.find_all("span", tile) for tile in self.find_all(".stats .stat"))
        return {label.text: number.text for number, label in tiles}

    def agency_rows(self) -> dict[str, list[str]]:
        rows = self.find_all("table tbody tr")
        return {self.find("th", row).text: [td.text for td in self.find_all("td", row)] for row in rows}

    def bucket_count(self, key: str) -> str:
        return self.find(f"#{key} h2 .count").text

    def type_into_filter(self, text: str) -> None:
        self.find(".multi-filter").send_keys(text)

    def write_photo(self) -> Path:
        folder = Path(tempfile.mkdtemp(prefix="lampang-e2e-"))
        self.addCleanup(shutil.rmtree, folder, True)
        photo = folder / PHOTO_NAME
        photo.write_bytes(png_bytes())
        return photo
