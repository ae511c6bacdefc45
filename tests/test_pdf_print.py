"""The seed documents print like the office's own (issue 14): Thai lines end
between words, never inside one, and the text layer stays the typed text.

The demo database (``manage.py load_demo``: meeting ๑๐/๒๕๖๐, the minutes of
ครั้งที่ ๔/๒๕๖๓, the Ministry letter) is printed once per class; lines are read back
from the PDF with ``pdftotext -raw`` and with pypdf.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import unicodedata

from django.test import SimpleTestCase, TestCase, override_settings
from pypdf import PdfReader
from pythainlp.util import normalize

from agencies.models import Agency
from directives import documents
from directives.models import Assignment, Status
from lampang_tracker import pdf, thai
from meetings.models import Letter, Meeting
from minutes import documents as minutes_documents
from minutes.models import Minutes
from tests.test_load_demo import MEETING_SEED, load_demo

HAS_PDFTOTEXT = shutil.which("pdftotext") is not None

# Words the office saw cut at a line end (issue 14) and a few more of the same kind.
WHOLE_WORDS = [
    "รายบุคคล",
    "ข้อตกลง",
    "ตัวชี้วัด",
    "ช่องทาง",
    "โยธาธิการ",
    "พระพุทธศาสนา",
    "หน่วยงาน",
    "ดำเนินการ",
    "อยู่ระหว่าง",
    "สำนักงาน",
    "ส่วนราชการ",
    "ผังเมือง",
]
PAGE_NUMBER_RE = re.compile(r"- [๐-๙]+ -")
TABLE_HEADERS = {
    "ลำดับ ประเด็น หน่วยงานรับผิดชอบ",
    "ลำดับ ประเด็น / หน่วยงานรับผิดชอบ ผลการดำเนินงาน",
    "ลำดับ ประเด็น สถานะ ผลการดำเนินงานล่าสุด",
}
# Lines that introduce what follows and must not end a page.
LONE_LINES = {"หมายเหตุ", "ผู้มาประชุม", "ผู้ไม่มาประชุม", "ผู้เข้าร่วมประชุม", "มติที่ประชุม"}
HEADING_RE = re.compile(r"^ระเบียบวาระที่ [๐-๙]+")
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def normal(text: str) -> str:
    return normalize(unicodedata.normalize("NFC", text))


def pdftotext_pages(data: bytes) -> list[str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        out = subprocess.run(
            ["pdftotext", "-raw", "-enc", "UTF-8", handle.name, "-"], check=True, capture_output=True, text=True
        ).stdout
    return out.split("\f")


def pypdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def split_words(pages: list[str], words: list[str]) -> list[str]:
    """Each "head|tail" where one of ``words`` is cut at a line or page end."""
    lines = [line.strip() for page in pages for line in page.splitlines() if line.strip()]
    found = []
    for before, after in zip(lines, lines[1:], strict=False):
        for word in words:
            for cut in range(1, len(word)):
                if before.endswith(word[:cut]) and after.startswith(word[cut:]):
                    found.append(f"{before[-12:]}|{after[:12]}")
    return found


@override_settings(DEBUG=True)
class SeedDocumentLineBreakTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        meeting = Meeting.objects.get(number=10, year_be=2560)
        minutes = Minutes.objects.get(meeting__number=4, meeting__year_be=2563)
        # The agency whose report holds the most "อยู่ระหว่างดำเนินการ" lines.
        agency = (
            Agency.objects.filter(assignments__status=Status.IN_PROGRESS).order_by("name").first()
            or Assignment.objects.first().agency
        )
        cls.pdfs = {
            "summary": documents.render_summary(meeting)[1],
            "followup": documents.render_followup(meeting)[1],
            "minutes": minutes_documents.render_minutes(minutes, with_letter=True)[1],
            "letter": documents.render_letter_summary(Letter.objects.get())[1],
            "agency": documents.render_agency_report(agency)[1],
            "followup_year": documents.render_followup_year(meeting.series, meeting.year_be)[1],
        }
        cls.office_line = meeting.series.office_line

    def test_it_cuts_no_listed_word_at_a_line_end_through_pdftotext(self):
        if not HAS_PDFTOTEXT:
            self.skipTest("pdftotext (poppler-utils) is not installed")
        for name, data in self.pdfs.items():
            with self.subTest(document=name):
                self.assertEqual(split_words(pdftotext_pages(data), WHOLE_WORDS), [])

    def test_it_cuts_no_listed_word_at_a_line_end_through_pypdf(self):
        # pypdf ignores /ActualText: compare in normal form (sara am, mark order).
        words = [normal(word) for word in WHOLE_WORDS]
        for name, data in self.pdfs.items():
            with self.subTest(document=name):
                pages = [normal(page) for page in pypdf_pages(data)]
                self.assertEqual(split_words(pages, words), [])

    def test_it_prints_the_words_the_office_saw_cut(self):
        # The words are really there to be cut: the check above is not empty.
        text = re.sub(r"\s", "", "".join(pdftotext_pages(self.pdfs["summary"]) + pdftotext_pages(self.pdfs["minutes"])))
        for word in ["รายบุคคล", "ข้อตกลง", "ตัวชี้วัด", "ช่องทาง", "โยธาธิการ", "พระพุทธศาสนา", "หน่วยงาน"]:
            self.assertIn(word, text)
        agency_text = re.sub(r"\s", "", "".join(pdftotext_pages(self.pdfs["agency"])))
        self.assertIn("อยู่ระหว่างดำเนินการ", agency_text)

    def test_it_leaves_no_zero_width_character_in_the_text_layer(self):
        for name, data in self.pdfs.items():
            with self.subTest(document=name):
                self.assertIsNone(ZERO_WIDTH.search("".join(pypdf_pages(data))))
                if HAS_PDFTOTEXT:
                    self.assertIsNone(ZERO_WIDTH.search("".join(pdftotext_pages(data))))

    # -- the seed's own wording -------------------------------------------

    def test_it_prints_the_seed_series_own_labels_and_numbers(self):
        if not HAS_PDFTOTEXT:
            self.skipTest("pdftotext (poppler-utils) is not installed")
        text = "\n".join(pdftotext_pages(self.pdfs["minutes"]))
        self.assertIn("ปิดประชุม เวลา ๑๒.๓๐ น.", text)
        self.assertIn("ผู้เข้าร่วมประชุม จำนวน ๓๖ คน", text)
        self.assertNotIn("ผู้มาประชุม", text)
        self.assertIn("ผู้บันทึกรายงานการประชุม", text)
        self.assertNotIn("ผู้จดรายงานการประชุม", text)
        self.assertNotIn("เลิกประชุมเวลา", text)
        self.assertIn("บัดนี้ ฝ่ายอำนวยการ", text)
        # เรื่องก่อนเข้าวาระ as numbered in the seed: ๕. carries ๕.๑–๕.๔.
        self.assertIn("๕. การจัดทำระเบียบวาระการประชุมประจำเดือน", text)
        self.assertNotIn("๖. การจัดทำระเบียบวาระการประชุมประจำเดือน", text)

    def test_it_lays_out_summary_rows_as_the_seed(self):
        if not HAS_PDFTOTEXT:
            self.skipTest("pdftotext (poppler-utils) is not installed")
        lines = [line.strip() for page in pdftotext_pages(self.pdfs["summary"]) for line in page.splitlines()]
        text = "\n".join(lines)
        # Row ๕: "ทุกส่วนราชการ/หน่วยงาน" beside the second paragraph, with no dash.
        self.assertNotIn("-ทุกส่วนราชการ/", text)
        second = next(index for index, line in enumerate(lines) if line.startswith("ขณะนี้ จังหวัดฯ"))
        row_6 = next(index for index, line in enumerate(lines) if line.startswith("๖ "))
        beside = [line for line in lines[second:row_6] if line.endswith("ทุกส่วนราชการ/") or line == "หน่วยงาน"]
        self.assertTrue(beside, lines[second:row_6])
        # Row ๖: the heading on its own line(s), the text from a new line.
        body = next(index for index, line in enumerate(lines) if line.startswith("การสร้าง Model Lampang"))
        self.assertIn("แบ่งปันความสุข", lines[body - 1])

    # -- no orphans ---------------------------------------------------------

    def page_lines(self, data: bytes) -> list[list[str]]:
        """Each page's lines without the page number and the repeated table header."""
        pages = []
        for page in pdftotext_pages(data):
            lines = [line.strip() for line in page.splitlines() if line.strip()]
            lines = [line for line in lines if not PAGE_NUMBER_RE.fullmatch(line) and line not in TABLE_HEADERS]
            pages.append(lines)
        while pages and not pages[-1]:
            pages.pop()
        return pages

    def test_it_never_leaves_the_office_line_alone_on_a_page(self):
        if not HAS_PDFTOTEXT:
            self.skipTest("pdftotext (poppler-utils) is not installed")
        for name in ["summary", "followup", "letter", "followup_year"]:
            with self.subTest(document=name):
                pages = self.page_lines(self.pdfs[name])
                self.assertGreater(len(pages), 1)
                self.assertEqual(pages[-1][-1], self.office_line)
                for lines in pages:
                    self.assertNotEqual(lines, [self.office_line])

    def test_it_ends_no_page_with_a_label_a_heading_or_a_table_header(self):
        if not HAS_PDFTOTEXT:
            self.skipTest("pdftotext (poppler-utils) is not installed")
        for name, data in self.pdfs.items():
            pages = self.page_lines(data)
            for number, lines in enumerate(pages[:-1], start=1):
                with self.subTest(document=name, page=number):
                    foot = lines[-1]
                    self.assertNotIn(foot, LONE_LINES)
                    self.assertIsNone(HEADING_RE.match(foot), foot)
                    # The page's last line is not the only line of a table header
                    # either (a header is repeated on the next page).
                    raw = [line.strip() for line in pdftotext_pages(data)[number - 1].splitlines() if line.strip()]
                    self.assertNotIn(raw[-2] if len(raw) > 1 else "", TABLE_HEADERS)

    def test_it_keeps_the_signatures_with_the_end_of_the_minutes(self):
        if not HAS_PDFTOTEXT:
            self.skipTest("pdftotext (poppler-utils) is not installed")
        pages = self.page_lines(self.pdfs["minutes"])
        last = pages[-1]
        ended = next(index for index, line in enumerate(last) if line.startswith(("เลิกประชุม", "ปิดประชุม")))
        self.assertGreater(ended, 0, "the closing time and signatures start a page alone")
        self.assertTrue(any(line.startswith("ลงชื่อ") for line in last))


class SummaryRowSegmentTests(SimpleTestCase):
    def row(self, **kwargs) -> documents.ItemRow:
        fields = dict(
            directive=None,
            number="๕",
            prefix="",
            heading="หัวข้อ",
            paragraphs=["ย่อหน้าแรก", "ย่อหน้าสอง"],
            parties=["ก", "ข", "ค"],
            bulleted=True,
            is_sub_item=False,
            has_sub_items=False,
        )
        return documents.ItemRow(**(fields | kwargs))

    def test_it_cuts_a_row_where_a_paragraph_has_parties_of_its_own(self):
        first, second = self.row(party_paragraphs=[0, 0, 1]).segments
        self.assertEqual((first.paragraphs, first.parties, first.bulleted), (["ย่อหน้าแรก"], ["ก", "ข"], True))
        self.assertEqual((second.paragraphs, second.parties, second.bulleted), (["ย่อหน้าสอง"], ["ค"], False))

    def test_it_keeps_a_row_whole_when_every_party_is_beside_the_first_paragraph(self):
        (only,) = self.row(party_paragraphs=[0, 0, 0]).segments
        self.assertEqual(
            (only.paragraphs, only.parties, only.bulleted), (["ย่อหน้าแรก", "ย่อหน้าสอง"], ["ก", "ข", "ค"], True)
        )

    def test_it_puts_a_party_beyond_the_last_paragraph_beside_the_last(self):
        segments = self.row(party_paragraphs=[0, 0, 9]).segments
        self.assertEqual(segments[-1].parties, ["ค"])


class WordBreakMarkupTests(SimpleTestCase):
    def test_it_puts_a_break_between_words_only(self):
        html = pdf.mark_word_breaks("<p>สำนักงานโยธาธิการและผังเมืองจังหวัดลำปาง</p>")
        self.assertEqual(html.count("\u200b"), len(html.split("\u200b")) - 1)
        self.assertEqual(html.replace("\u200b", ""), "<p>สำนักงานโยธาธิการและผังเมืองจังหวัดลำปาง</p>")
        self.assertEqual(html.split("\u200b")[:3], ["<p>สำนักงาน", "โยธาธิการ", "และ"])

    def test_it_takes_words_from_agency_names(self):
        self.assertIn("โยธาธิการ", thai.agency_words(["สำนักงานโยธาธิการและผังเมืองจังหวัดลำปาง"]))
        self.assertIn("ผังเมือง", thai.agency_words(["สำนักงานโยธาธิการและผังเมืองจังหวัดลำปาง"]))
        words = thai.thai_words_of("ศูนย์หม่อนไหมเฉลิมพระเกียรติ", extra_words=thai.agency_words(["ศูนย์หม่อนไหม"]))
        self.assertIn("หม่อนไหม", words)

    def test_it_leaves_tags_attributes_and_styles_alone(self):
        html = (
            '<html lang="th"><head><title>สรุปประเด็นการประชุม</title><style>p::before{content:"หน่วยงาน"}</style>'
            '<meta name="author" content="สำนักงานจังหวัดลำปาง"></head><body>'
            '<p title="หน่วยงานรับผิดชอบ">ทุกส่วนราชการ/หน่วยงาน &amp; ผู้ว่าราชการจังหวัด</p></body></html>'
        )
        marked = pdf.mark_word_breaks(html)
        head, body = marked.split("<body>")
        self.assertNotIn("\u200b", head)
        self.assertIn('title="หน่วยงานรับผิดชอบ"', body)
        self.assertIn("ทุก\u200bส่วนราชการ/หน่วยงาน &amp; ", body)
        self.assertEqual(marked.replace("\u200b", ""), html)

    def test_its_word_set_finds_the_words_pythainlps_trie_finds(self):
        # newmm asks the dictionary for the words that begin at a place; the compact
        # set must answer as pythainlp's Trie of the same words does, at every place
        # of the seed summary (and so cut it into the same words).
        from pythainlp.tokenize import word_tokenize
        from pythainlp.util import Trie

        word_set = thai._word_set(frozenset(thai.agency_words(["สำนักงานโยธาธิการและผังเมืองจังหวัดลำปาง"])))
        trie = Trie(word_set.words)
        self.assertIn("โยธาธิการ", word_set)
        runs = re.findall(r"[\u0e01-\u0e5b]{2,}", MEETING_SEED.read_text(encoding="utf-8"))
        self.assertGreater(len(runs), 100)
        for run in runs:
            for start in range(len(run)):
                self.assertEqual(word_set.prefixes(run, start), trie.prefixes(run, start), (run, start))
            self.assertEqual(
                word_tokenize(run, custom_dict=word_set, engine="newmm"),
                word_tokenize(run, custom_dict=trie, engine="newmm"),
            )

    def test_it_tells_pango_to_keep_whole_every_run_its_breaker_would_cut(self):
        # The ranges are UTF-8 bytes of the whole run, "เ" (E0 B9 80) included;
        # libthai cuts "เน้น|ย้ำ", one word of ours.
        text = "ล่วงหน้า เน้นย้ำ\u200bให้\u200bทุก ABC เน้นย้ำ"
        start = len("ล่วงหน้า ".encode())
        word = len("เน้นย้ำ".encode())
        later = len("ล่วงหน้า เน้นย้ำ\u200bให้\u200bทุก ABC ".encode())
        self.assertEqual(pdf._thai_word_spans(text), ((start, start + word), (later, later + word)))

    def test_it_keeps_long_dictionary_words_breakable(self):
        # No piece is longer than a narrow column can hold.
        text = "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดลำปาง"
        self.assertTrue(all(len(word) <= thai.LONGEST_UNBROKEN_WORD for word in thai.thai_words_of(text)))
