"""The parsing rules of the import, each on real lines from the seeds (no database)."""

from __future__ import annotations

import datetime

from django.test import SimpleTestCase

from imports import parsers
from imports.thai_repair import repair
from tests.import_samples import DATA, letter_text, summary_docx, summary_text


class RuleTests(SimpleTestCase):
    def test_it_reads_numbers_in_thai_or_arabic_digits_at_any_depth(self):
        self.assertEqual(parsers.item_start("๑. จัดประชุมซักซ้อมแนวทาง"), ("1", "จัดประชุมซักซ้อมแนวทาง"))
        self.assertEqual(parsers.item_start("๑๒.๒ ขอให้จังหวัด"), ("12.2", "ขอให้จังหวัด"))
        self.assertEqual(parsers.item_start("3.1.2 รายงานผล"), ("3.1.2", "รายงานผล"))

    def test_it_does_not_take_the_date_line_enumerations_or_sub_lists_for_items(self):
        self.assertIsNone(parsers.item_start("๗ ธันวาคม ๒๕๖๗"))
        self.assertIsNone(parsers.item_start("(๓) ด้านศิลปวัฒนธรรมของท้องถิ่น"))
        self.assertIsNone(parsers.item_start("๑) นางสาวพิริยา ตันวัชรพันธ์"))
        self.assertIsNone(parsers.item_start("๒๕ ของเดือน จนถึงเดือนกันยายน"))
        self.assertEqual(parsers.parse_date_line("๗ ธันวาคม ๒๕๖๗"), datetime.date(2024, 12, 7))

    def test_it_takes_a_number_out_of_sequence_as_running_text(self):
        self.assertTrue(parsers.follows(["1", "2"], "3"))
        self.assertTrue(parsers.follows(["1"], "1.1"))
        self.assertTrue(parsers.follows(["1", "1.1", "1.2"], "2"))
        self.assertFalse(parsers.follows(["1", "2"], "25"))

    def test_it_drops_page_continuation_lines_and_page_numbers(self):
        self.assertTrue(parsers.is_page_continuation("/๓. ขอให้จังหวัด..."))
        self.assertTrue(parsers.is_page_continuation("/๑.๔ การส่งเสริม..."))
        self.assertTrue(parsers.is_page_continuation("/กำกับ..."))
        self.assertFalse(parsers.is_page_continuation("ส่งเสริมอัตลักษณ์/เอกลักษณ์ทางท้องถิ่น"))
        self.assertTrue(parsers.is_page_number("- ๒ -"))

    def test_it_reads_due_dates_written_in_the_text(self):
        self.assertEqual(parsers.parse_due_date("ให้แล้วเสร็จภายในวันที่ ๓๑ ตุลาคม ๒๕๖๗"), datetime.date(2024, 10, 31))
        self.assertEqual(parsers.parse_due_date("ดำเนินการภายในไตรมาสที่ ๒ (เดือนมีนาคม ๒๕๖๘)"), datetime.date(2025, 3, 31))
        self.assertEqual(parsers.parse_due_date("ภายใน ๑๕ ต.ค. ๖๗"), datetime.date(2024, 10, 15))
        self.assertEqual(parsers.parse_due_date("ภายในวันที่ 30 พ.ย. 2567"), datetime.date(2024, 11, 30))
        self.assertEqual(parsers.parse_due_date("ภายในไตรมาสที่ ๑ ปีงบประมาณ พ.ศ. ๒๕๖๘"), datetime.date(2024, 12, 31))
        self.assertIsNone(parsers.parse_due_date("ขอให้ดำเนินการโดยเร็ว"))

    def test_it_reads_a_monthly_reporting_cycle(self):
        line = "รายงานผลการดำเนินงาน ทาง Google Sheet ทุกวันที่ ๒๕ ของเดือน จนถึงเดือนกันยายน ๒๕๖๘"
        self.assertEqual(parsers.parse_report_cycle(line), (25, datetime.date(2025, 9, 30)))
        self.assertEqual(parsers.parse_report_cycle("รายงานทุกวันที่ ๒๐ ของเดือน"), (20, None))
        self.assertEqual(parsers.parse_report_cycle("ไม่มีรอบรายงาน"), (None, None))

    def test_it_splits_a_party_cell_as_the_seed_writes_it(self):
        groups = parsers.split_parties(["สำนักงานสาธารณสุข จังหวัดลำปาง  ทุกส่วนราชการ/ หน่วยงาน"])
        self.assertEqual(groups, [(["สำนักงานสาธารณสุขจังหวัดลำปาง", "ทุกส่วนราชการ/หน่วยงาน"], False)])
        groups = parsers.split_parties(
            [
                "สำนักงาน พระพุทธศาสนา จังหวัด และหน่วยงาน ที่เกี่ยวข้อง",
                "-สำนักงานเกษตร จังหวัด",
                "-สำนักงาน ทรัพยากรธรรมชาติและ สิ่งแวดล้อม จังหวัด",
            ]
        )
        self.assertEqual(
            groups,
            [
                (["สำนักงานพระพุทธศาสนาจังหวัด และหน่วยงานที่เกี่ยวข้อง"], False),
                (["สำนักงานเกษตรจังหวัด", "สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัด"], True),
            ],
        )


class RepairTests(SimpleTestCase):
    def test_it_puts_back_sara_am_lost_in_extraction(self):
        self.assertEqual(repair("ลาปาง"), "ลำปาง")
        self.assertEqual(repair("สานักงาน"), "สำนักงาน")
        self.assertEqual(repair("ดาเนนิ การ"), "ดำเนินการ")

    def test_it_puts_marks_back_in_order_and_drops_spaces_inside_words(self):
        self.assertEqual(repair("จงั หวดั ลาปาง"), "จังหวัด ลำปาง")
        self.assertEqual(repair("ระบบนเิ วศภาครฐั"), "ระบบนิเวศภาครัฐ")
        self.assertEqual(repair("ผู้สูงอาย ุ ขอให้"), "ผู้สูงอายุ ขอให้")

    def test_it_never_changes_text_that_was_right(self):
        for name in (
            "meeting-summary-lampang-10-2560.txt",
            "moi-letter-soft-power-2567.txt",
            "minutes-lampang-cdd-4-2563.txt",
        ):
            with self.subTest(name):
                text = (DATA / name).read_text(encoding="utf-8")
                self.assertEqual(repair(text), text)

    def test_it_repairs_lines_of_the_slides_seed(self):
        line = "ณ จงั หวดั ลาปาง"
        self.assertIn(line, (DATA / "open-government-pm25-slides-pdf-extracted.txt").read_text(encoding="utf-8"))
        self.assertEqual(repair(line), "ณ จังหวัด ลำปาง")


class SummaryTests(SimpleTestCase):
    def assertSeedItems(self, document):
        numbers = [item.number for item in document.items]
        self.assertEqual(numbers, ["1", "2", "3", "4", "5", "6", "7", "7.1", "7.2", "7.3", "7.4", "7.5", "7.6"])
        by_number = {item.number: item for item in document.items}
        self.assertEqual(by_number["1"].heading, "วาระลำปางเมืองแห่งการเรียนรู้ เมืองน่าอยู่สำหรับเด็ก เยาวชน จุดนัดพบคนรุ่นใหม่")
        self.assertEqual(by_number["7"].heading, "ประเด็นอื่น ๆ")
        self.assertEqual(
            by_number["5"].party_labels,
            ["สำนักงานท่องเที่ยวและกีฬาจังหวัดลำปาง", "ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง", "ทุกส่วนราชการ/หน่วยงาน"],
        )
        self.assertTrue(by_number["5"].text.endswith("ในการต้อนรับนักท่องเที่ยวต่อไป"))
        self.assertEqual(by_number["7.6"].party_labels, ["สำนักงานเกษตรจังหวัด", "สำนักงานทรัพยากรธรรมชาติและสิ่งแวดล้อมจังหวัด"])
        self.assertTrue(by_number["7.6"].parties_bulleted)
        self.assertFalse(by_number["7.5"].parties_bulleted)
        # Row ๕ goes on in a row of its own with ทุกส่วนราชการ/หน่วยงาน beside its second
        # paragraph; row ๖'s heading is a paragraph of its own; row ๗'s heading has no text.
        self.assertEqual(by_number["5"].party_paragraphs, [0, 0, 1])
        self.assertEqual(by_number["4"].party_paragraphs, [0, 0])
        self.assertEqual([n for n, item in by_number.items() if item.heading_apart], ["6"])

    def test_it_reads_the_seed_text_form(self):
        document = parsers.parse(kind=parsers.SUMMARY, text=summary_text())
        self.assertSeedItems(document)
        self.assertEqual(document.source["meeting_number"], "10/2560")
        self.assertEqual(document.source["date"], datetime.date(2017, 11, 29))
        self.assertEqual(document.problems, [])

    def test_it_reads_a_word_file_with_underlined_headings(self):
        self.assertSeedItems(parsers.parse(kind=parsers.SUMMARY, data=summary_docx(), filename="สรุป.docx"))

    def test_it_reads_tab_separated_text_pasted_from_word(self):
        text = (
            'ลำดับ\tประเด็น\tหน่วยงานรับผิดชอบ\n๑\tขอให้รายงานผลภายในวันที่ ๓๑ ตุลาคม ๒๕๖๗\t"สำนักงานวัฒนธรรมจังหวัดลำปาง\nทุกอำเภอ"\n'
        )
        document = parsers.parse(kind=parsers.SUMMARY, text=text)
        self.assertEqual(len(document.items), 1)
        item = document.items[0]
        self.assertEqual(item.party_labels, ["สำนักงานวัฒนธรรมจังหวัดลำปาง", "ทุกอำเภอ"])
        self.assertEqual(item.due_date, datetime.date(2024, 10, 31))

    def test_it_reports_lines_it_cannot_read_with_their_line_number(self):
        text = "ลำดับ\tประเด็น\tหน่วยงานรับผิดชอบ\n๑\tขอให้ดำเนินการ\tทุกอำเภอ\nข้อความที่ไม่มีแท็บ\nก\tข้อความ\tทุกอำเภอ\n"
        document = parsers.parse(kind=parsers.SUMMARY, text=text)
        self.assertEqual([i.number for i in document.items], ["1"])
        self.assertEqual([line for line, _ in document.problems], [3, 4])
        self.assertIn("อ่านบรรทัดนี้ไม่ได้", document.problems[0][1])


class LetterTests(SimpleTestCase):
    def test_it_reads_the_ministry_letter(self):
        document = parsers.parse(kind=parsers.LETTER, text=letter_text())
        self.assertEqual(document.source["number"], "มท ๐๘๑๐.๖/ว ๑๒๕๐๕")
        self.assertEqual(document.source["date"], datetime.date(2024, 12, 7))
        self.assertTrue(document.source["subject"].startswith("การขับเคลื่อนนโยบายสำคัญของกระทรวงมหาดไทย"))
        self.assertEqual(document.source["sender"], "กระทรวงมหาดไทย")
        self.assertEqual(document.source["urgency"], "ด่วนที่สุด")
        self.assertEqual([i.number for i in document.items], ["1", "2", "3", "4"])
        item2, item4 = document.items[1], document.items[3]
        self.assertNotIn("/๓.", item2.text)
        self.assertIn("(Tourism for all)", item2.text)
        self.assertEqual((item4.report_day, item4.report_until), (25, datetime.date(2025, 9, 30)))
        self.assertEqual(item4.party_labels, ["สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด"])


class BadFileTests(SimpleTestCase):
    def test_it_refuses_bad_files_with_a_thai_message(self):
        cases = [
            ({"data": b"", "filename": "a.docx"}, "ว่าง"),
            ({"data": b"hello", "filename": "a.txt"}, ".docx"),
            ({"data": b"PK\x03\x04broken", "filename": "a.docx"}, "docx"),
            ({"data": b"%PDF-1.4 broken", "filename": "a.pdf"}, "PDF"),
            ({"data": b"%PDF-" + b"0" * (20 * 1024 * 1024), "filename": "a.pdf"}, "๒๐ MB"),
            ({"text": "   "}, "ไม่มีข้อความ"),
        ]
        for kwargs, words in cases:
            with self.subTest(words), self.assertRaises(parsers.DocumentError) as caught:
                parsers.parse(kind=parsers.SUMMARY, **kwargs)
            self.assertIn(words, str(caught.exception))


def letter_pdf() -> bytes:
    """The letter seed printed as a plain A4 document (one paragraph a line), with
    the project's PDF renderer."""
    from django.template import Context, Template

    from lampang_tracker.pdf import html_to_pdf

    template = Template(
        '{% extends "pdf/base.html" %}{% block body %}{% for line in lines %}<p>{{ line|default:"&nbsp;" }}</p>'
        "{% endfor %}{% endblock %}"
    )
    return html_to_pdf(template.render(Context({"lines": letter_text().split("\n")})))


def letter_docx() -> bytes:
    import io

    import docx

    document = docx.Document()
    for line in letter_text().split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


class LetterFileTests(SimpleTestCase):
    def assertLetterRead(self, document):
        self.assertEqual(document.source["number"], "มท ๐๘๑๐.๖/ว ๑๒๕๐๕")
        self.assertEqual(document.source["date"], datetime.date(2024, 12, 7))
        self.assertEqual([i.number for i in document.items], ["1", "2", "3", "4"])
        self.assertNotIn("/๓.", document.items[1].text)
        self.assertEqual(
            (document.items[3].report_day, document.items[3].report_until), (25, datetime.date(2025, 9, 30))
        )

    def test_it_reads_a_letter_from_a_word_file(self):
        self.assertLetterRead(parsers.parse(kind=parsers.LETTER, data=letter_docx(), filename="หนังสือ.docx"))

    def test_it_reads_a_letter_from_a_pdf(self):
        self.assertLetterRead(parsers.parse(kind=parsers.LETTER, data=letter_pdf(), filename="หนังสือ.pdf"))


class LetterBodyTests(SimpleTestCase):
    HEAD = "ที่ ลป ๐๐๑๗.๒/ว ๑๒๓\n\nศาลากลางจังหวัดลำปาง\n\n๒ ตุลาคม ๒๕๖๗\n\nเรื่อง การป้องกันไฟป่า\n\nเรียน นายอำเภอทุกอำเภอ\n\nจังหวัดขอให้ดำเนินการ ดังนี้\n\n"

    def test_it_joins_an_item_across_a_page_break(self):
        body = "๑. ขอให้ทุกอำเภอ\n/กำกับ...\n\n- ๒ -\n\nกำกับดูแลการเผาในที่โล่ง ภายในวันที่ ๓๑ ต.ค. ๒๕๖๗\n\nจึงเรียนมาเพื่อทราบ"
        document = parsers.parse(kind=parsers.LETTER, text=self.HEAD + body)
        self.assertEqual(len(document.items), 1)
        item = document.items[0]
        self.assertEqual(item.text, "ขอให้ทุกอำเภอ กำกับดูแลการเผาในที่โล่ง ภายในวันที่ ๓๑ ต.ค. ๒๕๖๗")
        self.assertEqual(item.due_date, datetime.date(2024, 10, 31))
        self.assertEqual(document.source["number"], "ลป ๐๐๑๗.๒/ว ๑๒๓")
        self.assertEqual(document.source["sender"], "ศาลากลางจังหวัดลำปาง")

    def test_it_reads_sub_items_at_any_depth(self):
        body = "๑. การเตรียมการ\n๑.๑ จัดตั้งศูนย์\n๑.๒ จัดทำแผน\n๑.๒.๑ แผนระยะสั้น\n๒. การรายงาน\n\nจึงเรียนมาเพื่อทราบ"
        document = parsers.parse(kind=parsers.LETTER, text=self.HEAD + body)
        self.assertEqual([i.number for i in document.items], ["1", "1.1", "1.2", "1.2.1", "2"])
        self.assertEqual([i.parent_number for i in document.items], ["", "1", "1", "1.2", ""])


class PartySharingTests(SimpleTestCase):
    def test_it_gives_one_party_cell_to_every_sub_item_and_asks_to_check(self):
        text = "ลำดับ\tประเด็น\tหน่วยงานรับผิดชอบ\n๑\t<p>๑.๑ ข้อแรก</p> <p>๑.๒ ข้อสอง</p>\t<p>ทุกอำเภอ</p>\n"
        document = parsers.parse(kind=parsers.SUMMARY, text=text)
        self.assertEqual(
            [(i.number, i.party_labels) for i in document.items],
            [("1", []), ("1.1", ["ทุกอำเภอ"]), ("1.2", ["ทุกอำเภอ"])],
        )
        self.assertEqual([line for line, _ in document.problems], [2])
