"""Security headers: a Content-Security-Policy without inline script or style on every
page, and no template that would need one; Referrer-Policy and nosniff everywhere."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.test import SimpleTestCase
from django.urls import reverse

from directives.models import Attachment, Status
from minutes import services as minutes_services
from minutes.models import Section
from tests.base import TempMediaMixin, TrackerTestCase, png_upload

TEMPLATES = Path(settings.BASE_DIR) / "templates"
# Printed documents: WeasyPrint renders these to PDF on the server, no browser sees them.
PRINT_ONLY = TEMPLATES / "pdf"


class InlineCode(HTMLParser):
    """Collects what a strict CSP refuses: <script> without src, <style>, on…= and
    style= attributes."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = {name for name, _ in attrs}
        if tag == "script" and "src" not in names:
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        self.found += [f"<{tag} {name}=…>" for name in names if name.startswith("on") or name == "style"]


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    return parser.found


def policy(response) -> dict[str, str]:
    """The Content-Security-Policy header as {directive: sources}."""
    parts = (part.strip().split(None, 1) for part in response["Content-Security-Policy"].split(";"))
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts if part}


class PageHeaderTests(TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.minutes = minutes_services.minutes_start(meeting=cls.meeting, by=cls.secretariat)
        # An agenda item gives the minutes page its delete button (which asks first).
        minutes_services.item_create(
            section=cls.minutes.sections.get(number=Section.FOR_INFORMATION), title="เรื่องทดสอบ", by=cls.secretariat
        )
        cls.admin_user = User.objects.create_superuser("admin", password="pw")

    def main_pages(self):
        """(user, path): the pages people use most, for each kind of user."""
        meeting, directive = self.meeting.pk, self.directive.pk
        secretariat = [
            reverse("home"),
            reverse("directive_list"),
            reverse("directive_detail", args=[directive]),
            reverse("directive_edit", args=[directive]),
            reverse("directive_create", args=[meeting]),
            reverse("meeting_list"),
            reverse("meeting_detail", args=[meeting]),
            reverse("meeting_create"),
            reverse("agency_list"),
            reverse("agency_detail", args=[self.agency_a.pk]),
            reverse("minutes_detail", args=[meeting]),
            reverse("minutes_attendees", args=[meeting]),
            reverse("minutes_edit", args=[meeting]),
            reverse("assignment_detail", args=[self.assignment_a.pk]),
            "/no-such-page/",
        ]
        agency = [reverse("home"), reverse("inbox"), reverse("assignment_detail", args=[self.assignment_a.pk])]
        return (
            [(None, reverse("login"))]
            + [(self.secretariat, path) for path in secretariat]
            + [(self.user_a, path) for path in agency]
            + [(self.admin_user, reverse("admin:index")), (self.admin_user, reverse("admin:auth_user_changelist"))]
        )

    def test_it_sends_a_strict_content_security_policy_on_every_main_page(self):
        for user, path in self.main_pages():
            with self.subTest(path=path, user=user and user.username):
                self.login(user)
                response = self.client.get(path)
                self.assertIn(response.status_code, (200, 404))
                directives = policy(response)
                self.assertEqual(directives["default-src"], "'self'")
                self.assertEqual(directives["script-src"], "'self'")
                self.assertEqual(directives["style-src"], "'self'")
                self.assertEqual(directives["object-src"], "'none'")
                self.assertEqual(directives["frame-ancestors"], "'none'")
                self.assertEqual(directives["form-action"], "'self'")
                self.assertEqual(directives["base-uri"], "'self'")
                self.assertNotIn("unsafe", response["Content-Security-Policy"])

    def test_no_main_page_carries_inline_script_or_style(self):
        for user, path in self.main_pages():
            with self.subTest(path=path, user=user and user.username):
                self.login(user)
                html = self.client.get(path).content.decode()
                self.assertEqual(inline_code(html), [])

    def test_it_sends_referrer_policy_and_nosniff(self):
        for user, path in [(None, reverse("login")), (self.secretariat, reverse("home"))]:
            self.login(user)
            response = self.client.get(path)
            self.assertEqual(response["Referrer-Policy"], "same-origin")
            self.assertEqual(response["X-Content-Type-Options"], "nosniff")
            self.assertEqual(response["X-Frame-Options"], "DENY")
        self.assertEqual(self.client.get("/static/js/app.js")["X-Content-Type-Options"], "nosniff")

    def test_every_page_loads_the_shared_script_from_static(self):
        self.login(self.secretariat)
        self.assertContains(self.client.get(reverse("home")), '<script src="/static/js/app.js"></script>', html=True)
        self.login(None)
        self.assertContains(self.client.get(reverse("login")), '<script src="/static/js/app.js"></script>', html=True)

    def test_the_delete_button_asks_through_a_data_attribute(self):
        self.login(self.secretariat)
        html = self.client.get(reverse("minutes_detail", args=[self.meeting.pk])).content.decode()
        self.assertRegex(html, r'<form [^>]*data-confirm="ลบเรื่อง [^"]+"')
        self.assertIn("data-confirm", (TEMPLATES.parent / "static" / "js" / "app.js").read_text(encoding="utf-8"))


class PdfPolicyTests(TrackerTestCase):
    def test_a_printed_document_may_be_shown_by_the_browsers_pdf_viewer_but_runs_nothing(self):
        self.login(self.secretariat)
        response = self.client.get(reverse("meeting_summary_pdf", args=[self.meeting.pk]))
        self.assertEqual(response["Content-Type"], "application/pdf")
        directives = policy(response)
        self.assertEqual(directives["default-src"], "'none'")
        self.assertEqual(directives["object-src"], "'self'")
        self.assertEqual(directives["frame-ancestors"], "'none'")
        self.assertNotIn("script-src", directives)
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")


class UploadPolicyTests(TempMediaMixin, TrackerTestCase):
    def test_an_uploaded_file_is_shown_sandboxed_with_no_script_at_all(self):
        self.login(self.user_a)
        self.client.post(
            reverse("assignment_detail", args=[self.assignment_a.pk]),
            {"status": Status.IN_PROGRESS, "text": "แนบภาพ", "files": [png_upload()]},
        )
        response = self.client.get(reverse("attachment_download", args=[Attachment.objects.get().pk]))
        self.assertEqual(response.status_code, 200)
        b"".join(response.streaming_content)
        directives = policy(response)
        self.assertEqual(directives["default-src"], "'none'")
        self.assertEqual(directives["img-src"], "'self'")
        self.assertIn("sandbox", directives)
        self.assertNotIn("script-src", directives)
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")


class TemplateTests(SimpleTestCase):
    """Every page template, rendered or not by the tests above."""

    def test_no_template_has_inline_script_handlers_or_style(self):
        inline = re.compile(r"<script(?![^>]*\ssrc=)[^>]*>|<style[\s>]|\son[a-z]+\s*=|\sstyle\s*=", re.IGNORECASE)
        pages = [path for path in TEMPLATES.rglob("*.html") if PRINT_ONLY not in path.parents]
        self.assertGreater(len(pages), 20)
        for path in pages:
            with self.subTest(template=str(path.relative_to(TEMPLATES))):
                self.assertEqual(inline.findall(path.read_text(encoding="utf-8")), [])
