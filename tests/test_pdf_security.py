"""The PDF renderer fetches nothing that user content names (issue 3, item 2).

Two layers: every user-typed string reaches WeasyPrint escaped (Django's
autoescape), so it prints literally and names no resource; and the one URL fetcher
serves only our bundled font files and refuses everything else — http, https,
data, ftp and any other file — so even markup that escaped the first layer fetches
nothing. Both are tested with a spy on the fetcher.
"""

from __future__ import annotations

import datetime
import io
import shutil
import tempfile
from pathlib import Path
from unittest import mock

import pikepdf
from django.conf import settings
from django.test import SimpleTestCase

from agencies.models import Agency
from directives import documents, services
from directives.models import today
from lampang_tracker import pdf
from lampang_tracker.pdf import RefusedURL, StaticFilesOnlyFetcher
from meetings.models import MeetingSeries
from meetings.services import meeting_create
from tests.base import TrackerTestCase
from tests.test_pdf_text import pypdf_text, squash

STATIC = Path(settings.BASE_DIR) / "static"
FONT_URL = (STATIC / "fonts" / "Laksaman.ttf").resolve().as_uri()

HOSTILE_IMG = '<img src="http://127.0.0.1:9/x">'
HOSTILE_LINK = '<link rel="stylesheet" href="file:///etc/passwd">'
HOSTILE_CSS = "<style>@import url(http://127.0.0.1:9/a.css); p { background: url(https://example.com/b.png) }</style>"
HOSTILE_DATA = '<img src="data:image/png;base64,iVBORw0KGgo=">'
HOSTILE = f"{HOSTILE_IMG} {HOSTILE_LINK} {HOSTILE_CSS} {HOSTILE_DATA}"


class SpyFetcher(StaticFilesOnlyFetcher):
    """Records every URL WeasyPrint asks for (``requested``, from the base class)."""


def render_with_spy(render, *args):
    """Run a ``render_<document>`` with a fetcher we can inspect afterwards."""
    spy = SpyFetcher()
    real = pdf.html_to_pdf

    def html_to_pdf(html, *, fetcher=None, **options):
        return real(html, fetcher=spy, **options)

    with mock.patch.object(pdf, "html_to_pdf", html_to_pdf):
        _, data = render(*args)
    return spy, data


def has_images(data: bytes) -> bool:
    with pikepdf.open(io.BytesIO(data)) as document:
        for page in document.pages:
            if page.images:
                return True
            for xobject in page.obj.get("/Resources", {}).get("/XObject", {}).values():
                if xobject.get("/Subtype") == pikepdf.Name.Image:
                    return True
    return False


class FetcherTests(SimpleTestCase):
    """The fetcher on its own."""

    def setUp(self):
        self.fetcher = StaticFilesOnlyFetcher()

    def test_it_serves_a_bundled_font(self):
        response = self.fetcher.fetch(FONT_URL)
        self.assertEqual(response.read()[:4], b"\x00\x01\x00\x00")  # a TrueType file
        self.assertEqual(response.content_type, "font/ttf")

    def test_it_refuses_network_urls(self):
        for url in ["http://127.0.0.1:9/x", "https://example.com/font.ttf", "ftp://example.com/a.ttf"]:
            with self.subTest(url=url), self.assertRaises(RefusedURL):
                self.fetcher.fetch(url)

    def test_it_refuses_data_urls(self):
        with self.assertRaises(RefusedURL):
            self.fetcher.fetch("data:font/ttf;base64,AAEAAA==")

    def test_it_refuses_files_outside_the_font_folder(self):
        urls = [
            "file:///etc/passwd",
            (Path(settings.BASE_DIR) / "manage.py").as_uri(),
            FONT_URL.replace("/fonts/Laksaman.ttf", "/fonts/../../manage.py"),
            FONT_URL.replace("Laksaman.ttf", "LICENSE-Laksaman.txt"),  # in the folder, not a font
            FONT_URL.replace("Laksaman.ttf", "missing.ttf"),
            FONT_URL + "?x=1",
            FONT_URL.replace("file:///", "file://example.com/"),
        ]
        for url in urls:
            with self.subTest(url=url), self.assertRaises(RefusedURL):
                self.fetcher.fetch(url)

    def test_it_refuses_a_symlink_out_of_the_font_folder(self):
        static = Path(tempfile.mkdtemp(prefix="static-"))
        self.addCleanup(shutil.rmtree, static)
        (static / "fonts").mkdir()
        link = static / "fonts" / "link.ttf"
        try:
            link.symlink_to("/etc/passwd")
        except OSError:
            self.skipTest("cannot create a symbolic link here")
        with self.assertRaises(RefusedURL):
            StaticFilesOnlyFetcher(static_dir=static).fetch(link.as_uri())

    def test_it_is_what_every_document_uses(self):
        with mock.patch.object(pdf, "HTML", wraps=pdf.HTML) as html:
            pdf.html_to_pdf("<p>ทดสอบ</p>")
        self.assertIsInstance(html.call_args.kwargs["url_fetcher"], StaticFilesOnlyFetcher)


class RawMarkupTests(SimpleTestCase):
    """Markup that names resources, given to the renderer as HTML (as if a template
    forgot to escape): the fetcher refuses every one and nothing is embedded."""

    def test_it_fetches_nothing_that_markup_names(self):
        spy = SpyFetcher()
        html = f"""<html><head>{HOSTILE_LINK}{HOSTILE_CSS}
            <style>@font-face {{ font-family: X; src: url(file:///etc/passwd) }}</style></head>
            <body><p>ทดสอบ</p>{HOSTILE_IMG}{HOSTILE_DATA}
            <object data="http://127.0.0.1:9/o"></object><iframe src="file:///etc/hostname"></iframe></body></html>"""
        with (
            mock.patch("socket.socket.connect", side_effect=AssertionError("network used")) as connect,
            self.assertLogs("weasyprint", level="WARNING") as logs,
        ):
            data = pdf.html_to_pdf(html, fetcher=spy)
        connect.assert_not_called()
        self.assertIn("RefusedURL", "\n".join(logs.output))
        self.assertTrue(spy.requested, "WeasyPrint asked for the hostile URLs")
        for url in spy.requested:
            with self.assertRaises(RefusedURL):
                spy.resolve(url)
        self.assertFalse(has_images(data))


class UserTextTests(TrackerTestCase):
    """Hostile text in every field a document prints is printed literally and
    makes the renderer ask for nothing but our fonts."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        hostile_agency = Agency.objects.create(name=f"หน่วยงาน {HOSTILE_IMG}", print_order=9)
        series = MeetingSeries.objects.create(
            name=f"ชุดการประชุม {HOSTILE_LINK}",
            summary_title=f"สรุปประเด็น {HOSTILE_IMG}",
            office_line=f"กลุ่มงาน {HOSTILE_CSS}",
        )
        cls.hostile_meeting = meeting_create(
            by=cls.secretariat,
            series=series,
            number=1,
            year_be=2568,
            date=datetime.date(2025, 1, 6),
            venue=f"ห้องประชุม {HOSTILE_LINK}",
        )
        directive = services.directive_create(
            meeting=cls.hostile_meeting,
            number="1",
            heading=f"หัวข้อ {HOSTILE_CSS}",
            text=f"ข้อสั่งการ {HOSTILE}\nบรรทัดที่สอง {HOSTILE_IMG}",
            due_date=today() - datetime.timedelta(days=1),
            parties=[services.Party(agency=hostile_agency), services.Party(label=f"ผู้เกี่ยวข้อง {HOSTILE_LINK}")],
            by=cls.secretariat,
        )
        services.progress_report(
            assignment=directive.assignments.get(),
            text=f"รายงาน {HOSTILE}",
            status="in_progress",
            by=cls.secretariat,
        )
        cls.hostile_agency = hostile_agency

    def assert_safe(self, spy: SpyFetcher, data: bytes) -> None:
        self.assertTrue(spy.requested)
        for url in spy.requested:
            self.assertTrue(url.startswith(pdf.base_url() + "fonts/"), url)
            self.assertTrue(url.endswith(".ttf"), url)
            spy.resolve(url)  # and it is one we serve
        self.assertFalse(has_images(data))

    def test_it_prints_the_summary_literally_and_fetches_only_fonts(self):
        spy, data = render_with_spy(documents.render_summary, self.hostile_meeting)
        self.assert_safe(spy, data)
        text = pypdf_text(data)
        for literal in [HOSTILE_IMG, HOSTILE_LINK, HOSTILE_DATA, "url(https://example.com/b.png)"]:
            self.assertIn(squash(literal), text)

    def test_it_prints_the_followup_literally_and_fetches_only_fonts(self):
        spy, data = render_with_spy(documents.render_followup, self.hostile_meeting, today())
        self.assert_safe(spy, data)
        self.assertIn(squash(f"รายงาน {HOSTILE_IMG}"), pypdf_text(data))

    def test_it_prints_the_agency_report_literally_and_fetches_only_fonts(self):
        spy, data = render_with_spy(documents.render_agency_report, self.hostile_agency)
        self.assert_safe(spy, data)
        self.assertIn(squash(HOSTILE_IMG), pypdf_text(data))

    def test_it_never_opens_a_socket(self):
        with mock.patch("socket.socket.connect", side_effect=AssertionError("network used")) as connect:
            documents.render_summary(self.hostile_meeting)
        connect.assert_not_called()
