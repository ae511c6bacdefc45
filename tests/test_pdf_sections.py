"""A long PDF is laid out in sections side by side and joined (issue 14, speed).

``lampang_tracker.pdf`` cuts a long document between the row groups of its table,
lays the sections out in forked processes, joins them with pikepdf and numbers the
pages on from one section to the next. A small document of the same layout (the
office's stylesheet, a table of Thai rows) is printed both ways: the joined one
must read the same, page numbers apart, and be numbered without a gap.
"""

from __future__ import annotations

import io
import os
import re
from pathlib import Path
from unittest import mock

from django.template import Context, Template
from django.test import SimpleTestCase
from pypdf import PdfReader

from lampang_tracker import pdf, thai
from tests.test_pdf_print import HAS_PDFTOTEXT, PAGE_NUMBER_RE, TABLE_HEADERS, pdftotext_pages, pypdf_pages
from tests.test_pdf_text import parse_seed

DOCUMENT = Template(
    """{% extends "pdf/base.html" %}
{% block body %}
<div class="doc-head"><p class="title">{{ title }}</p></div>
<table class="items followup">
  <colgroup><col style="width: 1.3cm"><col style="width: 5.2cm"><col></colgroup>
  <thead><tr><th>ลำดับ</th><th>ประเด็น / หน่วยงานรับผิดชอบ</th><th>ผลการดำเนินงาน</th></tr></thead>
  <tfoot><tr><td colspan="3"></td></tr></tfoot>
  {% for row in rows %}
  <tbody><tr class="item-row">
    <td class="number"><p>{{ row.number }}</p></td>
    <td class="status"><p>{{ row.agency }}</p></td>
    <td class="report">{% for text in row.texts %}<p>{{ text }}</p>{% endfor %}</td>
  </tr></tbody>
  {% endfor %}
</table>
<p class="office-line keep-with-previous">{{ office_line }}</p>
{% endblock %}"""
)


def document_html(rows: int = 16) -> str:
    seed = parse_seed()
    paragraphs = [paragraph for item in seed.all_items() for paragraph in item.paragraphs if len(paragraph) > 80]
    return DOCUMENT.render(
        Context(
            {
                "title": "ผลการดำเนินงานตามสรุปประเด็นสืบเนื่องจากการประชุม ประจำปี ๒๕๖๗ (ทดสอบ)",
                "office_line": seed.office_line,
                "rows": [
                    {
                        "number": thai.thai_digits(number),
                        "agency": f"สำนักงานทดสอบที่ {thai.thai_digits(number)} จังหวัดลำปาง",
                        "texts": [paragraphs[(2 * number + step) % len(paragraphs)] for step in range(2)],
                    }
                    for number in range(1, rows + 1)
                ],
            }
        )
    )


def body_lines(pages: list[str]) -> list[str]:
    """Every line of the document in order, without page numbers and the table
    header repeated on each page."""
    lines = []
    for page in pages:
        for line in page.splitlines():
            line = line.strip()
            if line and not PAGE_NUMBER_RE.fullmatch(line) and line not in TABLE_HEADERS:
                lines.append(line)
    return lines


def page_numbers(data: bytes) -> list[str | None]:
    """The number printed at the top of each page ("- ๒ -"), None where there is none."""
    found = []
    for text in pypdf_pages(data):
        match = PAGE_NUMBER_RE.search(text)
        found.append(match[0] if match else None)
    return found


def child_processes() -> list[int]:
    me = os.getpid()
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == me:
                children.append(int(entry.name))
    return children


class SectionedRenderTests(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.html = document_html()
        cls.single = pdf.html_to_pdf(cls.html, processes=1)
        with mock.patch.object(pdf, "_fork_section", wraps=pdf._fork_section) as fork:
            cls.joined = pdf.html_to_pdf(cls.html, processes=2)
        cls.forks = fork.call_count

    def test_it_lays_the_sections_out_in_a_child_process(self):
        self.assertEqual(self.forks, 1)
        self.assertGreaterEqual(len(PdfReader(io.BytesIO(self.single)).pages), 4)

    def test_it_cuts_each_share_into_sections_laid_out_one_after_the_other(self):
        with mock.patch.object(pdf._Share, "print", autospec=True, side_effect=pdf._Share.print) as printed:
            pdf.html_to_pdf(self.html, processes=2)
        # This process's share; the child's are counted in the child.
        self.assertEqual(printed.call_count, pdf.SECTIONS_PER_PROCESS)

    def test_it_cuts_between_row_groups_keeping_the_head_and_the_end_once(self):
        first, second = pdf.split_sections(pdf.mark_word_breaks(self.html), 2)
        for section in (first, second):
            self.assertTrue("<thead>" in section and "@font-face" in section)
        self.assertEqual(['class="doc-head"' in section for section in (first, second)], [True, False])
        self.assertEqual(['class="office-line' in section for section in (first, second)], [False, True])
        self.assertEqual(first.count("<tbody>") + second.count("<tbody>"), 16)

    def test_it_numbers_the_joined_pages_on_without_a_gap(self):
        numbers = page_numbers(self.joined)
        self.assertIsNone(numbers[0])
        self.assertEqual(numbers[1:], [f"- {thai.thai_digits(number)} -" for number in range(2, len(numbers) + 1)])

    def test_it_prints_the_page_number_where_one_process_prints_it(self):
        if not HAS_PDFTOTEXT:
            self.skipTest("pdftotext (poppler-utils) is not installed")
        # Drawn last on the page, as in one process (pdftotext -raw keeps that order).
        for data in (self.single, self.joined):
            pages = [page for page in pdftotext_pages(data) if page.strip()]
            last_lines = [page.strip().splitlines()[-1] for page in pages[1:]]
            self.assertEqual(last_lines, [f"- {thai.thai_digits(number)} -" for number in range(2, len(pages) + 1)])

    def test_it_reads_as_the_single_process_render_with_pypdf(self):
        single, joined = body_lines(pypdf_pages(self.single)), body_lines(pypdf_pages(self.joined))
        self.assertGreater(len(single), 50)
        self.assertEqual(joined, single)

    def test_it_reads_as_the_single_process_render_with_pdftotext(self):
        if not HAS_PDFTOTEXT:
            self.skipTest("pdftotext (poppler-utils) is not installed")
        single, joined = body_lines(pdftotext_pages(self.single)), body_lines(pdftotext_pages(self.joined))
        self.assertEqual(joined, single)
        self.assertNotRegex("".join(joined), "[\u200b\u200c\u200d\u2060\ufeff]")

    def test_it_keeps_the_documents_title(self):
        self.assertEqual(
            PdfReader(io.BytesIO(self.joined)).metadata.title, PdfReader(io.BytesIO(self.single)).metadata.title
        )

    def test_it_leaves_no_child_process_behind(self):
        self.assertEqual(child_processes(), [])


class SectionChoiceTests(SimpleTestCase):
    def test_a_short_document_stays_in_one_process(self):
        with mock.patch.object(pdf, "_fork_section") as fork:
            data = pdf.html_to_pdf(document_html(rows=3))
        fork.assert_not_called()
        self.assertTrue(data.startswith(b"%PDF-"))

    def test_a_document_without_a_table_of_row_groups_is_not_cut(self):
        html = "<html><head><style>p { color: black }</style></head><body>" + "<p>ข้อความ</p>" * 50 + "</body></html>"
        self.assertEqual(pdf.split_sections(html, 2), [html])

    def test_a_long_document_is_cut_into_one_section_per_process(self):
        html = document_html(rows=60)
        with self.settings(PDF_PROCESSES=3):
            self.assertEqual(pdf.cpu_count(), 3)
        sections = pdf.split_sections(html, 3)
        self.assertEqual(len(sections), 3)
        self.assertEqual(sum(section.count("<tbody>") for section in sections), 60)
        self.assertEqual(re.findall(r"<p>([๐-๙]+)</p>", "".join(sections)), re.findall(r"<p>([๐-๙]+)</p>", html))

    def test_a_failing_section_process_fails_the_render_and_ends(self):
        parent = os.getpid()
        print_section = pdf._Share.print

        def print_or_fail(share, section):
            if os.getpid() != parent:
                raise ValueError("broken in the child")
            return print_section(share, section)

        with (
            mock.patch.object(pdf._Share, "print", print_or_fail),
            self.assertRaisesRegex(RuntimeError, "broken in the child"),
        ):
            pdf.html_to_pdf(document_html(), processes=2)
        self.assertEqual(child_processes(), [])
