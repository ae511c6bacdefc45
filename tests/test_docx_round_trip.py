"""Round trip of the summary through Word (issue 14): the meeting's summary exported
as .docx (directives.documents.render_summary_docx) and imported back through the
importer (imports.parsers, matching, services) gives the same items — numbers,
headings, texts, parties, due dates, and where the parties and heading print."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.test import TestCase, override_settings

from directives import services as directive_services
from directives.documents import render_letter_summary_docx, render_summary_docx
from directives.models import Directive, paragraphs_of
from imports import parsers
from imports.matching import Matcher
from imports.services import content_sha256, import_commit, reviewed_as_parsed
from meetings.models import Letter, Meeting
from meetings.services import meeting_create
from tests.test_load_demo import load_demo


def items_of(directives) -> list[tuple]:
    """What must survive the trip, per directive, in order."""
    return [
        (
            d.number,
            d.heading,
            paragraphs_of(d.text),
            [p.text for p in printed_order(d)],
            [p.paragraph for p in printed_order(d)],
            d.heading_apart and bool(d.heading and d.text),
            d.due_date,
            (d.report_day, d.report_until),
            d.parent.number if d.parent else "",
        )
        for d in directives
    ]


def printed_order(directive: Directive) -> list:
    """The parties as the summary prints them: those beside the first paragraph, then
    those beside later ones (each piece of the row in the order entered)."""
    return sorted(directive.parties.all(), key=lambda party: party.paragraph)


def parsed_items(document) -> list[tuple]:
    return [
        (
            item.number,
            item.heading,
            paragraphs_of(item.text),
            item.party_labels,
            item.party_paragraphs,
            item.heading_apart,
            item.due_date,
            (item.report_day, item.report_until),
            item.parent_number,
        )
        for item in document.items
    ]


@override_settings(DEBUG=True)
class SummaryRoundTripTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_demo()
        cls.meeting = Meeting.objects.get(number=10, year_be=2560)
        cls.user = get_user_model().objects.get(username="secretariat")

    def directives(self, meeting) -> list[Directive]:
        return list(
            Directive.objects.filter(meeting=meeting)
            .select_related("parent")
            .prefetch_related("parties__agency", "parties__group")
            .order_by("sort_key")
        )

    def test_the_seed_summary_reads_back_as_the_same_items(self):
        _, data = render_summary_docx(self.meeting)
        document = parsers.parse(kind=parsers.SUMMARY, data=data, filename="summary.docx")
        self.assertEqual(document.problems, [])
        self.assertEqual(parsed_items(document), items_of(self.directives(self.meeting)))
        self.assertEqual(document.source["meeting_number"], "10/2560")
        self.assertEqual(document.source["date"], self.meeting.date)

    def test_importing_the_export_into_another_meeting_makes_the_same_directives(self):
        _, data = render_summary_docx(self.meeting)
        document = parsers.parse(kind=parsers.SUMMARY, data=data, filename="summary.docx")
        matcher = Matcher()
        reviewed = [
            reviewed_as_parsed(item, [matcher.match(label) for label in item.party_labels]) for item in document.items
        ]
        copy = meeting_create(
            by=self.user, series=self.meeting.series, number=91, year_be=2560, date=datetime.date(2017, 12, 27)
        )
        import_commit(kind="summary", items=reviewed, sha256=content_sha256(data=data), meeting=copy, by=self.user)
        original, imported = self.directives(self.meeting), self.directives(copy)
        self.assertEqual(items_of(imported), items_of(original))
        # The same agencies and groups behind the lines, hence the same assignments.
        self.assertEqual(
            [[(p.agency_id, p.group_id) for p in d.parties.all()] for d in imported],
            [[(p.agency_id, p.group_id) for p in d.parties.all()] for d in original],
        )
        self.assertEqual(
            [sorted(d.assignments.values_list("agency", flat=True)) for d in imported],
            [sorted(d.assignments.values_list("agency", flat=True)) for d in original],
        )
        self.assertEqual([d.parties_bulleted for d in imported], [d.parties_bulleted for d in original])

    def test_sub_items_with_headings_and_parties_beside_later_paragraphs_come_back(self):
        """What the seed lacks: a sub-item with an underlined heading, apart or running
        on, and a top-level item whose parties sit beside its third paragraph."""
        meeting = meeting_create(
            by=self.user, series=self.meeting.series, number=92, year_be=2560, date=datetime.date(2018, 1, 31)
        )
        Party = directive_services.Party
        top = directive_services.directive_create(
            meeting=meeting,
            number="1",
            heading="วาระน่าเที่ยว",
            text="ขอให้ประชาสัมพันธ์\nขอให้รายงานผลภายในวันที่ ๓๑ มีนาคม ๒๕๖๑\nในปีต่อไปให้ทุกหน่วยงานร่วมรณรงค์",
            parties=[Party(label="ทุกส่วนราชการ/หน่วยงาน", paragraph=2), Party(label="ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง")],
            due_date=datetime.date(2018, 3, 31),
            by=self.user,
        )
        directive_services.directive_create(meeting=meeting, number="2", heading="ประเด็นอื่น ๆ", by=self.user)
        parent = Directive.objects.get(meeting=meeting, number="2")
        directive_services.directive_create(
            meeting=meeting,
            number="2.1",
            parent=parent,
            heading="การป้องกันไฟป่า",
            text="ขอให้ทุกอำเภอเฝ้าระวัง\nรายงานทุกสัปดาห์",
            heading_apart=True,
            parties=[Party(label="ทุกอำเภอ")],
            by=self.user,
        )
        directive_services.directive_create(
            meeting=meeting,
            number="2.2",
            parent=parent,
            heading="ความสะอาด",
            text="ขอให้ดูแลความสะอาดของวัด",
            parties=[Party(label="สำนักงานพระพุทธศาสนาจังหวัด และหน่วยงานที่เกี่ยวข้อง")],
            by=self.user,
        )
        self.assertEqual(top.due_date, datetime.date(2018, 3, 31))
        _, data = render_summary_docx(meeting)
        document = parsers.parse(kind=parsers.SUMMARY, data=data, filename="summary.docx")
        self.assertEqual(document.problems, [])
        self.assertEqual(parsed_items(document), items_of(self.directives(meeting)))

    def test_the_letter_summary_reads_back_as_the_same_items(self):
        letter = Letter.objects.get()
        _, data = render_letter_summary_docx(letter)
        document = parsers.parse(kind=parsers.SUMMARY, data=data, filename="letter-summary.docx")
        directives = list(Directive.objects.filter(letter=letter).select_related("parent").order_by("sort_key"))
        self.assertEqual(parsed_items(document), items_of(directives))
