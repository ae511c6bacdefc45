"""Importing directives in a browser: a Word summary into a meeting, with one
low-score agency corrected in the preview, then a letter pasted as text."""

from __future__ import annotations

import tempfile
from pathlib import Path

from directives.models import today
from meetings.services import meeting_create
from tests.import_samples import letter_text, summary_docx

from .browser import BrowserTestCase, flat

SUMMARY = (
    "สรุปประเด็นสืบเนื่องจากการประชุมหัวหน้าส่วนราชการ ครั้งที่ {number}\n"
    "ลำดับ\tประเด็น\tหน่วยงานรับผิดชอบ\n"
    "๑\t<u>วาระรักลำปาง รักวิถีล้านนา</u> ขอให้รณรงค์แต่งกายชุดพื้นเมืองในทุกวันศุกร์\tสำนักงานวัฒนธรรม จังหวัดลำปาง\n"
    "๒\t<u>ประเด็นอื่น ๆ</u>\t\n"
    "\t<p>๒.๑ ขอให้จัดทำแผนพัฒนาการศึกษา ภายในวันที่ ๓๑ ตุลาคม ๒๕๖๘</p> <p>๒.๒ ขอให้คัดเลือกเส้นทางท่องเที่ยวเด่น</p>"
    "\t<p>สนง.ศึกษาธิการ จ.ลำปาง</p> <p>ทุกอำเภอ</p>\n"
)


class ImportJourneyTests(BrowserTestCase):
    journey = "import-journey"

    def setUp(self):
        super().setUp()
        self.make_cast()
        self.meeting = meeting_create(
            by=self.secretariat, series=self.series, number=12, year_be=today().year + 543, date=today()
        )
        self.tmp = Path(tempfile.mkdtemp(prefix="lampang-import-"))
        self.docx = self.tmp / "สรุปประเด็น.docx"
        self.docx.write_bytes(summary_docx(SUMMARY.format(number=self.meeting.number_label)))

    def test_from_word_file_and_pasted_letter_to_directives(self):
        self.login("secretariat")
        self.visit(f"/meetings/{self.meeting.pk}/")
        self.follow(self.find_text("a", "นำเข้าข้อสั่งการ"))
        self.assertEqual(self.heading(), "นำเข้าข้อสั่งการ")
        self.assertAccessible("import-new")
        self.find("input[name='file']").send_keys(str(self.docx))
        self.follow(self.find_text("button", "อ่านเอกสาร"))

        self.assertEqual(self.heading(), "ตรวจสอบก่อนนำเข้า")
        self.assertIn("ยังไม่ได้บันทึก", self.page_text())
        self.assertNotIn("แต่เลือกนำเข้าสู่", self.page_text())
        self.assertEqual(self.meeting.directives.count(), 0)
        numbers = [field.get_attribute("value") for field in self.find_all("input[name$='-number']")]
        self.assertEqual(numbers, ["1", "2", "2.1", "2.2"])
        self.assertEqual(self.find("input[name='items-0-heading']").get_attribute("value"), "วาระรักลำปาง รักวิถีล้านนา")
        self.assertEqual(self.find("input[name='items-2-due_date']").get_attribute("value"), "31/10/2568")
        flagged = self.find(".party.low-score")
        self.assertIn("สนง.ศึกษาธิการจ.ลำปาง", flagged.text)
        self.assertIn("ไม่แน่นอน", flagged.text)
        self.screenshot("preview-flagged")
        self.assertAccessible("import-preview")
        self.choose("items-2-party_0", "สำนักงานศึกษาธิการจังหวัดลำปาง")
        self.follow(self.find_text("button", "ยืนยันนำเข้า"))

        self.assertIn("นำเข้าข้อสั่งการ ๔ ข้อแล้ว", self.messages())
        self.assertEqual(self.path(), f"/meetings/{self.meeting.pk}/")
        table = flat(self.find("table.summary").text)
        for text in (
            "วาระรักลำปาง รักวิถีล้านนา",
            "๒.๑",
            "ขอให้คัดเลือกเส้นทางท่องเที่ยวเด่น",
            "ทุกอำเภอ",
            "สำนักงานวัฒนธรรมจังหวัดลำปาง",
        ):
            self.assertIn(text, table)
        sub = self.meeting.directives.get(number="2.1")
        self.assertEqual(list(sub.assignments.values_list("agency__name", flat=True)), ["สำนักงานศึกษาธิการจังหวัดลำปาง"])
        self.assertEqual(sub.parent.number, "2")
        self.screenshot("meeting-after-import")

        self.follow(self.find_text("nav a", "หนังสือสั่งการ"))
        self.follow(self.find_text("a", "นำเข้าหนังสือสั่งการ"))
        self.assertTrue(self.find("input[name='kind'][value='letter']").is_selected())
        field = self.find("textarea[name='text']")
        # Pasting is one action for a person; typing 3,000 characters key by key is not.
        self.driver.execute_script("arguments[0].value = arguments[1]", field, letter_text())
        self.follow(self.find_text("button", "อ่านเอกสาร"))

        self.assertEqual(self.find("input[name='letter-number']").get_attribute("value"), "มท ๐๘๑๐.๖/ว ๑๒๕๐๕")
        self.assertEqual(self.find("input[name='letter-date']").get_attribute("value"), "07/12/2567")
        self.assertEqual(self.find("input[name='items-3-report_day']").get_attribute("value"), "25")
        self.screenshot("letter-preview")
        self.follow(self.find_text("button", "ยืนยันนำเข้า"))

        self.assertIn("นำเข้าข้อสั่งการ ๔ ข้อแล้ว", self.messages())
        self.assertEqual(self.heading(), "หนังสือ ที่ มท ๐๘๑๐.๖/ว ๑๒๕๐๕")
        rows = self.find_all("table.summary tbody tr")
        self.assertEqual([self.find("td.num", row).text for row in rows], ["๑", "๒", "๓", "๔"])
        self.assertIn("รายงานทุกวันที่ ๒๕ ของเดือน", rows[3].text)
        self.screenshot("letter-after-import")
