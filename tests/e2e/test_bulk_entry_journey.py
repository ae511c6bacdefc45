"""Fast manual entry in a browser: a meeting's directives typed into one table.

The secretariat opens the bulk table from the meeting page, types three rows (the
next number and the due date come by themselves, an agency comes from a suggestion
chip, another from the list), adds a row, is told at the cell about a number already
taken, corrects it and saves everything at once.
"""

from __future__ import annotations

import datetime

from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from directives import services
from directives.models import Directive
from meetings.services import meeting_create

from .browser import WAIT, BrowserTestCase, thai_date_input

TOURISM_TEXT = "ขอให้ประชาสัมพันธ์แหล่งท่องเที่ยวชุมชนช่วงปลายปี"


class BulkEntryJourneyTests(BrowserTestCase):
    journey = "bulk-entry"

    def setUp(self):
        super().setUp()
        self.make_cast()
        earlier = meeting_create(
            by=self.secretariat, series=self.series, number=9, year_be=2567, date=datetime.date(2024, 10, 30)
        )
        services.directive_create(
            meeting=earlier,
            number="1",
            text="ขอให้ส่งเสริมการท่องเที่ยวเมืองรองและเส้นทางท่องเที่ยวต้องแวะ",
            parties=services.parties_from(agencies=[self.culture]),
            by=self.secretariat,
        )
        self.meeting = meeting_create(
            by=self.secretariat, series=self.series, number=10, year_be=2567, date=datetime.date(2024, 11, 27)
        )
        services.directive_create(meeting=self.meeting, number="1", text="ข้อที่มีอยู่แล้ว", by=self.secretariat)
        self.due = thai_date_input(self.due_in(40))

    def cell(self, row: int, name: str):
        return self.find(f"[name='form-{row}-{name}']")

    def value(self, row: int, name: str) -> str:
        return self.cell(row, name).get_attribute("value")

    def test_the_secretariat_enters_a_meeting_in_one_table(self):
        self.login("secretariat")
        self.visit(f"/meetings/{self.meeting.pk}/")
        self.follow(self.find_text("a", "เพิ่มข้อสั่งการหลายข้อ"))
        self.assertEqual(self.heading(), "เพิ่มข้อสั่งการหลายข้อ")
        self.assertEqual([self.value(i, "number") for i in range(3)], ["2", "3", "4"])

        # Row 1: the tourism office is offered because a past tourism item went to it.
        self.cell(0, "heading").send_keys("วาระลำปางน่าเที่ยว")
        self.cell(0, "text").send_keys(TOURISM_TEXT)
        self.cell(0, "due_date").send_keys(self.due)
        chip = WebDriverWait(self.driver, WAIT).until(
            lambda driver: next(
                (c for c in self.find_all("tr.bulk-row:nth-child(1) button.chip") if c.text == "วธ.ลป."), None
            )
        )
        self.click(chip)
        self.assertEqual(self.value(0, "parties"), self.culture.name)
        self.assertEqual(self.value(1, "due_date"), self.due)  # carried to the rows below

        # Row 2 keeps its proposed number; row 3 starts sub-items and the rows below follow.
        self.cell(1, "heading").send_keys("ประเด็นอื่น ๆ")
        self.cell(2, "number").clear()
        self.cell(2, "number").send_keys("3.1")
        self.assertEqual(self.value(3, "number"), "3.2")
        self.cell(2, "text").send_keys("ขอให้ทุกอำเภอเฝ้าระวังไฟป่าและหมอกควัน")
        picker = self.find("tr.bulk-row:nth-child(3) .party-picker")
        picker.send_keys("ทุกอำเภอ")
        picker.send_keys(Keys.ENTER)
        self.cell(2, "parties").send_keys("\nส่วนราชการ/หน่วยงานที่เกี่ยวข้อง")

        # A new row at the end: numbered after the last one, with the due date carried.
        self.click(self.find("#bulk-add-row"))
        self.assertEqual(len(self.find_all("tr.bulk-row")), 11)
        self.assertEqual((self.value(10, "number"), self.value(10, "due_date")), ("3.9", self.due))
        self.cell(10, "number").clear()
        self.cell(10, "number").send_keys("3.2")
        self.cell(10, "text").send_keys("ขอให้รายงานจุดความร้อนทุกวัน")
        self.screenshot("table-filled")
        with self.phone():
            self.screenshot("table-filled-phone")
        self.assertAccessible("bulk-table")

        # A number already taken: told at the cell, nothing saved, everything kept.
        self.cell(0, "number").clear()
        self.cell(0, "number").send_keys("1")
        self.follow(self.find_text("button", "บันทึกทั้งหมด"))
        self.assertIn("ลำดับ ๑ มีอยู่แล้วในการประชุมนี้", self.find("tr.bulk-row:nth-child(1) .field-error").text)
        self.assertEqual(Directive.objects.filter(meeting=self.meeting).count(), 1)
        self.assertEqual(self.value(0, "text"), TOURISM_TEXT)
        self.assertEqual(self.value(10, "text"), "ขอให้รายงานจุดความร้อนทุกวัน")
        self.screenshot("cell-error")

        self.cell(0, "number").clear()
        self.cell(0, "number").send_keys("2")
        self.follow(self.find_text("button", "บันทึกทั้งหมด"))
        self.assertEqual(self.path(), f"/meetings/{self.meeting.pk}/")
        self.assertIn("บันทึก ๔ ข้อแล้ว (ข้อ ๒, ๓, ๓.๑, ๓.๒)", self.messages())
        saved = Directive.objects.filter(meeting=self.meeting).order_by("sort_key")
        self.assertEqual([d.number for d in saved], ["1", "2", "3", "3.1", "3.2"])
        sub = saved.get(number="3.1")
        self.assertEqual(sub.parent.number, "3")
        self.assertEqual([p.text for p in sub.parties.all()], ["ทุกอำเภอ", "ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง"])
        self.assertEqual({a.agency for a in sub.assignments.all()}, {self.koh_kha, self.ngao})
        self.assertEqual(saved.get(number="2").assignments.get().agency, self.culture)
        self.assertEqual({d.due_date for d in saved.exclude(number="1")}, {self.due_in(40)})
        self.screenshot("meeting-page")
