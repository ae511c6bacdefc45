"""Word copies of the printed documents (issue 14): /meetings/<id>/summary.docx,
/meetings/<id>/minutes.docx and /letters/<id>/summary.docx, in the PDFs' layout,
font, margins and numbering. Who may download them: tests/test_permissions.py.

No importer exists in this tree, so the round trip is checked by reading the
exported table back with python-docx and comparing it with the items entered."""

from __future__ import annotations

import io
import re
import zipfile

from django.contrib.auth import get_user_model
from django.test import TestCase, override_settings
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn

from directives.documents import item_rows
from directives.models import Directive
from lampang_tracker import thai, word
from meetings.models import Letter, Meeting
from minutes.models import Minutes
from tests.test_load_demo import load_demo


def read(data: bytes):
    return Document(io.BytesIO(data))


def cell_text(cell) -> str:
    return "\n".join(paragraph.text for paragraph in cell.paragraphs)


@override_settings(DEBUG=True)
class WordExportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.meeting = Meeting.objects.get(number=10, year_be=2560)
        cls.minutes = Minutes.objects.get(meeting__number=4, meeting__year_be=2563)
        cls.letter = Letter.objects.get()
        cls.user = get_user_model().objects.get(username="secretariat")

    def setUp(self):
        self.client.force_login(self.user)

    def download(self, name: str, pk: int) -> bytes:
        response = self.client.get(reverse(name, args=[pk]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], word.CONTENT_TYPE)
        self.assertIn("attachment;", response["Content-Disposition"])
        self.assertIn(".docx", response["Content-Disposition"])
        return response.content

    def summary_items(self, document) -> list[tuple[str, str, list[str]]]:
        """(ลำดับ, ประเด็น, parties) of each table row after the header; a continued
        row (no ลำดับ of its own and not a sub-item) joins the row above."""
        (table,) = document.tables
        self.assertEqual([cell_text(c) for c in table.rows[0].cells], ["ลำดับ", "ประเด็น", "หน่วยงานรับผิดชอบ"])
        items = []
        for row in table.rows[1:]:
            number, issue, parties = (cell_text(cell) for cell in row.cells)
            party_lines = [line.lstrip("-") for line in parties.splitlines() if line]
            if not number and items and not re.match(r"^[๐-๙]+\.[๐-๙]+ ", issue):
                previous = items[-1]
                items[-1] = (previous[0], previous[1] + "\n" + issue, previous[2] + party_lines)
            else:
                items.append((number, issue, party_lines))
        return items

    def expected_items(self, directives) -> list[tuple[str, str, list[str]]]:
        expected = []
        for row in item_rows(directives):
            lead = f"{row.prefix} " if row.prefix else ""
            if row.heading and (row.heading_apart or not row.paragraphs):
                issue = "\n".join([lead + row.heading, *row.paragraphs])
            elif row.paragraphs:
                first = lead + (f"{row.heading} " if row.heading else "") + row.paragraphs[0]
                issue = "\n".join([first, *row.paragraphs[1:]])
            else:
                issue = lead
            expected.append((row.number, issue, row.parties))
        return expected

    def test_it_exports_the_meeting_summary_with_the_same_items(self):
        document = read(self.download("meeting_summary_docx", self.meeting.pk))
        directives = list(
            Directive.objects.filter(meeting=self.meeting).prefetch_related("parties").order_by("sort_key")
        )
        self.assertEqual(self.summary_items(document), self.expected_items(directives))
        numbers = [number for number, _, _ in self.summary_items(document) if number]
        self.assertEqual(numbers, [thai.thai_digits(n) for n in range(1, 8)])
        heads = [paragraph.text for paragraph in document.paragraphs[:3]]
        self.assertEqual(heads[0], f"{self.meeting.series.summary_title} ครั้งที่ ๑๐/๒๕๖๐")
        self.assertEqual(document.paragraphs[-1].text, self.meeting.series.office_line)

    def test_it_sets_row_five_as_the_seed(self):
        (table,) = read(self.download("meeting_summary_docx", self.meeting.pk)).tables
        texts = [[cell_text(cell) for cell in row.cells] for row in table.rows]
        five = next(index for index, row in enumerate(texts) if row[0] == "๕")
        self.assertEqual(texts[five][2].splitlines(), ["-สำนักงานท่องเที่ยวและกีฬาจังหวัดลำปาง", "-ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง"])
        self.assertEqual(texts[five + 1][0], "")
        self.assertTrue(texts[five + 1][1].startswith("ขณะนี้ จังหวัดฯ"))
        self.assertEqual(texts[five + 1][2], "ทุกส่วนราชการ/หน่วยงาน")
        # the heading underlined, running into the text
        heading_run = table.rows[five].cells[1].paragraphs[0].runs[0]
        self.assertTrue(heading_run.underline)
        self.assertEqual(heading_run.text, "วาระลำปางน่าเที่ยว : ปักหมุดลำปาง เส้นทางต้องแวะ")

    def test_it_uses_the_offices_font_page_and_margins(self):
        data = self.download("meeting_summary_docx", self.meeting.pk)
        document = read(data)
        fonts = document.styles["Normal"].element.rPr.find(qn("w:rFonts"))
        self.assertEqual(fonts.get(qn("w:cs")), "TH Sarabun New")
        self.assertEqual(fonts.get(qn("w:ascii")), "TH Sarabun New")
        self.assertEqual(document.styles["Normal"].font.size.pt, 16)
        section = document.sections[0]
        self.assertEqual([round(value.cm, 2) for value in (section.top_margin, section.right_margin)], [2.5, 2.0])
        self.assertEqual([round(value.cm, 2) for value in (section.bottom_margin, section.left_margin)], [2.0, 3.0])
        self.assertEqual(round(section.page_width.cm, 1), 21.0)
        font_table = zipfile.ZipFile(io.BytesIO(data)).read("word/fontTable.xml").decode()
        self.assertIn('w:name="TH Sarabun New"', font_table)
        self.assertIn('<w:altName w:val="Laksaman"/>', font_table)
        # the header row repeats on every page
        header = document.tables[0].rows[0]._tr
        self.assertIsNotNone(header.trPr.find(qn("w:tblHeader")))

    def test_it_exports_the_letter_summary(self):
        document = read(self.download("letter_summary_docx", self.letter.pk))
        directives = list(Directive.objects.filter(letter=self.letter).prefetch_related("parties").order_by("sort_key"))
        self.assertEqual(self.summary_items(document), self.expected_items(directives))
        self.assertTrue(document.paragraphs[0].text.startswith("สรุปข้อสั่งการตามหนังสือ ที่ มท ๐๘๑๐.๖/ว ๑๒๕๐๕"))

    def test_it_exports_the_minutes_with_their_labels_and_numbers(self):
        document = read(self.download("minutes_docx", self.minutes.meeting.pk))
        texts = [paragraph.text for paragraph in document.paragraphs]
        self.assertEqual(texts[1], "ครั้งที่ ๔/๒๕๖๓")
        self.assertIn("ผู้มาประชุม จำนวน ๓๖ คน", texts)
        self.assertIn("ปิดประชุม เวลา ๑๒.๓๐ น.", texts)
        self.assertIn("ลงชื่อ ...................................... ผู้บันทึกรายงานการประชุม", texts)
        # เรื่องก่อนเข้าวาระ numbered as entered, as on the page and in the PDF
        self.assertIn("๕. การจัดทำระเบียบวาระการประชุมประจำเดือน", texts)
        self.assertEqual(sum(text.startswith("๑. ") for text in texts[:40]), 2)
        first_table = document.tables[0]
        self.assertEqual(cell_text(first_table.rows[0].cells[0]), "๑.")
        self.assertIn("ระเบียบวาระที่ ๕ เรื่องเพื่อพิจารณา", texts)

    def test_it_answers_404_for_a_meeting_that_does_not_exist(self):
        for name in ["meeting_summary_docx", "minutes_docx", "letter_summary_docx"]:
            with self.subTest(name=name):
                self.assertEqual(self.client.get(reverse(name, args=[999999])).status_code, 404)
