"""No single request ties up a worker: every text has a length limit, said in Thai
(with Thai digits) by the form, and checked again by the services for writes that
come without a form (imports, scripts)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.test import SimpleTestCase

from directives import services
from directives.models import Directive, ProgressReport, Status, today
from lampang_tracker import limits
from lampang_tracker.query import MAX_ID, BoundedPaginator, parse_id
from minutes import services as minutes_services
from minutes.models import Attendee, Section
from tests.base import TrackerTestCase


class QueryNumberTests(SimpleTestCase):
    def test_parse_id_reads_ids_and_refuses_everything_else(self):
        self.assertEqual(parse_id("42"), 42)
        self.assertEqual(parse_id(" ๔๒ "), 42)
        self.assertEqual(parse_id(str(MAX_ID)), MAX_ID)
        for value in ("²", "-1", "0", "1.5", "1e3", "", "abc", "\x00", str(MAX_ID + 1), "9" * 5000, None):
            with self.subTest(value=value):
                self.assertIsNone(parse_id(value))

    def test_the_paginator_keeps_the_page_size_between_one_and_a_hundred(self):
        rows = list(range(500))
        for asked, size in ((-1, 25), (0, 25), ("x", 25), (None, 25), (10, 10), (10**20, 100)):
            with self.subTest(asked=asked):
                self.assertEqual(BoundedPaginator(rows, asked).per_page, size)


class FormLimitTests(TrackerTestCase):
    def test_the_directive_form_names_the_limit_in_thai_digits_and_keeps_the_text(self):
        self.login(self.secretariat)
        text = "ก" * (limits.DIRECTIVE_TEXT + 5)
        response = self.client.post(f"/meetings/{self.meeting.pk}/directives/new/", {"number": "9", "text": text})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            response.context["form"].errors["text"],
            ["ข้อความยาวได้ไม่เกิน ๒๐,๐๐๐ ตัวอักษร (ที่พิมพ์มามี ๒๐,๐๐๕ ตัวอักษร)"],
        )
        self.assertContains(response, text + "</textarea>")
        self.assertFalse(Directive.objects.filter(number="9").exists())

    def test_a_text_at_the_limit_is_accepted(self):
        self.login(self.secretariat)
        text = "ก" * limits.DIRECTIVE_TEXT
        response = self.client.post(f"/meetings/{self.meeting.pk}/directives/new/", {"number": "9", "text": text})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(len(Directive.objects.get(number="9").text), limits.DIRECTIVE_TEXT)

    def test_a_long_text_box_has_no_maxlength_that_would_cut_a_paste(self):
        self.login(self.secretariat)
        response = self.client.get(f"/meetings/{self.meeting.pk}/directives/new/")
        self.assertNotContains(response, 'maxlength="20000"')
        self.assertContains(response, 'name="heading" maxlength="500"')


class ServiceLimitTests(TrackerTestCase):
    def test_a_directive_from_a_script_is_bounded_too(self):
        with self.assertRaises(ValidationError) as caught:
            services.directive_create(
                meeting=self.meeting, number="9", text="ก" * (limits.DIRECTIVE_TEXT + 1), by=self.secretariat
            )
        self.assertIn("ไม่เกิน ๒๐,๐๐๐ ตัวอักษร", caught.exception.message_dict["text"][0])
        with self.assertRaises(ValidationError):
            services.directive_update(
                directive=self.directive, text="ก" * (limits.DIRECTIVE_TEXT + 1), by=self.secretariat
            )
        self.assertFalse(Directive.objects.filter(number="9").exists())

    def test_a_report_and_its_review_are_bounded(self):
        before = ProgressReport.objects.count()
        with self.assertRaises(ValidationError):
            services.progress_report(
                assignment=self.assignment_a,
                text="ก" * (limits.REPORT_TEXT + 1),
                status=Status.IN_PROGRESS,
                by=self.user_a,
            )
        self.assertEqual(ProgressReport.objects.count(), before)
        with self.assertRaisesMessage(services.DomainError, "ไม่เกิน ๕,๐๐๐ ตัวอักษร"):
            services.report_review(report=self.report_a, accept=False, comment="ก" * 5001, by=self.secretariat)
        with self.assertRaisesMessage(services.DomainError, "ไม่เกิน ๕,๐๐๐ ตัวอักษร"):
            services.directive_close(directive=self.directive, note="ก" * 5001, by=self.secretariat)

    def test_minutes_texts_are_bounded(self):
        minutes = minutes_services.minutes_start(meeting=self.meeting, by=self.secretariat)
        section = minutes.sections.get(number=Section.FOR_INFORMATION)
        with self.assertRaises(ValidationError):
            minutes_services.section_update(section=section, body="ก" * (limits.MINUTES_BODY + 1), by=self.secretariat)
        with self.assertRaises(ValidationError):
            minutes_services.item_create(section=section, body="ก" * (limits.MINUTES_BODY + 1), by=self.secretariat)
        with self.assertRaisesMessage(services.DomainError, "ไม่เกิน ๓๐,๐๐๐ ตัวอักษร"):
            minutes_services.attendees_add_lines(
                minutes=minutes, text="ก\n" * 15_001, kind=Attendee.Kind.PRESENT, by=self.secretariat
            )
        minutes_services.minutes_circulate(
            minutes=minutes, deadline=today() + datetime.timedelta(days=7), by=self.secretariat
        )
        with self.assertRaisesMessage(services.DomainError, "ไม่เกิน ๕,๐๐๐ ตัวอักษร"):
            minutes_services.correction_request(
                minutes=minutes,
                section=minutes.sections.get(number=1),
                text="ก" * 5001,
                agency=self.agency_a,
                by=self.user_a,
            )
        self.assertFalse(minutes.corrections.exists())
        self.assertFalse(section.items.exists())
