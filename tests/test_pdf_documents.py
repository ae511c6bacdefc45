"""The printed documents (issue 3): the PDF views, and what the PDFs show.

The seed meeting (๑๐/๒๕๖๐) is rebuilt from the seed file and printed once per
class; its layout is checked on the PDF itself (page size, margins, page numbers,
repeated header, fonts, Thai numerals) and its structure on the HTML the template
makes (headings, sub-items, parties).
"""

from __future__ import annotations

import datetime
import io
import re
import shutil
import subprocess
import tempfile
from collections import Counter
from unittest import mock
from xml.etree import ElementTree

import pikepdf
from django.conf import settings
from django.contrib.auth.models import User
from django.template.loader import render_to_string
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from agencies.models import Agency
from directives import documents, services
from directives.models import ProgressReport, today
from lampang_tracker import thai
from meetings.services import meeting_create
from tests.base import TrackerTestCase, login_redirect, make_user
from tests.test_pdf_text import build_seed_meeting, pypdf_text, squash

CM = 72 / 2.54  # PDF points in a centimetre
A4 = (595.28, 841.89)
HAS_POPPLER = shutil.which("pdftotext") is not None


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def word_boxes(pdf: bytes) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xMin, yMin, xMax, yMax, word) for every word, from ``pdftotext -bbox``."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        html = subprocess.run(["pdftotext", "-bbox", handle.name, "-"], check=True, capture_output=True).stdout
    tree = ElementTree.fromstring(re.sub(rb"<!DOCTYPE[^>]*>", b"", html))
    namespace = {"x": "http://www.w3.org/1999/xhtml"}
    boxes = []
    for number, page in enumerate(tree.iterfind(".//x:page", namespace), start=1):
        for word in page.iterfind("x:word", namespace):
            coords = [float(word.get(key)) for key in ("xMin", "yMin", "xMax", "yMax")]
            boxes.append((number, *coords, word.text or ""))
    return boxes


class CapturedRender:
    """Stands in for ``render_pdf``: keeps the HTML instead of making a PDF."""

    def __init__(self):
        self.html = ""
        self.context: dict = {}

    def __call__(self, template_name: str, context: dict) -> bytes:
        self.context = context
        self.html = render_to_string(template_name, context)
        return b"%PDF-captured"


def captured(render, *args) -> CapturedRender:
    capture = CapturedRender()
    with mock.patch.object(documents, "render_pdf", capture):
        render(*args)
    return capture


# ---------------------------------------------------------------------------
# Views


# The 403/404 pages use {% static %}; the manifest storage of DEBUG=0 needs
# collectstatic, which a test run does not do.
PLAIN_STATIC = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}


@override_settings(STORAGES=PLAIN_STATIC)
class PdfViewTests(TrackerTestCase):
    def urls(self) -> list[str]:
        return [
            reverse("meeting_summary_pdf", args=[self.meeting.pk]),
            reverse("meeting_followup_pdf", args=[self.meeting.pk]),
            reverse("agency_report_pdf", args=[self.agency_a.pk]),
        ]

    def fake_renders(self):
        """The views' part without making PDFs (the documents are tested below)."""
        fake = mock.Mock(return_value=("x.pdf", b"%PDF-fake"))
        return mock.patch.multiple(
            documents, render_summary=fake, render_followup=fake, render_agency_report=fake
        ), fake

    def test_it_serves_the_summary_inline_as_a_pdf(self):
        self.login(self.secretariat)
        response = self.client.get(reverse("meeting_summary_pdf", args=[self.meeting.pk]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(response["Content-Disposition"], 'inline; filename="summary-2560-10.pdf"')
        self.assertTrue(response.content.startswith(b"%PDF-"))

    def test_it_serves_the_followup_and_the_agency_report_as_pdfs(self):
        self.login(self.secretariat)
        followup = self.client.get(reverse("meeting_followup_pdf", args=[self.meeting.pk]), {"as_of": "2017-12-20"})
        self.assertEqual(followup["Content-Type"], "application/pdf")
        self.assertEqual(followup["Content-Disposition"], 'inline; filename="followup-2560-10-2017-12-20.pdf"')
        report = self.client.get(reverse("agency_report_pdf", args=[self.agency_a.pk]))
        self.assertEqual(report["Content-Type"], "application/pdf")
        self.assertIn(f"agency-report-{self.agency_a.pk}-", report["Content-Disposition"])
        self.assertTrue(report.content.startswith(b"%PDF-"))

    def test_it_lets_every_role_print_the_summary_and_only_readers_the_live_follow_up(self):
        patcher, _ = self.fake_renders()
        summary, followup = self.urls()[:2]
        with patcher:
            for user, followup_status in [
                (self.secretariat, 200),
                (self.executive, 200),
                (self.user_a, 403),
                (self.user_b, 403),
            ]:
                self.login(user)
                with self.subTest(user=user.username):
                    self.assertEqual(self.client.get(summary).status_code, 200)
                    self.assertEqual(self.client.get(followup).status_code, followup_status)

    def test_it_shows_an_agency_report_to_its_agency_and_the_readers_only(self):
        patcher, _ = self.fake_renders()
        url = reverse("agency_report_pdf", args=[self.agency_a.pk])
        with patcher:
            for user, status in [
                (self.secretariat, 200),
                (self.executive, 200),
                (self.user_a, 200),
                (self.user_b, 404),
            ]:
                self.login(user)
                with self.subTest(user=user.username):
                    self.assertEqual(self.client.get(url).status_code, status)

    def test_it_sends_anonymous_visitors_to_login(self):
        self.login(None)
        for url in self.urls():
            with self.subTest(url=url):
                self.assertRedirects(self.client.get(url), login_redirect(url), fetch_redirect_response=False)

    def test_it_forbids_a_user_without_a_role(self):
        patcher, fake = self.fake_renders()
        self.login(User.objects.create_user("nobody"))
        with patcher:
            for url in self.urls():
                with self.subTest(url=url):
                    self.assertEqual(self.client.get(url).status_code, 403)
        fake.assert_not_called()

    def test_it_answers_other_methods_with_405(self):
        self.login(self.secretariat)
        for url in self.urls():
            for method in (self.client.post, self.client.put, self.client.delete):
                with self.subTest(url=url, method=method.__name__):
                    self.assertEqual(method(url).status_code, 405)

    def test_it_answers_404_for_what_does_not_exist(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.get(reverse("meeting_summary_pdf", args=[999999])).status_code, 404)
        self.assertEqual(self.client.get(reverse("meeting_followup_pdf", args=[999999])).status_code, 404)
        self.assertEqual(self.client.get(reverse("agency_report_pdf", args=[999999])).status_code, 404)

    def test_it_rejects_a_bad_as_of_with_a_thai_message(self):
        self.login(self.secretariat)
        url = reverse("meeting_followup_pdf", args=[self.meeting.pk])
        for value in ["2017-13-45", "พรุ่งนี้", "31/02/2560"]:
            with self.subTest(value=value):
                response = self.client.get(url, {"as_of": value})
                self.assertEqual(response.status_code, 400)
                self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
                self.assertIn("วันที่", response.content.decode())

    def test_it_reads_as_of_as_a_date_picker_sends_it_or_as_typed(self):
        patcher, fake = self.fake_renders()
        self.login(self.secretariat)
        url = reverse("meeting_followup_pdf", args=[self.meeting.pk])
        with patcher:
            for value in ["2017-12-20", "20/12/2560", "๒๐/๑๒/๒๕๖๐"]:
                with self.subTest(value=value):
                    self.assertEqual(self.client.get(url, {"as_of": value}).status_code, 200)
                    self.assertEqual(fake.call_args.args[1], datetime.date(2017, 12, 20))
            self.client.get(url)
            self.assertIsNone(fake.call_args.args[1])  # today, decided by the document


# ---------------------------------------------------------------------------
# The summary of the seed meeting


class SummaryDocumentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = make_user("secretariat", "secretariat")
        cls.meeting, cls.seed = build_seed_meeting(by=cls.user)

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.filename, cls.pdf = documents.render_summary(cls.meeting)
        cls.pages = page_texts(cls.pdf)
        cls.capture = captured(documents.render_summary, cls.meeting)

    def test_it_names_the_file_after_the_meeting(self):
        self.assertEqual(self.filename, "summary-2560-10.pdf")

    def test_it_prints_on_a4(self):
        with pikepdf.open(io.BytesIO(self.pdf)) as pdf:
            self.assertGreater(len(pdf.pages), 1)
            for page in pdf.pages:
                x0, y0, x1, y1 = (float(v) for v in page.mediabox)
                self.assertAlmostEqual(x1 - x0, A4[0], delta=0.5)
                self.assertAlmostEqual(y1 - y0, A4[1], delta=0.5)

    def test_it_keeps_the_left_3_cm_and_right_2_cm_margins(self):
        if not HAS_POPPLER:
            self.skipTest("pdftotext (poppler-utils) is not installed")
        boxes = word_boxes(self.pdf)
        self.assertGreaterEqual(min(box[1] for box in boxes), 3 * CM - 0.5)
        self.assertLessEqual(max(box[3] for box in boxes), A4[0] - 2 * CM + 0.5)
        # The table fills the width between the margins: text reaches near both.
        self.assertLess(min(box[1] for box in boxes), 3.5 * CM)
        self.assertGreater(max(box[3] for box in boxes), A4[0] - 3 * CM)

    def test_it_numbers_pages_from_the_second_at_the_top_centre(self):
        self.assertNotRegex(self.pages[0], r"-\s*[๐-๙]+\s*-\s*$|^\s*-\s*๑\s*-")
        if not HAS_POPPLER:
            self.skipTest("pdftotext (poppler-utils) is not installed")
        boxes = word_boxes(self.pdf)
        for number in range(2, len(self.pages) + 1):
            top = sorted((box for box in boxes if box[0] == number), key=lambda box: (box[2], box[1]))[:3]
            self.assertEqual([box[5] for box in top], ["-", thai.thai_digits(number), "-"], f"page {number}")
            middle = (top[1][1] + top[1][3]) / 2
            self.assertAlmostEqual(middle, (3 * CM + A4[0] - 2 * CM) / 2, delta=6)
        first_page_top = min((box for box in boxes if box[0] == 1), key=lambda box: box[2])
        self.assertNotEqual(first_page_top[5], "-")

    def test_it_repeats_the_table_header_on_every_page(self):
        for number, text in enumerate(self.pages, start=1):
            if number == len(self.pages) and "ลำดับ" not in text:
                continue  # a last page holding only the office line
            with self.subTest(page=number):
                self.assertIn(squash("ลำดับ ประเด็น หน่วยงานรับผิดชอบ"), squash(text))

    def test_it_prints_the_title_date_venue_and_office_line(self):
        first = squash(self.pages[0])
        self.assertTrue(first.startswith(squash(self.seed.title)))
        self.assertIn(squash("เมื่อวันที่ ๒๙ พฤศจิกายน ๒๕๖๐ เวลา ๐๙.๓๐ น."), first)
        self.assertIn(squash("ณ ห้องประชุมออลิมปิก ชั้น ๔ ศาลากลางจังหวัดลำปาง"), first)
        self.assertIn(squash(self.seed.office_line), squash(self.pages[-1]))

    def test_it_writes_every_number_in_thai_digits(self):
        self.assertNotRegex("".join(self.pages), r"[0-9]")

    def test_it_embeds_only_the_bundled_font(self):
        with pikepdf.open(io.BytesIO(self.pdf)) as pdf:
            fonts = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/Font"]
            type0 = [font for font in fonts if font.get("/Subtype") == "/Type0"]
            descendants = [font for font in fonts if font.get("/Subtype") == "/CIDFontType2"]
            self.assertEqual(len(type0) + len(descendants), len(fonts))  # no other kind of font
            self.assertEqual(len(type0), 2)  # regular and bold
            for font in type0:
                self.assertRegex(str(font.BaseFont), r"^/[A-Z]{6}\+Tracker-Laksaman(-Bold)?$")
                descriptor = font.DescendantFonts[0].FontDescriptor
                embedded = TTFont(io.BytesIO(descriptor.FontFile2.read_bytes()))
                # 1504, not 1000: our TH Sarabun-sized copy, never a system Laksaman.
                self.assertEqual(embedded["head"].unitsPerEm, 1504)

    def test_it_sets_the_body_in_16_point(self):
        sizes = Counter()
        with pikepdf.open(io.BytesIO(self.pdf)) as pdf:
            for page in pdf.pages:
                for instruction in pikepdf.parse_content_stream(page, "Tf"):
                    sizes[round(float(instruction.operands[1]), 2)] += 1
        # WeasyPrint draws in CSS pixels scaled by 0.75: 16 pt = 21.33 px.
        self.assertEqual(sizes.most_common(1)[0][0], round(16 * 4 / 3, 2))

    def test_it_sets_an_explicit_line_height_and_left_aligned_text(self):
        css = self.capture.html
        self.assertRegex(css, r"html \{[^}]*font-size: 16pt;[^}]*line-height: 1\.2;[^}]*text-align: left;")
        self.assertNotIn("justify", css)
        self.assertRegex(css, r"@page \{[^}]*size: A4;[^}]*margin: 2\.5cm 2cm 2cm 3cm;")

    def test_it_underlines_the_headings(self):
        self.assertRegex(self.capture.html, r"(?m)^\.heading \{[^}]*text-decoration: underline;")
        for item in self.seed.items:
            self.assertIn(f'<span class="heading">{item.heading}</span>', self.capture.html)

    def test_it_prints_sub_items_in_order_in_their_parents_area(self):
        rows = [row for group in self.capture.context["groups"] for row in group.rows]
        self.assertEqual([row.number or row.prefix for row in rows], list("๑๒๓๔๕๖๗") + [f"๗.{n}" for n in "๑๒๓๔๕๖"])
        self.assertTrue(rows[6].heading_only)
        self.assertTrue(all(row.is_sub_item for row in rows[7:]))
        html = self.capture.html
        positions = [html.index(f"๗.{n} ") for n in "๑๒๓๔๕๖"]
        self.assertEqual(positions, sorted(positions))
        self.assertEqual(html.count('class="sub-item'), 6)

    def test_it_keeps_a_heading_row_with_its_first_sub_item(self):
        groups = self.capture.context["groups"]
        group = next(group for group in groups if group.rows[0].number == "๗")
        self.assertEqual([row.prefix for row in group.rows], ["", "๗.๑"])
        self.assertTrue(group.keep)

    def test_it_prints_each_party_on_its_own_line_with_the_seeds_dashes(self):
        html = self.capture.html
        self.assertIn("<p>-สำนักงานโยธาธิการและผังเมืองจังหวัดลำปาง</p><p>-เทศบาลนครลำปาง</p>", html)
        self.assertIn("<p>สำนักงานสาธารณสุข จังหวัดลำปาง</p><p>ทุกส่วนราชการ/ หน่วยงาน</p>", html)
        self.assertNotIn("<p>-สำนักงานศึกษาธิการ", html)


# ---------------------------------------------------------------------------
# Follow-up report


class FollowupDocumentTests(TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # report_a (in progress, ๓๐%) was written on 20 Dec; a newer one on 10 Jan.
        ProgressReport.objects.filter(pk=cls.report_a.pk).update(
            created_at=timezone.make_aware(datetime.datetime(2017, 12, 20, 10, 0))
        )
        newer = services.progress_report(
            assignment=cls.assignment_a, text="ดำเนินการครบทุกอำเภอแล้ว", status="done", by=cls.user_a
        )
        ProgressReport.objects.filter(pk=newer.pk).update(
            created_at=timezone.make_aware(datetime.datetime(2018, 1, 10, 10, 0))
        )

    def text_as_of(self, day: datetime.date) -> str:
        _, pdf = documents.render_followup(self.meeting, day)
        return squash(pypdf_text(pdf))

    def test_it_shows_each_agencys_latest_report_as_of_the_day(self):
        text = self.text_as_of(datetime.date(2017, 12, 31))
        self.assertIn(squash("สำนักงานวัฒนธรรมจังหวัดลำปาง อยู่ระหว่างดำเนินการ"), text)
        self.assertIn(squash("รายงานเมื่อ ๒๐ ธ.ค. ๒๕๖๐ (ร้อยละ ๓๐) จัดประชุมชี้แจงแล้ว"), text)
        self.assertNotIn(squash("ดำเนินการครบทุกอำเภอแล้ว"), text)

        later = self.text_as_of(datetime.date(2018, 1, 10))
        self.assertIn(squash("ดำเนินการแล้วเสร็จ"), later)
        self.assertIn(squash("รายงานเมื่อ ๑๐ ม.ค. ๒๕๖๑ ดำเนินการครบทุกอำเภอแล้ว"), later)

    def test_it_says_when_there_is_no_report_yet(self):
        text = self.text_as_of(datetime.date(2017, 12, 1))
        self.assertIn(squash("สำนักงานวัฒนธรรมจังหวัดลำปาง ยังไม่ดำเนินการ"), text)
        self.assertEqual(text.count(squash("ยังไม่มีรายงาน")), 2)

    def test_it_flags_overdue_agencies(self):
        due = self.assignment_b.due_date
        text = self.text_as_of(due + datetime.timedelta(days=5))
        self.assertIn(squash(f"กำหนดเสร็จ {thai.date_short(due)} เกินกำหนด ๕ วัน"), text)
        self.assertNotIn(squash("เกินกำหนด"), self.text_as_of(due))

    def test_it_does_not_flag_what_is_done_or_closed(self):
        status = documents.agency_status(self.assignment_a, [], datetime.date(2100, 1, 1))
        self.assertEqual(status.overdue_days, (datetime.date(2100, 1, 1) - self.assignment_a.due_date).days)
        report = ProgressReport(status="done", text="เสร็จ", created_at=timezone.now())
        self.assertEqual(
            documents.agency_status(self.assignment_a, [report], datetime.date(2100, 1, 1)).overdue_days, 0
        )
        services.directive_close(directive=self.directive_b, note="ยุติตามมติที่ประชุม", by=self.secretariat)
        self.assignment_b.refresh_from_db()
        closed = documents.agency_status(self.assignment_b, [], datetime.date(2100, 1, 1))
        self.assertEqual((closed.status, closed.overdue_days), ("ยุติ/ปิดประเด็น", 0))

    def test_it_leaves_out_reports_sent_back(self):
        ProgressReport.objects.filter(assignment=self.assignment_a).update(review=ProgressReport.Review.RETURNED)
        self.assertIn(squash("ยังไม่มีรายงาน"), self.text_as_of(datetime.date(2018, 2, 1)))

    def test_it_gathers_agencies_without_a_report_into_one_row(self):
        silent = [Agency.objects.create(name=f"อำเภอทดสอบ {n}", print_order=300 + n) for n in range(4)]
        directive = services.directive_create(
            meeting=self.meeting,
            number="8",
            text="ขอให้ทุกอำเภอรายงาน",
            due_date=datetime.date(2018, 1, 31),
            parties=[services.Party(agency=a) for a in [self.agency_a, *silent]],
            by=self.secretariat,
        )
        services.progress_report(
            assignment=directive.assignments.get(agency=self.agency_a), text="รายงานแล้ว", status="done", by=self.user_a
        )
        capture = captured(documents.render_followup, self.meeting, today())
        rows = [row for group in capture.context["groups"] for row in group.rows if row.item and row.item.number == "๘"]
        self.assertEqual([row.kind for row in rows], ["item", "agency", "silent"])
        self.assertEqual(rows[2].status.names, [a.name for a in silent])
        self.assertIn("ยังไม่มีรายงาน ๔ หน่วยงาน", capture.html)
        self.assertIn(", ".join(a.name for a in silent), capture.html)

    def test_it_reads_in_a_constant_number_of_queries(self):
        def count() -> int:
            with self.assertNumQueries(4) as context:  # directives, parties, assignments, reports
                captured(documents.render_followup, self.meeting, today())
            return len(context.captured_queries)

        count()
        agencies = [Agency.objects.create(name=f"หน่วยงานทดสอบ {n}", print_order=200 + n) for n in range(4)]
        for n in range(6):
            directive = services.directive_create(
                meeting=self.meeting,
                number=f"9.{n + 1}",
                text=f"ข้อทดสอบ {n}",
                parties=[services.Party(agency=a) for a in agencies],
                by=self.secretariat,
            )
            for assignment in directive.assignments.all():
                services.progress_report(
                    assignment=assignment, text="รายงาน", status="in_progress", by=self.secretariat
                )
        count()


# ---------------------------------------------------------------------------
# Agency report


class EmptyMeetingTests(TrackerTestCase):
    def test_it_prints_a_meeting_without_items(self):
        empty = meeting_create(
            by=self.secretariat, series=self.series, number=11, year_be=2560, date=datetime.date(2017, 12, 27)
        )
        _, summary = documents.render_summary(empty)
        self.assertIn(squash("ยังไม่มีประเด็นในการประชุมนี้"), squash(pypdf_text(summary)))
        _, followup = documents.render_followup(empty, datetime.date(2018, 1, 5))
        self.assertIn(squash("ข้อมูล ณ วันที่ ๕ มกราคม ๒๕๖๑ ลำดับ"), squash(pypdf_text(followup)))


class AgencyReportDocumentTests(TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.done = services.directive_create(
            meeting=cls.meeting,
            number="3",
            text="ข้อที่หน่วยงานทำเสร็จแล้ว",
            parties=[services.Party(agency=cls.agency_a)],
            by=cls.secretariat,
        )
        services.progress_report(assignment=cls.done.assignments.get(), text="เสร็จแล้ว", status="done", by=cls.user_a)

    def test_it_lists_every_open_item_of_the_agency_only(self):
        capture = captured(documents.render_agency_report, self.agency_a)
        items = [row for group in capture.context["groups"] for row in group.rows if row.kind == "item"]
        self.assertEqual([row.extra["number"] for row in items], ["๒"])
        self.assertEqual(capture.context["count"], 1)

    def test_it_shows_status_due_date_and_latest_report(self):
        _, pdf = documents.render_agency_report(self.agency_a)
        text = squash(pypdf_text(pdf))
        self.assertIn(squash("รายงานสถานะข้อสั่งการที่ยังไม่แล้วเสร็จ สำนักงานวัฒนธรรมจังหวัดลำปาง"), text)
        self.assertIn(squash("การประชุมหัวหน้าส่วนราชการจังหวัดลำปาง ครั้งที่ ๑๐/๒๕๖๐"), text)
        self.assertIn(squash("วาระรักลำปาง ขอให้รณรงค์แต่งกายชุดพื้นเมืองในทุกวันศุกร์"), text)
        self.assertIn(squash(f"อยู่ระหว่างดำเนินการ กำหนดเสร็จ {thai.date_short(self.assignment_a.due_date)}"), text)
        self.assertIn(squash("จัดประชุมชี้แจงแล้ว"), text)
        self.assertNotIn(squash("ข้อที่หน่วยงานทำเสร็จแล้ว"), text)
        self.assertNotIn(squash("ขอให้ปรับบทบาท"), text)  # agency B's

    def test_it_says_so_when_nothing_is_open(self):
        _, pdf = documents.render_agency_report(self.district)
        self.assertIn(squash("ไม่มีข้อสั่งการที่ยังไม่แล้วเสร็จ"), squash(pypdf_text(pdf)))
