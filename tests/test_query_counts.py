"""Query counts that must not grow with the rows: the summary, follow-up and
agency-report PDFs and the minutes page with a filled section ๓ (เรื่องสืบเนื่อง),
measured once, then again after more directives spread over more agencies, with
reports, groups and free-text parties (tests.base.SpreadMixin)."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from directives import documents
from directives.models import today
from meetings.services import meeting_create
from minutes import services as minutes_services
from tests.base import SpreadMixin, TrackerTestCase
from tests.test_pdf_documents import captured


class QueryCountTests(SpreadMixin, TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.agencies = [cls.agency_a, cls.agency_b, *cls.spread_agencies(3)]
        cls.spread_rows(
            agencies=cls.agencies, directives=3, by=cls.secretariat, meeting=cls.meeting, always=cls.agency_a
        )
        cls.next_meeting = meeting_create(
            by=cls.secretariat, series=cls.series, number=11, year_be=2560, date=datetime.date(2017, 12, 27)
        )
        cls.minutes = minutes_services.minutes_start(meeting=cls.next_meeting, by=cls.secretariat)

    def grow(self):
        """Ten more directives over six more agencies, each with agency A among them."""
        more = self.agencies + self.spread_agencies(6)
        self.spread_rows(agencies=more, directives=10, by=self.secretariat, meeting=self.meeting, always=self.agency_a)

    def queries(self, action) -> int:
        with CaptureQueriesContext(connection) as context:
            action()
        return len(context.captured_queries)

    def assertSameQueriesAfterGrowing(self, action, *, rows):
        before_rows, before = rows(), self.queries(action)
        self.grow()
        after_rows, after = rows(), self.queries(action)
        self.assertGreater(after_rows, before_rows)  # the document really has more in it
        self.assertEqual(after, before, f"{before} queries for {before_rows} rows, {after} for {after_rows}")

    def test_the_summary_pdf_reads_in_a_constant_number_of_queries(self):
        self.assertSameQueriesAfterGrowing(
            lambda: captured(documents.render_summary, self.meeting),
            rows=lambda: captured(documents.render_summary, self.meeting).html.count("<tr"),
        )

    def test_the_followup_pdf_reads_in_a_constant_number_of_queries(self):
        self.assertSameQueriesAfterGrowing(
            lambda: captured(documents.render_followup, self.meeting, today()),
            rows=lambda: captured(documents.render_followup, self.meeting, today()).html.count("<tr"),
        )

    def test_the_agency_report_pdf_reads_in_a_constant_number_of_queries(self):
        self.assertSameQueriesAfterGrowing(
            lambda: captured(documents.render_agency_report, self.agency_a),
            rows=lambda: captured(documents.render_agency_report, self.agency_a).html.count("<tr"),
        )

    def test_the_minutes_page_with_a_filled_section_three_reads_in_a_constant_number_of_queries(self):
        self.login(self.secretariat)
        url = f"/meetings/{self.next_meeting.pk}/minutes/"

        def section_three_rows() -> int:
            rows, _ = minutes_services.follow_up_rows(self.minutes)
            return len(rows) + sum(len(row["agencies"]) for row in rows)

        self.assertGreater(section_three_rows(), 3)  # section ๓ is filled from the start
        self.assertSameQueriesAfterGrowing(lambda: self.client.get(url), rows=section_three_rows)
        self.assertContains(self.client.get(url), "ข้อสั่งการทดสอบที่")
