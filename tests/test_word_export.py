"""Word copies of the printed documents (issue 14): /meetings/<id>/summary.docx,
/meetings/<id>/minutes.docx and /letters/<id>/summary.docx, in the PDFs' layout,
font, margins and numbering. Who may download them: tests/test_permissions.py.

Here the exported table is read back with python-docx and compared with the items
entered; tests/test_docx_round_trip.py imports it back through the importer."""

from __future__ import annotations

import datetime
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
from meetings.services import meeting_create
from minutes import services as minutes_services
from minutes.models import Minutes, Section
from tests.test_load_demo import load_demo
from tests.test_pdf_minutes import MinutesCast


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
        self.assertIn("ผู้เข้าร่วมประชุม จำนวน ๓๖ คน", texts)  # the seed series' own heading
        self.assertIn("ปิดประชุม เวลา ๑๒.๓๐ น.", texts)
        self.assertIn("ลงชื่อ ...................................... ผู้บันทึกรายงานการประชุม", texts)
        # เรื่องก่อนเข้าวาระ numbered as entered, as on the page and in the PDF
        self.assertIn("๕. การจัดทำระเบียบวาระการประชุมประจำเดือน", texts)
        self.assertEqual(sum(text.startswith("๑. ") for text in texts[:40]), 2)
        first_table = document.tables[0]
        self.assertEqual(cell_text(first_table.rows[0].cells[0]), "๑.")
        self.assertIn("ระเบียบวาระที่ ๕ เรื่องเพื่อพิจารณา", texts)
        # The surnames in a column of their own, as the seed lists the attendees.
        self.assertEqual(
            [cell_text(cell) for cell in first_table.rows[0].cells], ["๑.", "นายชาติตรี", "ธินนท์", "พัฒนาการจังหวัดลำปาง"]
        )
        # The venue cut after its bracket, as the seed's head.
        self.assertIn("ณ ห้องศูนย์ปฏิบัติการจังหวัดลำปาง (สำนักงานกองทุนหมู่บ้านและชุมชนเมืองแห่งชาติ)", texts)
        self.assertIn("ชั้น ๑ ศาลากลางจังหวัดลำปาง", texts)
        # ๓.๑, ๓.๒ and ๕.๑ headed by who presents them, the title below, as ๔.๑.
        for label, presenter, title in (
            ("๓.๑", "กลุ่มงานส่งเสริมการพัฒนาชุมชน", "การเร่งรัดการเบิกจ่ายการดำเนินงานกองทุนพัฒนาบทบาทสตรี"),
            ("๓.๒", "ฝ่ายอำนวยการ", "รายงานผลการใช้จ่ายงบประมาณ ประจำปีงบประมาณ พ.ศ. ๒๕๖๓"),
            (
                "๕.๑",
                "กลุ่มงานส่งเสริมการพัฒนาชุมชน",
                "ข้อมูลเป้าหมายได้จากการจำหน่ายผลิตภัณฑ์หนึ่งตำบล หนึ่งผลิตภัณฑ์ (OTOP) ประจำปีงบประมาณ ๒๕๖๓",
            ),
        ):
            with self.subTest(label):
                at = texts.index(f"{label} {presenter}")
                self.assertEqual(texts[at + 1], title)
                self.assertTrue(document.paragraphs[at + 1].runs[0].bold)

    def test_it_answers_404_for_a_meeting_that_does_not_exist(self):
        for name in ["meeting_summary_docx", "minutes_docx", "letter_summary_docx"]:
            with self.subTest(name=name):
                self.assertEqual(self.client.get(reverse(name, args=[999999])).status_code, 404)


def body_paragraphs(document) -> list[list[str]]:
    """The texts of the document's paragraphs, section by section."""
    sections: list[list[str]] = [[]]
    for paragraph in document.paragraphs:
        sections[-1].append(paragraph.text)
        properties = paragraph._p.pPr
        if properties is not None and properties.find(qn("w:sectPr")) is not None:
            sections.append([])
    return sections


class MinutesWordTests(MinutesCast):
    """The minutes' Word copy with what the PDF has besides the minutes: the cover
    letter (หนังสือนำส่ง, ``?letter=1``) and the amendments made after certification."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.circulate(cls.minutes)
        later = meeting_create(
            by=cls.secretariat, series=cls.series, number=1, year_be=2561, date=datetime.date(2018, 1, 31)
        )
        minutes_services.minutes_certify(minutes=cls.minutes, at_meeting=later, by=cls.secretariat)
        minutes_services.section_update(
            section=cls.minutes.sections.get(number=Section.CHAIR),
            resolution="รับทราบ และมอบหมายสำนักงานจังหวัดติดตาม",
            reason="แก้ตามมติที่ประชุมครั้งที่ ๑/๒๕๖๑",
            by=cls.secretariat,
        )

    def download(self, **query) -> tuple[object, str]:
        self.login(self.secretariat)
        url = reverse("minutes_docx", args=[self.next_meeting.pk])
        response = self.client.get(url, query)
        self.assertEqual(response.status_code, 200)
        return read(response.content), response["Content-Disposition"]

    def test_it_puts_the_cover_letter_first_in_a_section_of_its_own(self):
        document, disposition = self.download(letter="1")
        self.assertIn("minutes-2560-11-letter.docx", disposition)
        letter, minutes = body_paragraphs(document)
        letter = [text for text in letter if text.strip()]
        (head,) = [table for table in document.tables if cell_text(table.rows[0].cells[0]).startswith("ที่ ")]
        self.assertEqual(cell_text(head.rows[0].cells[0]), "ที่ ลป ๐๐๑๗.๓/๑๒๓")
        self.assertEqual(cell_text(head.rows[0].cells[1]), "ศาลากลางจังหวัดลำปาง\nถนนวชิราวุธดำเนิน ลป ๕๒๐๐๐")
        self.assertEqual(
            letter[:4],
            [
                "๒๘ ธันวาคม ๒๕๖๐",
                "เรื่อง ขอส่งรายงานการประชุม",
                "เรียน หัวหน้าส่วนราชการทุกส่วน",
                "สิ่งที่ส่งมาด้วย รายงานการประชุมฯ จำนวน ๑ ชุด",
            ],
        )
        self.assertTrue(letter[4].startswith("ตามที่ ได้มีการประชุมหัวหน้าส่วนราชการจังหวัดลำปาง ครั้งที่ ๑๑/๒๕๖๐"))
        self.assertIn("ภายในวันที่ ๑๐ มกราคม ๒๕๖๑", letter[5])
        self.assertEqual(
            letter[6:],
            [
                "จึงเรียนมาเพื่อพิจารณาดำเนินการ",
                "ขอแสดงความนับถือ",
                "(นายชาติ อินทร์)",
                "หัวหน้าสำนักงานจังหวัดลำปาง",
                "กลุ่มงานอำนวยการ",
                "โทร./โทรสาร ๐-๕๔๒๖-๕๐๕๕",
            ],
        )
        self.assertEqual(minutes[0], self.minutes.title)
        self.assertEqual(minutes[1], "ครั้งที่ ๑๑/๒๕๖๐")
        # The date and the signature from the middle of the page, as the PDF sets them.
        paragraphs = {p.text: p for p in document.paragraphs}
        self.assertAlmostEqual(paragraphs["๒๘ ธันวาคม ๒๕๖๐"].paragraph_format.left_indent.cm, 7.5, places=2)
        self.assertAlmostEqual(paragraphs["ขอแสดงความนับถือ"].paragraph_format.left_indent.cm, 6.0, places=2)
        self.assertAlmostEqual(
            paragraphs["จึงเรียนมาเพื่อพิจารณาดำเนินการ"].paragraph_format.first_line_indent.cm, 2.5, places=2
        )

    def test_it_numbers_the_minutes_from_their_own_first_page_in_thai_digits(self):
        document, _ = self.download(letter="1")
        letter, minutes = document.sections
        for section in (letter, minutes):
            self.assertTrue(section.different_first_page_header_footer)
            self.assertEqual(section.first_page_header.paragraphs[0].text, "")
            header = section.header._element.xml
            self.assertIn("PAGE", header)
            self.assertEqual(section.header.paragraphs[0].text.replace("๒", "#"), "- # -")
            self.assertEqual([round(v.cm, 2) for v in (section.top_margin, section.left_margin)], [2.5, 3.0])
        numbering = minutes._sectPr.find(qn("w:pgNumType"))
        self.assertEqual((numbering.get(qn("w:fmt")), numbering.get(qn("w:start"))), ("thaiNumbers", "1"))
        self.assertIsNone(letter._sectPr.find(qn("w:pgNumType")).get(qn("w:start")))

    def test_it_appends_the_amendments_on_a_page_of_their_own(self):
        document, disposition = self.download()
        self.assertIn("minutes-2560-11.docx", disposition)
        self.assertEqual(len(document.sections), 1)
        texts = [p.text for p in document.paragraphs]
        title = texts.index("บันทึกการแก้ไขรายงานการประชุมหลังการรับรอง")
        self.assertEqual(texts[title + 1], f"{self.minutes.title} ครั้งที่ ๑๑/๒๕๖๐")
        self.assertIn('w:type="page"', document.paragraphs[title - 1]._p.xml)
        self.assertLess(texts.index("ลงชื่อ ...................................... ผู้ตรวจรายงานการประชุม"), title)
        table = document.tables[-1]
        rows = [[cell_text(cell) for cell in row.cells] for row in table.rows]
        self.assertEqual(rows[0], ["ลำดับ", "การแก้ไข", "เหตุผล", "ผู้แก้ไข / เมื่อ"])
        self.assertEqual(rows[1][0], "๑")
        self.assertEqual(
            rows[1][1].splitlines(),
            [
                "ระเบียบวาระที่ ๑ เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ: มติที่ประชุม",
                "ข้อความเดิม",
                "รับทราบ",
                "ข้อความใหม่",
                "รับทราบ และมอบหมายสำนักงานจังหวัดติดตาม",
            ],
        )
        self.assertEqual(rows[1][2], "แก้ตามมติที่ประชุมครั้งที่ ๑/๒๕๖๑")
        self.assertTrue(rows[1][3].startswith("สมศรี ใจดี\n"))
        change = table.rows[1].cells[1].paragraphs
        self.assertTrue(change[0].runs[0].bold)
        self.assertTrue(change[1].runs[0].underline)
        self.assertEqual([round(cell.width.cm, 1) for cell in table.rows[1].cells], [1.3, 7.3, 4.2, 3.2])
        self.assertIsNotNone(table.rows[0]._tr.trPr.find(qn("w:tblHeader")))
        self.assertIsNotNone(table.rows[1]._tr.trPr.find(qn("w:cantSplit")))

    def test_it_refuses_the_letter_of_a_draft_in_thai(self):
        draft = meeting_create(
            by=self.secretariat, series=self.series, number=2, year_be=2561, date=datetime.date(2018, 2, 28)
        )
        self.write_minutes(draft)
        self.login(self.secretariat)
        response = self.client.get(reverse("minutes_docx", args=[draft.pk]), {"letter": "1"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("ร่างรายงานการประชุมยังไม่ได้เวียนเพื่อรับรอง", response.content.decode())
        plain = self.client.get(reverse("minutes_docx", args=[draft.pk]))
        self.assertEqual(plain.status_code, 200)
        self.assertNotIn("บันทึกการแก้ไขรายงานการประชุมหลังการรับรอง", [p.text for p in read(plain.content).paragraphs])
