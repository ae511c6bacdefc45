"""directives/services.py: every write, and the state derived from it."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

from agencies.models import Agency
from directives import services
from directives.models import Assignment, Directive, ProgressReport, ResponsibleParty, Status, today
from lampang_tracker import limits
from tests.base import TrackerTestCase


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


class DirectiveCreateTests(TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.district_2 = Agency.objects.create(name="อำเภองาว", kind=Agency.Kind.DISTRICT)
        cls.retired = Agency.objects.create(name="อำเภอเลิกใช้", kind=Agency.Kind.DISTRICT, is_active=False)
        cls.group.members.add(cls.district_2, cls.retired)

    def create(self, number="9", **kwargs):
        kwargs.setdefault("text", "ขอให้ทุกอำเภอเฝ้าระวังหมอกควัน")
        return services.directive_create(meeting=self.meeting, number=number, by=self.secretariat, **kwargs)

    def test_it_assigns_each_agency_named(self):
        directive = self.create(
            parties=services.parties_from(agencies=[self.agency_a, self.agency_b]), due_date=days(10)
        )
        assignments = list(directive.assignments.order_by("agency__print_order"))
        self.assertEqual([a.agency for a in assignments], [self.agency_a, self.agency_b])
        self.assertTrue(all(a.role == Assignment.Role.LEAD and a.due_date == days(10) for a in assignments))
        self.assertTrue(all(a.status == Status.NOT_STARTED and a.is_open for a in assignments))

    def test_it_expands_a_group_to_its_active_members(self):
        directive = self.create(parties=services.parties_from(groups=[self.group]))
        self.assertEqual(
            {a.agency for a in directive.assignments.all()}, {self.district, self.district_2}
        )  # not the inactive one
        self.assertEqual([p.text for p in directive.parties.all()], ["ทุกอำเภอ"])

    def test_it_makes_group_members_support_when_a_lead_agency_is_named(self):
        directive = self.create(parties=services.parties_from(agencies=[self.agency_a], groups=[self.group]))
        roles = {a.agency: a.role for a in directive.assignments.all()}
        self.assertEqual(roles[self.agency_a], Assignment.Role.LEAD)
        self.assertEqual(roles[self.district], Assignment.Role.SUPPORT)

    def test_it_assigns_an_agency_once_even_if_named_twice(self):
        directive = self.create(parties=services.parties_from(agencies=[self.district], groups=[self.group]))
        self.assertEqual(directive.assignments.filter(agency=self.district).count(), 1)
        self.assertEqual(directive.assignments.get(agency=self.district).role, Assignment.Role.LEAD)

    def test_it_prints_free_text_parties_as_written_without_assigning_anyone(self):
        directive = self.create(
            parties=services.parties_from(
                agencies=[self.agency_b],
                groups=[self.group],
                free_text=["  ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง  ", "", "ทุกส่วนราชการ/หน่วยงาน (ที่มีภารกิจ)"],
            )
        )
        self.assertEqual(
            [p.text for p in directive.parties.all()],
            [self.agency_b.name, "ทุกอำเภอ", "ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง", "ทุกส่วนราชการ/หน่วยงาน (ที่มีภารกิจ)"],
        )
        self.assertEqual(directive.assignments.count(), 3)  # agency B and the two active districts

    def test_it_creates_a_directive_with_only_free_text_parties_and_no_assignments(self):
        directive = self.create(parties=services.parties_from(free_text=["ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง"]))
        self.assertEqual(directive.assignments.count(), 0)
        self.assertEqual(directive.state, Status.NOT_STARTED)
        self.assertIsNone(directive.open_due_date)

    def test_it_takes_up_to_the_cap_of_typed_party_lines_and_names_the_count_past_it(self):
        cap = limits.PARTY_LINE_COUNT
        directive = self.create(parties=services.parties_from(free_text=[f"หน่วยงาน {i}" for i in range(cap)]))
        self.assertEqual(directive.parties.count(), cap)
        with self.assertRaises(services.DomainError) as caught:
            self.create(number="10", parties=services.parties_from(free_text=[f"หน่วยงาน {i}" for i in range(cap + 1)]))
        self.assertEqual(
            (str(caught.exception), caught.exception.field), (limits.too_many_lines(cap + 1, cap), "free_parties")
        )

    def test_its_lines_keep_their_paragraph_and_name_who_wrote_them_in_the_history(self):
        directive = self.create(
            text="ขอให้ทุกอำเภอเฝ้าระวังหมอกควัน\nและรายงานจุดความร้อนทุกวัน",
            parties=[services.Party(agency=self.agency_a), services.Party(label="หน่วยงานที่เกี่ยวข้อง", paragraph=1)],
        )
        self.assertEqual(list(directive.parties.values_list("paragraph", flat=True)), [0, 1])
        line = directive.parties.get(agency=self.agency_a)
        assignment = directive.assignments.get(agency=self.agency_a)
        self.assertEqual(line.history.get().history_user, self.secretariat)
        self.assertEqual(assignment.history.earliest("history_date").history_user, self.secretariat)

    def test_it_refuses_a_line_beside_a_paragraph_the_text_does_not_have(self):
        for number, text, paragraph, message in (
            ("10", "ย่อหน้าเดียว", 1, "ข้อความมีเพียง ๑ ย่อหน้า จึงพิมพ์หน่วยงานข้างย่อหน้าที่ ๒ ไม่ได้"),
            ("11", "ย่อหน้าแรก\nย่อหน้าที่สอง", 2, "ข้อความมีเพียง ๒ ย่อหน้า จึงพิมพ์หน่วยงานข้างย่อหน้าที่ ๓ ไม่ได้"),
        ):
            with self.subTest(paragraph=paragraph), self.assertRaises(services.DomainError) as caught:
                self.create(
                    number=number,
                    text=text,
                    parties=[services.Party(agency=self.agency_a), services.Party(label="อื่น ๆ", paragraph=paragraph)],
                )
            self.assertEqual((str(caught.exception), caught.exception.field), (message, "parties_paragraph"))
            self.assertFalse(Directive.objects.filter(meeting=self.meeting, number=number).exists())

    def test_it_keeps_the_number_sortable(self):
        for number in ("10", "7.10", "7.2"):
            self.create(number=number)
        numbers = list(Directive.objects.filter(meeting=self.meeting).in_print_order().values_list("number", flat=True))
        self.assertEqual(numbers, ["1", "2", "7.2", "7.10", "10"])

    def test_it_records_who_created_it(self):
        directive = self.create()
        self.assertEqual(directive.created_by, self.secretariat)
        self.assertEqual(directive.history.get().history_user, self.secretariat)

    def test_it_refuses_invalid_directives_and_saves_nothing(self):
        before = (Directive.objects.count(), ResponsibleParty.objects.count(), Assignment.objects.count())
        for kwargs in (
            {"number": "2", "text": "ซ้ำ"},  # duplicate in the meeting
            {"number": "ก", "text": "ไม่ใช่ตัวเลข"},
            {"number": "11", "text": "", "heading": ""},
            {"number": "12", "report_until": days(100)},  # an end without a day
            {"number": "13", "report_day": 32},
        ):
            with self.subTest(**{k: str(v) for k, v in kwargs.items()}), self.assertRaises(ValidationError):
                services.directive_create(
                    meeting=self.meeting,
                    parties=services.parties_from(agencies=[self.agency_a]),
                    by=self.secretariat,
                    **{"text": "ข้อความ", **kwargs},
                )
        after = (Directive.objects.count(), ResponsibleParty.objects.count(), Assignment.objects.count())
        self.assertEqual(after, before)

    def test_it_refuses_a_sub_item_numbered_outside_its_parent(self):
        with self.assertRaises(ValidationError) as caught:
            self.create(number="3.1", parent=self.directive)
        self.assertIn("number", caught.exception.message_dict)
        child = self.create(number="2.1", parent=self.directive)
        self.assertEqual(list(self.directive.children.all()), [child])


class DerivedStateTests(TrackerTestCase):
    """The directive's state comes from its assignments and the secretariat's decision."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.shared = services.directive_create(
            meeting=cls.meeting,
            number="5",
            text="ขอให้ร่วมกันจัดงานฤดูหนาว",
            due_date=days(14),
            parties=services.parties_from(agencies=[cls.agency_a, cls.agency_b]),
            by=cls.secretariat,
        )
        cls.share_a = cls.shared.assignments.get(agency=cls.agency_a)
        cls.share_b = cls.shared.assignments.get(agency=cls.agency_b)

    def state(self) -> str:
        return Directive.objects.get(pk=self.shared.pk).state

    def report(self, assignment, status, user, **kwargs):
        return services.progress_report(
            assignment=assignment, text=f"รายงาน {status}", status=status, by=user, **kwargs
        )

    def test_it_goes_from_not_started_to_in_progress_to_done(self):
        self.assertEqual(self.state(), Status.NOT_STARTED)
        self.report(self.share_a, Status.IN_PROGRESS, self.user_a)
        self.assertEqual(self.state(), Status.IN_PROGRESS)
        self.report(self.share_a, Status.DONE, self.user_a)
        self.assertEqual(self.state(), Status.IN_PROGRESS)  # agency B has not finished
        self.report(self.share_b, Status.DONE, self.user_b)
        self.assertEqual(self.state(), Status.DONE)
        self.assertFalse(Assignment.objects.filter(directive=self.shared, is_open=True).exists())
        self.assertIsNone(Directive.objects.get(pk=self.shared.pk).open_due_date)

    def test_it_shows_an_extension_while_one_is_asked(self):
        services.extension_request(assignment=self.share_b, reason="รองบประมาณ", new_due_date=days(60), by=self.user_b)
        self.assertEqual(self.state(), Status.EXTENSION)
        self.assertEqual(Assignment.objects.get(pk=self.share_b.pk).status, Status.EXTENSION)

    def test_it_is_closed_when_the_secretariat_closes_it(self):
        self.report(self.share_a, Status.IN_PROGRESS, self.user_a)
        services.directive_close(directive=self.shared, note="ยุติตามมติที่ประชุม", by=self.secretariat)
        directive = Directive.objects.get(pk=self.shared.pk)
        self.assertEqual(directive.state, Status.CLOSED)
        self.assertIsNone(directive.open_due_date)
        self.assertFalse(directive.assignments.filter(is_open=True).exists())
        services.directive_reopen(directive=directive, by=self.secretariat)
        self.assertEqual(self.state(), Status.IN_PROGRESS)
        self.assertEqual(Directive.objects.get(pk=self.shared.pk).open_due_date, days(14))

    def test_it_goes_back_to_in_progress_when_a_done_report_is_returned(self):
        self.report(self.share_a, Status.IN_PROGRESS, self.user_a)
        done = self.report(self.share_a, Status.DONE, self.user_a)
        self.report(self.share_b, Status.DONE, self.user_b)
        self.assertEqual(self.state(), Status.DONE)
        services.report_review(report=done, accept=False, comment="ยังไม่ครบทุกอำเภอ", by=self.secretariat)
        self.assertEqual(Assignment.objects.get(pk=self.share_a.pk).status, Status.IN_PROGRESS)
        self.assertEqual(self.state(), Status.IN_PROGRESS)


class OverdueTests(TrackerTestCase):
    """Overdue is a date comparison at read time, never a stored flag."""

    def test_it_is_overdue_when_an_open_assignment_is_past_its_due_date(self):
        self.assertTrue(Directive.objects.get(pk=self.directive_b.pk).is_overdue())
        self.assertFalse(Directive.objects.get(pk=self.directive.pk).is_overdue())
        self.assertEqual(list(Directive.objects.overdue()), [self.directive_b])
        self.assertEqual(list(Assignment.objects.overdue()), [self.assignment_b])

    def test_it_is_not_overdue_on_the_due_date_itself(self):
        directive = services.directive_create(
            meeting=self.meeting,
            number="6",
            text="ครบกำหนดวันนี้",
            due_date=today(),
            parties=services.parties_from(agencies=[self.agency_a]),
            by=self.secretariat,
        )
        self.assertFalse(directive.is_overdue())
        self.assertTrue(directive.is_overdue(on=days(1)))
        self.assertIn(directive, Directive.objects.overdue(on=days(1)))

    def test_it_stops_being_overdue_when_done_or_closed(self):
        services.progress_report(assignment=self.assignment_b, text="เสร็จ", status=Status.DONE, by=self.user_b)
        self.assertFalse(Directive.objects.get(pk=self.directive_b.pk).is_overdue())
        self.assertEqual(list(Directive.objects.overdue()), [])
        services.directive_close(directive=self.directive, note="ยุติ", by=self.secretariat)
        self.assertFalse(Assignment.objects.get(pk=self.assignment_a.pk).is_overdue(on=days(365)))

    def test_it_takes_the_earliest_open_due_date_of_the_agencies(self):
        directive = services.directive_create(
            meeting=self.meeting,
            number="7",
            text="หลายหน่วยงาน",
            due_date=days(10),
            parties=services.parties_from(agencies=[self.agency_a, self.agency_b]),
            by=self.secretariat,
        )
        share_b = directive.assignments.get(agency=self.agency_b)
        request = services.extension_request(
            assignment=directive.assignments.get(agency=self.agency_a),
            reason="ขอเวลา",
            new_due_date=days(40),
            by=self.user_a,
        )
        services.report_review(report=request, accept=True, by=self.secretariat)
        self.assertEqual(Directive.objects.get(pk=directive.pk).open_due_date, days(10))
        services.progress_report(assignment=share_b, text="เสร็จ", status=Status.DONE, by=self.user_b)
        self.assertEqual(Directive.objects.get(pk=directive.pk).open_due_date, days(40))
        self.assertFalse(Directive.objects.get(pk=directive.pk).is_overdue(on=days(39)))
        self.assertTrue(Directive.objects.get(pk=directive.pk).is_overdue(on=days(41)))

    def test_it_moves_the_agencies_due_date_with_the_directives(self):
        services.directive_update(directive=self.directive_b, due_date=days(5), by=self.secretariat)
        self.assertEqual(Assignment.objects.get(pk=self.assignment_b.pk).due_date, days(5))
        self.assertFalse(Directive.objects.get(pk=self.directive_b.pk).is_overdue())


class ProgressReportTests(TrackerTestCase):
    def test_it_appends_reports_and_never_overwrites_them(self):
        first = ProgressReport.objects.get(pk=self.report_a.pk)
        second = services.progress_report(
            assignment=self.assignment_a, text="จัดกิจกรรมแล้ว", status=Status.IN_PROGRESS, percent=60, by=self.user_a
        )
        self.assertNotEqual(first.pk, second.pk)
        self.assertEqual(list(self.assignment_a.reports.all()), [second, first])
        first.refresh_from_db()
        self.assertEqual((first.text, first.percent), ("จัดประชุมชี้แจงแล้ว", 30))

    def test_it_acknowledges_the_item_with_the_first_report(self):
        self.assertIsNone(self.assignment_b.acknowledged_at)
        report = services.progress_report(
            assignment=self.assignment_b, text="เริ่มดำเนินการ", status=Status.IN_PROGRESS, by=self.user_b
        )
        self.assignment_b.refresh_from_db()
        self.assertEqual(self.assignment_b.acknowledged_at, report.created_at)
        self.assertEqual(self.assignment_b.acknowledged_by, self.user_b)

    def test_it_refuses_a_report_on_a_closed_directive(self):
        services.directive_close(directive=self.directive, note="ยุติ", by=self.secretariat)
        with self.assertRaisesMessage(services.DomainError, "ข้อนี้ปิดประเด็นแล้ว ไม่รับรายงานเพิ่ม"):
            services.progress_report(
                assignment=Assignment.objects.get(pk=self.assignment_a.pk),
                text="รายงานหลังปิด",
                status=Status.DONE,
                by=self.user_a,
            )
        self.assertEqual(self.assignment_a.reports.count(), 1)

    def test_it_refuses_an_extension_without_a_date(self):
        with self.assertRaisesMessage(services.DomainError, "กรุณาระบุวันที่ขอขยายเวลาถึง"):
            services.progress_report(
                assignment=self.assignment_a, text="ขอขยาย", status=Status.EXTENSION, by=self.user_a
            )

    def test_it_refuses_an_extension_not_later_than_the_due_date(self):
        with self.assertRaisesMessage(services.DomainError, "วันที่ขอขยายต้องหลังกำหนดเสร็จเดิม"):
            services.extension_request(
                assignment=self.assignment_a, reason="ขอ", new_due_date=self.assignment_a.due_date, by=self.user_a
            )

    def test_it_refuses_a_percent_over_100_and_saves_nothing(self):
        with self.assertRaises(ValidationError):
            services.progress_report(
                assignment=self.assignment_a, text="เกิน", status=Status.IN_PROGRESS, percent=101, by=self.user_a
            )
        self.assertEqual(self.assignment_a.reports.count(), 1)

    def test_it_refuses_a_status_only_the_secretariat_may_set(self):
        with self.assertRaises(ValidationError):
            services.progress_report(assignment=self.assignment_a, text="ปิดเอง", status=Status.CLOSED, by=self.user_a)
        self.assertEqual(Assignment.objects.get(pk=self.assignment_a.pk).status, Status.IN_PROGRESS)

    def test_it_records_acknowledgement_once(self):
        services.assignment_acknowledge(assignment=self.assignment_b, by=self.user_b)
        with self.assertRaisesMessage(services.DomainError, "หน่วยงานรับทราบข้อนี้แล้ว"):
            services.assignment_acknowledge(assignment=self.assignment_b, by=self.user_b)


class ReviewTests(TrackerTestCase):
    def test_it_accepts_a_report(self):
        services.report_review(report=self.report_a, accept=True, by=self.secretariat)
        report = ProgressReport.objects.get(pk=self.report_a.pk)
        self.assertEqual((report.review, report.reviewed_by), (ProgressReport.Review.ACCEPTED, self.secretariat))
        self.assertEqual(Assignment.objects.get(pk=self.assignment_a.pk).status, Status.IN_PROGRESS)

    def test_it_needs_a_comment_to_return_a_report(self):
        for comment in ("", "   "):
            with self.assertRaisesMessage(services.DomainError, "กรุณาระบุเหตุผลที่ส่งกลับ"):
                services.report_review(report=self.report_a, accept=False, comment=comment, by=self.secretariat)
        self.assertEqual(ProgressReport.objects.get(pk=self.report_a.pk).review, ProgressReport.Review.PENDING)

    def test_it_returns_a_report_and_the_status_falls_back(self):
        services.report_review(report=self.report_a, accept=False, comment="ขอรายละเอียดเพิ่ม", by=self.secretariat)
        report = ProgressReport.objects.get(pk=self.report_a.pk)
        self.assertEqual((report.review, report.review_comment), (ProgressReport.Review.RETURNED, "ขอรายละเอียดเพิ่ม"))
        self.assertEqual(Assignment.objects.get(pk=self.assignment_a.pk).status, Status.NOT_STARTED)
        self.assertEqual(Directive.objects.get(pk=self.directive.pk).state, Status.NOT_STARTED)

    def test_it_moves_the_due_date_when_an_extension_is_accepted(self):
        new_due = days(90)
        request = services.extension_request(
            assignment=self.assignment_b, reason="รองบประมาณ", new_due_date=new_due, by=self.user_b
        )
        self.assertTrue(Directive.objects.get(pk=self.directive_b.pk).is_overdue())
        services.report_review(report=request, accept=True, by=self.secretariat)
        assignment = Assignment.objects.get(pk=self.assignment_b.pk)
        self.assertEqual(assignment.due_date, new_due)
        self.assertEqual(assignment.status, Status.NOT_STARTED)  # the status before the request
        directive = Directive.objects.get(pk=self.directive_b.pk)
        self.assertEqual(directive.open_due_date, new_due)
        self.assertFalse(directive.is_overdue())

    def test_it_keeps_the_due_date_when_an_extension_is_returned(self):
        old_due = self.assignment_b.due_date
        request = services.extension_request(
            assignment=self.assignment_b, reason="รองบประมาณ", new_due_date=days(90), by=self.user_b
        )
        services.report_review(report=request, accept=False, comment="ไม่อนุมัติ", by=self.secretariat)
        self.assertEqual(Assignment.objects.get(pk=self.assignment_b.pk).due_date, old_due)
        self.assertEqual(Directive.objects.get(pk=self.directive_b.pk).state, Status.NOT_STARTED)

    def test_it_reviews_a_report_only_once(self):
        services.report_review(report=self.report_a, accept=True, by=self.secretariat)
        with self.assertRaisesMessage(services.DomainError, "รายงานนี้ตรวจไปแล้ว"):
            services.report_review(report=self.report_a, accept=False, comment="เปลี่ยนใจ", by=self.secretariat)


class PartiesUpdateTests(TrackerTestCase):
    def test_it_adds_and_removes_agencies_that_have_not_reported(self):
        services.directive_update(
            directive=self.directive_b,
            parties=services.parties_from(agencies=[self.agency_a]),
            by=self.secretariat,
        )
        self.assertEqual([a.agency for a in self.directive_b.assignments.all()], [self.agency_a])
        self.assertEqual([p.text for p in self.directive_b.parties.all()], [self.agency_a.name])

    def test_it_refuses_to_remove_an_agency_that_has_reported_and_changes_nothing(self):
        with self.assertRaisesMessage(services.DomainError, "รายงานผลในข้อนี้แล้ว จึงนำออกจากหน่วยงานรับผิดชอบไม่ได้"):
            services.directive_update(
                directive=self.directive,
                parties=services.parties_from(agencies=[self.agency_b]),
                text="ข้อความใหม่",
                by=self.secretariat,
            )
        directive = Directive.objects.get(pk=self.directive.pk)
        self.assertEqual(directive.text, "ขอให้รณรงค์แต่งกายชุดพื้นเมืองในทุกวันศุกร์")
        self.assertEqual([p.agency for p in directive.parties.all()], [self.agency_a])
        self.assertEqual([a.agency for a in directive.assignments.all()], [self.agency_a])

    def test_it_keeps_an_agencys_extended_due_date_when_the_directives_moves(self):
        shared = services.directive_create(
            meeting=self.meeting,
            number="8",
            text="หลายหน่วยงาน",
            due_date=days(10),
            parties=services.parties_from(agencies=[self.agency_a, self.agency_b]),
            by=self.secretariat,
        )
        request = services.extension_request(
            assignment=shared.assignments.get(agency=self.agency_a), reason="ขอ", new_due_date=days(50), by=self.user_a
        )
        services.report_review(report=request, accept=True, by=self.secretariat)
        services.directive_update(directive=shared, due_date=days(20), by=self.secretariat)
        self.assertEqual(shared.assignments.get(agency=self.agency_a).due_date, days(50))
        self.assertEqual(shared.assignments.get(agency=self.agency_b).due_date, days(20))

    def test_it_refuses_to_edit_a_closed_directive(self):
        services.directive_close(directive=self.directive, note="ยุติ", by=self.secretariat)
        with self.assertRaisesMessage(services.DomainError, "ข้อนี้ปิดประเด็นแล้ว"):
            services.directive_update(directive=self.directive, text="แก้", by=self.secretariat)

    def test_the_history_names_who_removed_an_agency(self):
        removed = self.assignment_b.pk
        services.directive_update(
            directive=self.directive_b, parties=services.parties_from(agencies=[self.agency_a]), by=self.secretariat
        )
        self.assertFalse(Assignment.objects.filter(pk=removed).exists())
        deletion = Assignment.history.get(id=removed, history_type="-")
        self.assertEqual(deletion.history_user, self.secretariat)


class CloseTests(TrackerTestCase):
    def test_it_needs_a_note_to_close(self):
        for note in ("", "  \n "):
            with self.assertRaisesMessage(services.DomainError, "กรุณาระบุเหตุผลการปิดประเด็น"):
                services.directive_close(directive=self.directive, note=note, by=self.secretariat)
        self.assertFalse(Directive.objects.get(pk=self.directive.pk).is_closed)

    def test_it_records_who_closed_it_and_why(self):
        services.directive_close(directive=self.directive, note="  ยุติตามมติที่ประชุม ", by=self.secretariat)
        directive = Directive.objects.get(pk=self.directive.pk)
        self.assertEqual((directive.close_note, directive.closed_by), ("ยุติตามมติที่ประชุม", self.secretariat))
        self.assertIsNotNone(directive.closed_at)
        self.assertEqual(directive.history.first().history_user, self.secretariat)

    def test_it_closes_once_and_reopens_only_what_is_closed(self):
        services.directive_close(directive=self.directive, note="ยุติ", by=self.secretariat)
        with self.assertRaisesMessage(services.DomainError, "ข้อนี้ปิดประเด็นไปแล้ว"):
            services.directive_close(directive=self.directive, note="อีกครั้ง", by=self.secretariat)
        services.directive_reopen(directive=self.directive, by=self.secretariat)
        with self.assertRaisesMessage(services.DomainError, "ข้อนี้ยังไม่ได้ปิดประเด็น"):
            services.directive_reopen(directive=self.directive, by=self.secretariat)


class HeadingRowStateTests(TrackerTestCase):
    """A heading row with sub-items (๗ ประเด็นอื่น ๆ) takes its state from them, but
    never falls due itself: only agencies' shares do."""

    def test_it_derives_a_heading_rows_state_from_its_sub_items_and_never_its_due_date(self):
        parent = services.directive_create(meeting=self.meeting, number="7", heading="ประเด็นอื่น ๆ", by=self.secretariat)
        child = services.directive_create(
            meeting=self.meeting,
            number="7.1",
            parent=parent,
            text="ขอให้ดูแลความสะอาดสถานที่ราชการ",
            due_date=today() + datetime.timedelta(days=5),
            parties=services.parties_from(agencies=[self.agency_a]),
            by=self.secretariat,
        )
        parent.refresh_from_db()
        self.assertEqual(parent.state, Status.NOT_STARTED)
        self.assertIsNone(parent.open_due_date)
        self.assertEqual(Directive.objects.get(pk=child.pk).open_due_date, today() + datetime.timedelta(days=5))
        services.progress_report(
            assignment=child.assignments.get(), text="เริ่มดำเนินการ", status=Status.IN_PROGRESS, by=self.user_a
        )
        parent.refresh_from_db()
        self.assertEqual(parent.state, Status.IN_PROGRESS)
        services.progress_report(assignment=child.assignments.get(), text="เสร็จแล้ว", status=Status.DONE, by=self.user_a)
        parent.refresh_from_db()
        self.assertEqual(parent.state, Status.DONE)
        self.assertIsNone(parent.open_due_date)

    def test_a_closed_sub_item_counts_as_finished_for_its_heading_row(self):
        parent = services.directive_create(meeting=self.meeting, number="7", heading="ประเด็นอื่น ๆ", by=self.secretariat)
        done, closed = [
            services.directive_create(
                meeting=self.meeting,
                number=f"7.{n}",
                parent=parent,
                text=f"ข้อย่อยที่ {n}",
                parties=services.parties_from(agencies=[agency]),
                by=self.secretariat,
            )
            for n, agency in ((1, self.agency_a), (2, self.agency_b))
        ]
        services.progress_report(assignment=done.assignments.get(), text="เสร็จแล้ว", status=Status.DONE, by=self.user_a)
        services.directive_close(directive=closed, note="ยุติตามมติที่ประชุม", by=self.secretariat)
        parent.refresh_from_db()
        self.assertEqual(parent.state, Status.DONE)

    def test_an_item_with_agencies_of_its_own_goes_by_them_not_by_its_sub_items(self):
        finished = Assignment(status=Status.DONE, is_open=False, due_date=days(5))
        not_started = Directive(state=Status.NOT_STARTED)
        self.assertEqual(
            services.derive_state(closed=False, assignments=[finished], children=[not_started]), (Status.DONE, None)
        )
