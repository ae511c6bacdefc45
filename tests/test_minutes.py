"""Minutes (รายงานการประชุม): the certification workflow's rules, the links to the
previous meeting, and the pages that drive them."""

from __future__ import annotations

import datetime
from unittest import mock

from django.utils import timezone

from directives import services as directive_services
from directives.models import Directive, Status, today
from lampang_tracker import thai
from meetings.services import meeting_create
from minutes import services
from minutes.models import AgendaItem, Amendment, Attendee, CorrectionRequest, Minutes, Section, Standing, State
from tests.base import SpreadMixin, TrackerTestCase

DAY = datetime.timedelta(days=1)


class MinutesTestCase(TrackerTestCase):
    """Meeting ๑๐/๒๕๖๐ of the base cast has minutes; ๑๑/๒๕๖๐ follows it."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.earlier = services.minutes_start(meeting=cls.meeting, by=cls.secretariat)
        services.attendees_add_lines(
            minutes=cls.earlier,
            text="๑. นายชาติตรี\tธินนท์\tพัฒนาการจังหวัดลำปาง\n๒. นางอุทัยวรรณ\tมินสุวรรณ\tหัวหน้ากลุ่มงาน",
            kind=Attendee.Kind.PRESENT,
            by=cls.secretariat,
        )
        services.attendees_add_lines(
            minutes=cls.earlier,
            text="นางฉันทนา\tอรุณรัตน์\tพัฒนาการอำเภอสบปราบ\tติดราชการ",
            kind=Attendee.Kind.ABSENT,
            by=cls.secretariat,
        )
        cls.next_meeting = meeting_create(
            by=cls.secretariat, series=cls.series, number=11, year_be=2560, date=datetime.date(2017, 12, 27)
        )

    def circulate(self, minutes: Minutes, days: int = 7) -> Minutes:
        return services.minutes_circulate(minutes=minutes, deadline=today() + days * DAY, by=self.secretariat)

    def item(self, minutes: Minutes, section: int = Section.FOR_INFORMATION, **fields) -> AgendaItem:
        fields.setdefault("title", "การลงทะเบียนผู้ผลิต ผู้ประกอบการ OTOP")
        return services.item_create(section=minutes.sections.get(number=section), by=self.secretariat, **fields)

    def request_correction(self, text: str) -> CorrectionRequest:
        """Agency A asks to correct section ๑ of the earlier minutes."""
        return services.correction_request(
            minutes=self.earlier,
            section=self.earlier.sections.get(number=1),
            text=text,
            agency=self.agency_a,
            by=self.user_a,
        )

    def after_deadline(self, minutes: Minutes):
        """Pretend the certification deadline has passed."""
        later = minutes.certify_deadline + DAY
        return mock.patch("minutes.models.today", return_value=later)


class StartTests(MinutesTestCase):
    def test_it_prefills_the_six_standard_sections_and_the_preliminary_one(self):
        minutes = services.minutes_start(meeting=self.next_meeting, by=self.secretariat)
        titles = dict(minutes.sections.values_list("number", "title"))
        self.assertEqual(sorted(titles), [0, 1, 2, 3, 4, 5, 6])
        self.assertEqual(titles[1], "เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ")
        self.assertEqual(titles[4], "เรื่องเพื่อทราบ")
        self.assertEqual(titles[5], "เรื่องเพื่อพิจารณา")
        self.assertEqual(titles[6], "เรื่องอื่น ๆ")

    def test_the_title_names_the_series_once(self):
        minutes = services.minutes_start(meeting=self.next_meeting, by=self.secretariat)
        self.assertEqual(minutes.title, "รายงานการประชุมหัวหน้าส่วนราชการจังหวัดลำปาง")
        board = type(self.series).objects.create(name="คณะกรรมการบริหารงานจังหวัดแบบบูรณาการ", summary_title="สรุป")
        meeting = meeting_create(
            by=self.secretariat, series=board, number=1, year_be=2561, date=datetime.date(2018, 1, 5)
        )
        self.assertEqual(
            services.minutes_start(meeting=meeting, by=self.secretariat).title,
            "รายงานการประชุมคณะกรรมการบริหารงานจังหวัดแบบบูรณาการ",
        )

    def test_it_names_the_previous_meeting_in_sections_two_and_three(self):
        minutes = services.minutes_start(meeting=self.next_meeting, by=self.secretariat)
        self.assertEqual(
            minutes.sections.get(number=2).heading,
            "ระเบียบวาระที่ ๒ รับรองรายงานการประชุมครั้งที่ ๑๐/๒๕๖๐ เมื่อวันที่ ๒๙ พฤศจิกายน ๒๕๖๐",
        )
        self.assertEqual(
            minutes.sections.get(number=3).heading,
            "ระเบียบวาระที่ ๓ เรื่องสืบเนื่องจากการประชุมครั้งที่ ๑๐/๒๕๖๐ เมื่อวันที่ ๒๙ พฤศจิกายน ๒๕๖๐",
        )

    def test_the_first_meeting_of_a_series_keeps_the_generic_titles(self):
        self.assertEqual(self.earlier.sections.get(number=2).title, "รับรองรายงานการประชุมครั้งที่แล้ว")

    def test_it_copies_the_previous_attendance_with_absentees_as_present(self):
        minutes = services.minutes_start(meeting=self.next_meeting, by=self.secretariat)
        rows = list(minutes.attendees.values_list("kind", "name", "position", "reason"))
        self.assertEqual(
            rows,
            [
                ("present", "นายชาติตรี ธินนท์", "พัฒนาการจังหวัดลำปาง", ""),
                ("present", "นางอุทัยวรรณ มินสุวรรณ", "หัวหน้ากลุ่มงาน", ""),
                ("present", "นางฉันทนา อรุณรัตน์", "พัฒนาการอำเภอสบปราบ", ""),
            ],
        )

    def test_it_refuses_a_second_set_of_minutes(self):
        with self.assertRaisesMessage(services.DomainError, "มีรายงานการประชุมแล้ว"):
            services.minutes_start(meeting=self.meeting, by=self.secretariat)

    def test_previous_is_the_latest_earlier_meeting_of_the_same_series_only(self):
        meeting_create(by=self.secretariat, series=self.series, number=9, year_be=2560, date=datetime.date(2017, 10, 1))
        other = type(self.series).objects.create(name="การประชุมอื่น", summary_title="สรุป")
        meeting_create(by=self.secretariat, series=other, number=1, year_be=2560, date=datetime.date(2017, 12, 1))
        self.assertEqual(self.next_meeting.previous(), self.meeting)
        self.assertEqual(self.meeting.previous().number, 9)


class AttendeeLineTests(MinutesTestCase):
    def test_it_reads_lines_pasted_from_a_word_table(self):
        self.assertEqual(
            services.parse_attendee_line("๒๙.\tนางสาวสิรินทร์นิชา\tเนตรรัตน์นากรณ์\tนักส่งเสริมการพัฒนาชุมชน"),
            ("นางสาวสิรินทร์นิชา เนตรรัตน์นากรณ์", "นักส่งเสริมการพัฒนาชุมชน"),
        )
        self.assertEqual(services.parse_attendee_line("นายก ข  ผู้อำนวยการ"), ("นายก ข", "ผู้อำนวยการ"))
        self.assertIsNone(services.parse_attendee_line("   "))
        # A position split over two cells is joined with a space; a name alone has no position.
        self.assertEqual(
            services.parse_attendee_line("นายก\tข\tหัวหน้ากลุ่มงาน\tกลุ่มงานอำนวยการ"),
            ("นายก ข", "หัวหน้ากลุ่มงาน กลุ่มงานอำนวยการ"),
        )
        self.assertEqual(services.parse_attendee_line("๓) นายสมชาย"), ("นายสมชาย", ""))

    def test_an_absentee_line_keeps_its_reason(self):
        absent = self.earlier.attendees.get(kind=Attendee.Kind.ABSENT)
        self.assertEqual((absent.position, absent.reason), ("พัฒนาการอำเภอสบปราบ", "ติดราชการ"))

    def test_agency_heads_are_added_once_with_their_printed_title(self):
        added = services.attendees_add_heads(minutes=self.earlier, agencies=[self.agency_a], by=self.secretariat)
        self.assertEqual(added[0].position, "วัฒนธรรมจังหวัดลำปาง")
        again = services.attendees_add_heads(minutes=self.earlier, agencies=[self.agency_a], by=self.secretariat)
        self.assertEqual(again, [])


class FollowUpTests(MinutesTestCase, SpreadMixin):
    def test_section_three_lists_the_previous_meetings_open_directives_with_latest_progress(self):
        minutes = services.minutes_start(meeting=self.next_meeting, by=self.secretariat)
        rows, _ = services.follow_up_rows(minutes)
        by_number = {row["number"]: row for row in rows}
        self.assertEqual(set(by_number), {"๑", "๒"})
        culture = by_number["๒"]["agencies"][0]
        self.assertEqual(culture["name"], "สำนักงานวัฒนธรรมจังหวัดลำปาง")
        self.assertEqual(culture["status"], Status.IN_PROGRESS.label)
        self.assertEqual(culture["report"], ["จัดประชุมชี้แจงแล้ว"])

    def test_done_and_closed_directives_leave_section_three(self):
        directive_services.progress_report(
            assignment=self.assignment_a, text="เสร็จแล้ว", status=Status.DONE, by=self.user_a
        )
        directive_services.directive_close(directive=self.directive_b, note="ยุติ", by=self.secretariat)
        minutes = services.minutes_start(meeting=self.next_meeting, by=self.secretariat)
        self.assertEqual(services.follow_up_rows(minutes)[0], [])

    def test_circulated_minutes_keep_section_three_as_it_stood(self):
        minutes = services.minutes_start(meeting=self.next_meeting, by=self.secretariat)
        self.circulate(minutes)
        directive_services.progress_report(
            assignment=self.assignment_a, text="รายงานหลังเวียน", status=Status.DONE, by=self.user_a
        )
        minutes.refresh_from_db()
        rows, as_of = services.follow_up_rows(minutes)
        self.assertEqual(as_of, today())
        texts = [a["report"] for row in rows for a in row["agencies"]]
        self.assertIn(["จัดประชุมชี้แจงแล้ว"], texts)
        self.assertNotIn(["รายงานหลังเวียน"], texts)

    def test_many_silent_agencies_are_named_together(self):
        agencies = self.spread_agencies(4)
        directive_services.directive_create(
            meeting=self.meeting,
            number="9",
            text="ทุกหน่วยงานดำเนินการ",
            parties=directive_services.parties_from(agencies=agencies),
            by=self.secretariat,
        )
        minutes = services.minutes_start(meeting=self.next_meeting, by=self.secretariat)
        row = next(r for r in services.follow_up_rows(minutes)[0] if r["number"] == "๙")
        self.assertEqual(row["agencies"], [])
        self.assertEqual(len(row["silent"][0]["names"]), 4)

    def test_section_three_as_of_a_given_day_names_each_agency_or_gathers_three_silent_ones(self):
        heading = directive_services.directive_create(
            meeting=self.meeting, number="7", heading="ประเด็นอื่น ๆ", by=self.secretariat
        )
        silent = self.spread_agencies(services.SILENT_GATHER_MIN)
        sub_item = directive_services.directive_create(
            meeting=self.meeting,
            number="7.1",
            parent=heading,
            heading="ไฟป่า",
            text="ขอให้เฝ้าระวังไฟป่า",
            due_date=today() + 5 * DAY,
            parties=directive_services.parties_from(agencies=silent),
            by=self.secretariat,
        )
        minutes = services.minutes_start(meeting=self.next_meeting, by=self.secretariat)
        as_of = today() + 10 * DAY  # not today: every overdue count is taken on this day
        not_started, in_progress = Status.NOT_STARTED.label, Status.IN_PROGRESS.label
        self.assertEqual(
            services.follow_up_live(minutes, as_of),
            [
                {
                    "directive_id": self.directive_b.pk,
                    "number": "๑",
                    "is_sub_item": False,
                    "heading": "",
                    "paragraphs": ["ขอให้ปรับบทบาทและภารกิจให้เป็นหน่วยอำนวยการ"],
                    # One agency with nothing reported is named on its own line.
                    "agencies": [
                        {
                            "name": self.agency_b.name,
                            "status": not_started,
                            "overdue_days": 13,
                            "report_date": None,
                            "report": [],
                        }
                    ],
                    "silent": [],
                },
                {
                    "directive_id": self.directive.pk,
                    "number": "๒",
                    "is_sub_item": False,
                    "heading": "วาระรักลำปาง",
                    "paragraphs": ["ขอให้รณรงค์แต่งกายชุดพื้นเมืองในทุกวันศุกร์"],
                    "agencies": [
                        {
                            "name": self.agency_a.name,
                            "status": in_progress,
                            "overdue_days": 0,
                            "report_date": timezone.localdate(self.report_a.created_at).isoformat(),
                            "report": ["จัดประชุมชี้แจงแล้ว"],
                        }
                    ],
                    "silent": [],
                },
                {
                    "directive_id": heading.pk,
                    "number": "๗",
                    "is_sub_item": False,
                    "heading": "ประเด็นอื่น ๆ",
                    "paragraphs": [],
                    "agencies": [],
                    "silent": [],
                },
                {
                    "directive_id": sub_item.pk,
                    "number": "๗.๑",
                    "is_sub_item": True,
                    "heading": "ไฟป่า",
                    "paragraphs": ["ขอให้เฝ้าระวังไฟป่า"],
                    "agencies": [],
                    "silent": [{"status": not_started, "overdue_days": 5, "names": [a.name for a in silent]}],
                },
            ],
        )


class CirculationTests(MinutesTestCase):
    def test_a_draft_is_not_locked_and_takes_no_correction_requests(self):
        self.assertEqual(self.earlier.standing(), Standing.DRAFT)
        self.assertFalse(self.earlier.is_locked())
        section = self.earlier.sections.get(number=1)
        with self.assertRaisesMessage(services.DomainError, "ยังไม่ได้เวียน"):
            services.correction_request(
                minutes=self.earlier, section=section, text="แก้", agency=self.agency_a, by=self.user_a
            )

    def test_the_deadline_may_not_be_in_the_past(self):
        with self.assertRaises(services.DomainError) as caught:
            services.minutes_circulate(minutes=self.earlier, deadline=today() - DAY, by=self.secretariat)
        self.assertEqual(caught.exception.field, "deadline")

    def test_circulating_minutes_take_corrections_until_the_deadline(self):
        self.circulate(self.earlier)
        self.assertEqual(self.earlier.standing(), Standing.CIRCULATING)
        section = self.earlier.sections.get(number=1)
        request = services.correction_request(
            minutes=self.earlier, section=section, text="ชื่อสกุลผิด", agency=self.agency_a, by=self.user_a
        )
        self.assertEqual(request.status, CorrectionRequest.Status.PENDING)
        with self.after_deadline(self.earlier), self.assertRaisesMessage(services.DomainError, "พ้นกำหนดขอแก้ไข"):
            services.correction_request(
                minutes=self.earlier, section=section, text="อีกเรื่อง", agency=self.agency_a, by=self.user_a
            )

    def test_after_the_deadline_without_pending_requests_it_counts_as_certified_and_locks(self):
        self.circulate(self.earlier)
        with self.after_deadline(self.earlier):
            self.assertEqual(self.earlier.standing(), Standing.DEEMED_CERTIFIED)
            self.assertTrue(self.earlier.is_locked())

    def test_a_pending_request_at_the_deadline_keeps_it_open_until_decided(self):
        self.circulate(self.earlier)
        request = self.request_correction("ชื่อสกุลผิด")
        with self.after_deadline(self.earlier):
            self.assertEqual(self.earlier.standing(), Standing.AWAITING_DECISIONS)
            self.assertFalse(self.earlier.is_locked())
            services.correction_decide(correction=request, accept=False, note="ถูกต้องแล้ว", by=self.secretariat)
            self.assertEqual(self.earlier.standing(), Standing.DEEMED_CERTIFIED)

    def test_rejecting_a_request_needs_a_reason_and_a_request_is_decided_once(self):
        self.circulate(self.earlier)
        request = self.request_correction("ชื่อสกุลผิด")
        with self.assertRaisesMessage(services.DomainError, "เหตุผลที่ไม่แก้ไข"):
            services.correction_decide(correction=request, accept=False, by=self.secretariat)
        services.correction_decide(correction=request, accept=True, by=self.secretariat)
        with self.assertRaisesMessage(services.DomainError, "พิจารณาแล้ว"):
            services.correction_decide(correction=request, accept=False, note="x", by=self.secretariat)

    def test_circulating_twice_is_refused(self):
        self.circulate(self.earlier)
        with self.assertRaisesMessage(services.DomainError, "เวียนเพื่อรับรองแล้ว"):
            self.circulate(self.earlier)


class LockingTests(MinutesTestCase):
    def test_changes_before_the_lock_leave_no_amendment(self):
        item = self.item(self.earlier)
        self.circulate(self.earlier)
        services.item_update(item=item, resolution="รับทราบ", by=self.secretariat)
        self.assertFalse(Amendment.objects.exists())

    def test_a_locked_change_needs_a_reason_and_is_recorded_as_an_amendment(self):
        item = self.item(self.earlier, resolution="รับทราบ")
        self.circulate(self.earlier)
        with self.after_deadline(self.earlier):
            with self.assertRaises(services.DomainError) as caught:
                services.item_update(item=item, resolution="รับทราบ และมอบหมาย", by=self.secretariat)
            self.assertEqual(
                (str(caught.exception), caught.exception.field),
                ("รายงานการประชุมรับรองแล้ว การแก้ไขต้องระบุเหตุผล (บันทึกเป็นการแก้ไขหลังรับรอง)", "reason"),
            )
            item.refresh_from_db()
            self.assertEqual(item.resolution, "รับทราบ")
            services.item_update(item=item, resolution="รับทราบ และมอบหมาย", reason="พิมพ์มติตกหล่น", by=self.secretariat)
        amendment = Amendment.objects.get()
        self.assertEqual(
            (amendment.before, amendment.after, amendment.reason, amendment.by),
            ("รับทราบ", "รับทราบ และมอบหมาย", "พิมพ์มติตกหล่น", self.secretariat),
        )
        self.assertIn("เรื่อง ๔.๑", amendment.what)

    def test_attendees_added_to_locked_minutes_need_a_reason_and_are_recorded_as_an_amendment(self):
        self.circulate(self.earlier)
        before = self.earlier.attendees.count()
        lines = "นายสมชาย ใจดี\tนายอำเภองาว\nนางสมหญิง รักงาน\tปลัดจังหวัดลำปาง"
        with self.after_deadline(self.earlier):
            with self.assertRaises(services.DomainError) as caught:
                services.attendees_add_lines(
                    minutes=self.earlier, text=lines, kind=Attendee.Kind.PRESENT, by=self.secretariat
                )
            self.assertEqual(caught.exception.field, "reason")
            self.assertEqual(self.earlier.attendees.count(), before)
            added = services.attendees_add_lines(
                minutes=self.earlier, text=lines, kind=Attendee.Kind.PRESENT, reason=" ตกหล่น ", by=self.secretariat
            )
        self.assertEqual([a.name for a in added], ["นายสมชาย ใจดี", "นางสมหญิง รักงาน"])
        amendment = Amendment.objects.get()
        self.assertEqual(
            (amendment.minutes, amendment.what, amendment.after, amendment.reason, amendment.by),
            (self.earlier, "รายชื่อผู้เข้าประชุม: เพิ่ม", "นายสมชาย ใจดี\nนางสมหญิง รักงาน", "ตกหล่น", self.secretariat),
        )
        self.assertEqual({a.history.get().history_user for a in added}, {self.secretariat})

    def test_only_a_draft_loses_items(self):
        item = self.item(self.earlier)
        self.circulate(self.earlier)
        with self.assertRaisesMessage(services.DomainError, "เฉพาะร่าง"):
            services.item_delete(item=item, by=self.secretariat)

    def test_the_cover_letter_never_locks(self):
        self.circulate(self.earlier)
        with self.after_deadline(self.earlier):
            services.letter_update(minutes=self.earlier, letter_number="ลป ๐๐๑๙.๑/๐๕๕๖", by=self.secretariat)
        self.assertFalse(Amendment.objects.exists())


class CertificationTests(MinutesTestCase):
    def test_a_draft_cannot_be_certified(self):
        with self.assertRaisesMessage(services.DomainError, "ต้องเวียน"):
            services.minutes_certify(minutes=self.earlier, at_meeting=self.next_meeting, by=self.secretariat)

    def test_it_is_certified_only_at_a_later_meeting_of_the_series(self):
        self.circulate(self.earlier)
        other = type(self.series).objects.create(name="การประชุมอื่น", summary_title="สรุป")
        elsewhere = meeting_create(
            by=self.secretariat, series=other, number=1, year_be=2560, date=datetime.date(2017, 12, 30)
        )
        for meeting in (self.meeting, elsewhere):
            with self.assertRaisesMessage(services.DomainError, "ครั้งถัดไป"):
                services.minutes_certify(minutes=self.earlier, at_meeting=meeting, by=self.secretariat)

    def test_pending_requests_must_be_decided_first(self):
        self.circulate(self.earlier)
        self.request_correction("แก้")
        with self.assertRaisesMessage(services.DomainError, "รอพิจารณา"):
            services.minutes_certify(minutes=self.earlier, at_meeting=self.next_meeting, by=self.secretariat)

    def test_certifying_records_the_meeting_and_writes_its_section_two(self):
        self.circulate(self.earlier)
        later = services.minutes_start(meeting=self.next_meeting, by=self.secretariat)
        services.minutes_certify(minutes=self.earlier, at_meeting=self.next_meeting, by=self.secretariat)
        self.earlier.refresh_from_db()
        self.assertEqual(self.earlier.state, State.CERTIFIED)
        self.assertEqual(self.earlier.certified_in, self.next_meeting)
        self.assertEqual(self.earlier.standing(), Standing.CERTIFIED)
        self.assertTrue(self.earlier.is_locked())
        section = later.sections.get(number=2)
        self.assertEqual(section.resolution, "รับรอง")
        self.assertIn("ปรากฏว่าไม่มีข้อแก้ไข", section.body)
        with self.assertRaisesMessage(services.DomainError, "รับรองแล้ว"):
            services.minutes_certify(minutes=self.earlier, at_meeting=self.next_meeting, by=self.secretariat)

    def test_accepted_corrections_show_in_the_resolution(self):
        self.circulate(self.earlier)
        request = self.request_correction("แก้")
        services.correction_decide(correction=request, accept=True, by=self.secretariat)
        later = services.minutes_start(meeting=self.next_meeting, by=self.secretariat)
        services.minutes_certify(minutes=self.earlier, at_meeting=self.next_meeting, by=self.secretariat)
        section = later.sections.get(number=2)
        self.assertEqual(section.resolution, "รับรอง โดยมีการแก้ไข")
        self.assertIn("มีการขอแก้ไข ๑ เรื่อง", section.body)


class ItemTests(MinutesTestCase):
    def test_numbers_follow_the_section_and_the_parent(self):
        first = self.item(self.earlier)
        self.assertEqual(first.number, "4.1")
        child = services.item_create(section=first.section, parent=first, title="กิจกรรมตามแผน", by=self.secretariat)
        self.assertEqual((child.number, child.printed_label), ("4.1.1", "๑."))
        with self.assertRaises(services.DomainError) as caught:
            self.item(self.earlier, number="5.1")
        self.assertEqual(caught.exception.field, "number")
        with self.assertRaisesMessage(services.DomainError, "มีอยู่แล้ว"):
            self.item(self.earlier, number="4.1")

    def test_an_item_becomes_a_directive_with_its_agencies_and_a_link_back(self):
        item = self.item(self.earlier, resolution="ขอให้ทุกอำเภอเพิ่มเป้าหมายเป็นร้อยละ ๑๘")
        directive = services.item_to_directive(
            item=item,
            number=services.next_directive_number(self.meeting),
            text=item.resolution,
            parties=directive_services.parties_from(agencies=[self.agency_a], groups=[self.group]),
            by=self.secretariat,
        )
        self.assertEqual(directive.number, "3")
        self.assertEqual(directive.origin.item, item)
        self.assertEqual(
            set(directive.assignments.values_list("agency__name", flat=True)),
            {"สำนักงานวัฒนธรรมจังหวัดลำปาง", "อำเภอเกาะคา"},
        )
        # The directive's page links back to the item of the minutes.
        self.login(self.secretariat)
        page = self.client.get(f"/directives/{directive.pk}/")
        self.assertContains(page, f'href="/meetings/{self.meeting.pk}/minutes/#item-{item.pk}"')
        self.assertContains(page, f"เรื่อง {item.number_label}</a>")


class MinutesPageTests(MinutesTestCase):
    def url(self, name="", meeting=None):
        base = f"/meetings/{(meeting or self.meeting).pk}/minutes/"
        return base + name

    def test_the_secretariat_starts_minutes_from_a_meeting_without_them(self):
        self.login(self.secretariat)
        page = self.client.get(self.url(meeting=self.next_meeting))
        self.assertContains(page, "จัดทำรายงานการประชุม")
        response = self.client.post(self.url("start/", self.next_meeting))
        self.assertRedirects(response, self.url(meeting=self.next_meeting))
        page = self.client.get(self.url(meeting=self.next_meeting))
        for heading in (
            "ระเบียบวาระที่ ๑ เรื่องที่ประธานแจ้งให้ที่ประชุมทราบ",
            "ระเบียบวาระที่ ๒ รับรองรายงานการประชุมครั้งที่ ๑๐/๒๕๖๐",
            "ระเบียบวาระที่ ๓ เรื่องสืบเนื่องจากการประชุมครั้งที่ ๑๐/๒๕๖๐",
            "ระเบียบวาระที่ ๖ เรื่องอื่น ๆ",
            "ขอให้รณรงค์แต่งกายชุดพื้นเมือง",  # the previous meeting's open directive, from the tracker
            "จัดประชุมชี้แจงแล้ว",  # and its latest progress
        ):
            self.assertContains(page, heading)

    def test_an_agency_user_reads_but_does_not_start_or_edit(self):
        self.login(self.user_a)
        self.assertNotContains(self.client.get(self.url(meeting=self.next_meeting)), "จัดทำรายงานการประชุม")
        self.assertEqual(self.client.post(self.url("start/", self.next_meeting)).status_code, 403)
        self.assertEqual(self.client.post(self.url("edit/"), {"title": "x"}).status_code, 403)
        item = self.item(self.earlier)
        self.assertEqual(self.client.post(f"/minutes/items/{item.pk}/edit/", {"title": "x"}).status_code, 403)

    def test_a_meeting_without_minutes_has_no_pdf_or_edit_pages(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.get(self.url("edit/", self.next_meeting)).status_code, 404)

    def test_circulating_with_a_bad_date_answers_at_the_field_and_keeps_the_text(self):
        self.login(self.secretariat)
        response = self.client.post(self.url("circulate/"), {"deadline": "31/02/2569"})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "31/02/2569", status_code=400)
        self.assertContains(response, 'id="id_deadline_error"', status_code=400)
        self.earlier.refresh_from_db()
        self.assertEqual(self.earlier.state, State.DRAFT)

    def test_circulating_sets_the_deadline_and_the_page_says_so(self):
        self.login(self.secretariat)
        deadline = today() + 10 * DAY
        response = self.client.post(
            self.url("circulate/"), {"deadline": deadline.strftime("%d/%m/") + str(deadline.year + 543)}
        )
        self.assertRedirects(response, self.url())
        page = self.client.get(self.url())
        self.assertContains(page, "อยู่ระหว่างเวียนเพื่อรับรอง")
        self.assertContains(page, "อีก ๑๐ วัน")

    def test_an_agency_sends_a_correction_and_the_secretariat_accepts_it(self):
        self.circulate(self.earlier)
        section = self.earlier.sections.get(number=1)
        self.login(self.user_a)
        page = self.client.get(self.url())
        self.assertContains(page, "ขอแก้ไขรายงานการประชุม")
        response = self.client.post(self.url("corrections/"), {"section": section.pk, "text": "ชื่อสกุลผิด"})
        self.assertRedirects(response, self.url() + "#corrections", fetch_redirect_response=False)
        request = CorrectionRequest.objects.get()
        self.assertEqual((request.agency, request.requested_by), (self.agency_a, self.user_a))
        # another agency does not see it
        self.login(self.user_b)
        self.assertNotContains(self.client.get(self.url()), "ชื่อสกุลผิด")
        # the secretariat decides
        self.login(self.secretariat)
        self.assertContains(self.client.get(self.url()), "ชื่อสกุลผิด")
        decide = f"/minutes/corrections/{request.pk}/decide/"
        response = self.client.post(decide, {f"c{request.pk}-decision": "reject"})
        self.assertContains(response, "กรุณาระบุเหตุผลที่ไม่แก้ไข", status_code=400)
        response = self.client.post(decide, {f"c{request.pk}-decision": "accept"})
        self.assertEqual(response.status_code, 302)
        request.refresh_from_db()
        self.assertEqual(request.status, CorrectionRequest.Status.ACCEPTED)

    def test_only_agency_users_send_corrections(self):
        self.circulate(self.earlier)
        data = {"section": self.earlier.sections.get(number=1).pk, "text": "แก้"}
        for user in (self.secretariat, self.executive):
            self.login(user)
            self.assertEqual(self.client.post(self.url("corrections/"), data).status_code, 403)
        self.assertFalse(CorrectionRequest.objects.exists())

    def test_an_empty_correction_answers_at_the_field(self):
        self.circulate(self.earlier)
        self.login(self.user_a)
        response = self.client.post(self.url("corrections/"), {"section": self.earlier.sections.get(number=1).pk})
        self.assertContains(response, 'id="id_text_error"', status_code=400)

    def test_the_page_says_when_silence_has_certified_the_minutes(self):
        self.circulate(self.earlier)
        self.login(self.user_a)
        with self.after_deadline(self.earlier):
            page = self.client.get(self.url())
        self.assertContains(page, "ถือว่ารับรองรายงานการประชุม")
        self.assertContains(page, "พ้นกำหนดขอแก้ไขรายงานการประชุมแล้ว")

    def test_a_locked_edit_without_a_reason_answers_at_the_reason_and_keeps_the_text(self):
        item = self.item(self.earlier, resolution="รับทราบ")
        self.circulate(self.earlier)
        self.login(self.secretariat)
        data = {"number": "4.1", "title": item.title, "body": "", "resolution": "รับทราบ แก้ใหม่"}
        with self.after_deadline(self.earlier):
            response = self.client.post(f"/minutes/items/{item.pk}/edit/", data)
            self.assertContains(response, 'id="id_reason_error"')
            self.assertContains(response, "รับทราบ แก้ใหม่")
            response = self.client.post(f"/minutes/items/{item.pk}/edit/", {**data, "reason": "มติพิมพ์ผิด"})
            self.assertEqual(response.status_code, 302)
            page = self.client.get(self.url())
        self.assertContains(page, "การแก้ไขหลังรับรอง")
        self.assertContains(page, "มติพิมพ์ผิด")

    def test_an_item_form_with_a_bad_number_keeps_what_was_typed(self):
        self.login(self.secretariat)
        response = self.client.post(
            self.url("sections/4/items/new/"), {"number": "๕.๑", "title": "เรื่องทดสอบ", "body": "สาระ"}
        )
        self.assertContains(response, 'id="id_number_error"')
        self.assertContains(response, "ลำดับต้องขึ้นต้นด้วย ๔.")
        self.assertContains(response, "เรื่องทดสอบ")
        self.assertFalse(AgendaItem.objects.exists())

    def test_pasting_attendees_and_picking_heads(self):
        self.login(self.secretariat)
        response = self.client.post(
            self.url("attendees/add/"),
            {"action": "lines", "kind": "guest", "lines": "นายสมชาย\tใจดี\tผู้สังเกตการณ์"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(self.earlier.attendees.filter(kind="guest", name="นายสมชาย ใจดี").exists())
        response = self.client.post(self.url("attendees/add/"), {"action": "heads", "agencies": [self.agency_b.pk]})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(self.earlier.attendees.filter(agency=self.agency_b, position="ศึกษาธิการจังหวัดลำปาง").exists())
        response = self.client.post(self.url("attendees/add/"), {"action": "lines", "kind": "present", "lines": ""})
        self.assertContains(response, 'id="id_lines_error"')

    def test_the_attendance_table_saves_edits_and_deletions(self):
        self.login(self.secretariat)
        people = list(self.earlier.attendees.order_by("kind", "position_order"))
        data = {"form-TOTAL_FORMS": len(people), "form-INITIAL_FORMS": len(people)}
        for i, person in enumerate(people):
            data.update(
                {
                    f"form-{i}-id": person.pk,
                    f"form-{i}-kind": person.kind,
                    f"form-{i}-position_order": person.position_order,
                    f"form-{i}-name": person.name,
                    f"form-{i}-position": person.position,
                    f"form-{i}-substitute_for": "",
                    f"form-{i}-reason": person.reason,
                }
            )
        present = [i for i, person in enumerate(people) if person.kind == Attendee.Kind.PRESENT]
        data[f"form-{present[0]}-substitute_for"] = "พัฒนาการจังหวัดลำปาง"
        data[f"form-{present[1]}-DELETE"] = "on"
        response = self.client.post(self.url("attendees/"), data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.earlier.attendees.count(), len(people) - 1)
        self.assertEqual(Attendee.objects.get(pk=people[present[0]].pk).substitute_for, "พัฒนาการจังหวัดลำปาง")
        # a reason on someone present is refused at the field
        data.pop(f"form-{present[1]}-DELETE")
        data[f"form-{present[0]}-reason"] = "ลาป่วย"
        response = self.client.post(self.url("attendees/"), data)
        self.assertContains(response, "เหตุที่ไม่มาใช้กับผู้ไม่มาประชุมเท่านั้น")

    def test_an_item_turns_into_a_directive_in_one_step(self):
        item = self.item(self.earlier, resolution="ขอให้ทุกอำเภอเพิ่มเป้าหมาย")
        self.login(self.secretariat)
        form = self.client.get(f"/minutes/items/{item.pk}/directive/")
        self.assertContains(form, "ขอให้ทุกอำเภอเพิ่มเป้าหมาย")
        response = self.client.post(
            f"/minutes/items/{item.pk}/directive/",
            {"number": "3", "text": "ขอให้ทุกอำเภอเพิ่มเป้าหมาย", "parties": [f"a{self.agency_a.pk}", f"g{self.group.pk}"]},
        )
        self.assertEqual(response.status_code, 302)
        directive = Directive.objects.get(meeting=self.meeting, number="3")
        self.assertEqual(directive.origin.item, item)
        self.assertContains(self.client.get(self.url()), f"/directives/{directive.pk}/")
        self.assertContains(self.client.get(f"/directives/{directive.pk}/"), "รายงานการประชุมครั้งที่ ๑๐/๒๕๖๐ เรื่อง ๔.๑")

    def test_certifying_the_previous_minutes_from_the_next_meeting(self):
        self.circulate(self.earlier)
        services.minutes_start(meeting=self.next_meeting, by=self.secretariat)
        self.login(self.secretariat)
        page = self.client.get(self.url(meeting=self.next_meeting))
        self.assertContains(page, "บันทึกการรับรองรายงานการประชุมครั้งที่ ๑๐/๒๕๖๐")
        response = self.client.post(self.url("certify-previous/", self.next_meeting), {"note": ""})
        self.assertEqual(response.status_code, 302)
        self.earlier.refresh_from_db()
        self.assertEqual(self.earlier.certified_in, self.next_meeting)
        self.assertContains(self.client.get(self.url()), "รับรองในการประชุมครั้งที่ ๑๑/๒๕๖๐")

    def test_user_text_is_escaped(self):
        self.item(self.earlier, title="<script>alert(1)</script>")
        self.login(self.secretariat)
        page = self.client.get(self.url())
        self.assertNotContains(page, "<script>alert(1)</script>")
        self.assertContains(page, "&lt;script&gt;alert(1)&lt;/script&gt;")


class MinutesPageQueryTests(MinutesTestCase):
    def test_the_page_does_not_grow_queries_with_items_or_people(self):
        self.login(self.secretariat)
        url = f"/meetings/{self.meeting.pk}/minutes/"
        self.item(self.earlier, section=Section.CHAIR, title="เรื่องแรก")
        with self.assertNumQueries(15) as before:
            self.client.get(url)
        for n in range(5):
            parent = self.item(self.earlier, section=Section.FOR_INFORMATION, title=f"เรื่อง {n}")
            services.item_create(section=parent.section, parent=parent, title="ย่อย", by=self.secretariat)
        services.attendees_add_lines(
            minutes=self.earlier,
            text="\n".join(f"นาย ก{n}\tข\tตำแหน่ง" for n in range(10)),
            kind="present",
            by=self.secretariat,
        )
        with self.assertNumQueries(len(before.captured_queries)):
            self.client.get(url)

    def test_the_attendance_page_does_not_grow_queries_with_people(self):
        self.login(self.secretariat)
        url = f"/meetings/{self.meeting.pk}/minutes/attendees/"
        with self.assertNumQueries(10) as before:
            self.client.get(url)
        services.attendees_add_lines(
            minutes=self.earlier,
            text="\n".join(f"นาย ค{n}\tง\tตำแหน่ง" for n in range(15)),
            kind="present",
            by=self.secretariat,
        )
        services.attendees_add_heads(minutes=self.earlier, agencies=[self.agency_a, self.agency_b], by=self.secretariat)
        with self.assertNumQueries(len(before.captured_queries)):
            self.client.get(url)


class ServiceDetailTests(MinutesTestCase):
    """What the minutes services write, word for word, where pages and the PDF print it."""

    def test_a_locked_change_of_times_is_recorded_as_printed_times(self):
        self.circulate(self.earlier)
        with self.after_deadline(self.earlier):
            services.minutes_update(
                minutes=self.earlier,
                started_at=datetime.time(10, 0),
                ended_at=datetime.time(12, 0),
                reason="แก้เวลาตามบันทึก",
                by=self.secretariat,
            )
        amendments = {a.what: (a.before, a.after) for a in Amendment.objects.all()}
        self.assertEqual(
            amendments,
            {
                "ส่วนหัวรายงาน: เริ่มประชุมเวลา": (
                    thai.time_thai(datetime.time(9, 30)),
                    thai.time_thai(datetime.time(10, 0)),
                ),
                "ส่วนหัวรายงาน: เลิกประชุมเวลา": ("", thai.time_thai(datetime.time(12, 0))),
            },
        )

    def test_old_minutes_entered_late_are_circulated_and_certified_at_noon_of_their_days(self):
        services.minutes_circulate(
            minutes=self.earlier,
            deadline=datetime.date(2017, 12, 20),
            on=datetime.date(2017, 12, 1),
            by=self.secretariat,
        )
        services.minutes_certify(minutes=self.earlier, at_meeting=self.next_meeting, by=self.secretariat)
        self.earlier.refresh_from_db()
        noon = datetime.time(12, 0)
        self.assertEqual(
            timezone.localtime(self.earlier.circulated_at).replace(tzinfo=None), datetime.datetime(2017, 12, 1, 12)
        )
        self.assertEqual(
            timezone.localtime(self.earlier.certified_at).replace(tzinfo=None),
            datetime.datetime.combine(self.next_meeting.date, noon),
        )

    def test_section_two_tells_how_the_minutes_went_round_in_the_seeds_words(self):
        deadline = today() + 7 * DAY
        services.minutes_circulate(minutes=self.earlier, deadline=deadline, by=self.secretariat)
        later = services.minutes_start(meeting=self.next_meeting, by=self.secretariat)
        services.minutes_certify(minutes=self.earlier, at_meeting=self.next_meeting, by=self.secretariat)
        self.assertEqual(
            later.sections.get(number=2).body,
            "ฝ่ายเลขานุการได้ส่งรายงานการประชุมครั้งที่ ๑๐/๒๕๖๐ เมื่อวันที่ ๒๙ พฤศจิกายน ๒๕๖๐ "
            f"ให้ผู้เข้าร่วมประชุมตรวจสอบความถูกต้องและรับรอง ภายในวันที่ {thai.date_long(deadline)} "
            "ปรากฏว่าไม่มีข้อแก้ไข",
        )

    def test_the_next_directive_number_counts_this_meetings_top_level_items_only(self):
        self.assertEqual(services.next_directive_number(self.next_meeting), "1")
        directive_services.directive_create(
            meeting=self.next_meeting, number="9", text="ข้อของอีกครั้ง", by=self.secretariat
        )
        # "7.1" typed without its parent is not a top-level number.
        directive_services.directive_create(meeting=self.meeting, number="7.1", text="ข้อย่อยลอย", by=self.secretariat)
        self.assertEqual(services.next_directive_number(self.meeting), "3")  # after ๑ and ๒

    def test_the_next_item_number_follows_the_last_sibling(self):
        first = self.item(self.earlier)
        services.item_create(section=first.section, parent=first, title="กิจกรรมที่หนึ่ง", by=self.secretariat)
        self.assertEqual(services.next_item_number(first.section, first), "4.1.2")
        self.assertEqual(services.next_item_number(first.section), "4.2")

    def test_a_row_opened_at_a_version_the_history_does_not_know_is_a_conflict(self):
        attendee = self.earlier.attendees.get(name="นายชาติตรี ธินนท์")
        with self.assertRaises(services.EditConflicts) as caught:
            services.attendees_save(
                minutes=self.earlier,
                changed=[(attendee, {"position": "รองพัฒนาการจังหวัด"})],
                deleted=[],
                versions={attendee.pk: attendee.version + 5},
                by=self.secretariat,
            )
        self.assertEqual([c.current.pk for c in caught.exception.conflicts], [attendee.pk])
        self.assertEqual(str(caught.exception), str(caught.exception.conflicts[0]))
        self.assertEqual(
            str(caught.exception),
            "มีผู้อื่นบันทึกการแก้ไขหลังจากที่ท่านเปิดแบบฟอร์มนี้ ระบบจึงยังไม่ได้บันทึกสิ่งที่ท่านพิมพ์",
        )
        # Who saved the version now stored, and when, for the page to say.
        conflict = caught.exception.conflicts[0]
        self.assertEqual(conflict.saved_by, self.secretariat)
        self.assertEqual(conflict.saved_at, attendee.history.earliest("history_date").history_date)
        attendee.refresh_from_db()
        self.assertEqual(attendee.position, "พัฒนาการจังหวัดลำปาง")

    def test_an_item_number_must_have_a_dot_and_a_sub_item_must_start_with_its_parents(self):
        first = self.item(self.earlier)
        with self.assertRaises(services.DomainError) as caught:
            self.item(self.earlier, number="4")
        self.assertEqual((str(caught.exception), caught.exception.field), ("ลำดับต้องเป็นตัวเลข เช่น ๔.๑", "number"))
        with self.assertRaises(services.DomainError) as caught:
            services.item_create(
                section=first.section, parent=first, number="4.2.1", title="ผิดเรื่องหลัก", by=self.secretariat
            )
        self.assertEqual((str(caught.exception), caught.exception.field), ("ลำดับต้องขึ้นต้นด้วย ๔.๑.", "number"))
        with self.assertRaises(services.DomainError) as caught:
            self.item(self.earlier, number="4.1.1")  # no parent: one level only
        self.assertEqual(
            (str(caught.exception), caught.exception.field), ("เรื่องของระเบียบวาระนี้ใช้ลำดับ เช่น ๔.๑", "number")
        )
        with self.assertRaises(services.DomainError) as caught:
            self.item(self.earlier, number="4.1")
        self.assertEqual((str(caught.exception), caught.exception.field), ("ลำดับ ๔.๑ มีอยู่แล้วในระเบียบวาระนี้", "number"))

    def test_a_draft_shows_section_three_as_of_today(self):
        minutes = services.minutes_start(meeting=self.next_meeting, by=self.secretariat)
        rows, as_of = services.follow_up_rows(minutes)
        self.assertEqual(as_of, today())
        self.assertEqual([r["number"] for r in rows], ["๑", "๒"])

    def test_a_second_paste_continues_the_numbering_of_its_own_list(self):
        services.attendees_add_lines(
            minutes=self.earlier, text="นายสาม\tนักวิชาการ", kind=Attendee.Kind.PRESENT, by=self.secretariat
        )
        services.attendees_add_lines(
            minutes=self.earlier, text="นายสี่\tผู้แทน", kind=Attendee.Kind.ABSENT, by=self.secretariat
        )
        orders = {
            kind: list(
                self.earlier.attendees.filter(kind=kind)
                .order_by("position_order")
                .values_list("position_order", "name")
            )
            for kind in (Attendee.Kind.PRESENT, Attendee.Kind.ABSENT)
        }
        self.assertEqual(
            orders,
            {
                Attendee.Kind.PRESENT: [(1, "นายชาติตรี ธินนท์"), (2, "นางอุทัยวรรณ มินสุวรรณ"), (3, "นายสาม")],
                Attendee.Kind.ABSENT: [(1, "นางฉันทนา อรุณรัตน์"), (2, "นายสี่")],
            },
        )
