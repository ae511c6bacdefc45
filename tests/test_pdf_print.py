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
from tests.test_load_demo import load_demo

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
        }

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

    def test_it_keeps_long_dictionary_words_breakable(self):
        # No piece is longer than a narrow column can hold.
        text = "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดลำปาง"
        self.assertTrue(all(len(word) <= thai.LONGEST_UNBROKEN_WORD for word in thai.thai_words_of(text)))
