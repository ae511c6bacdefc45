"""Hostile input on every form of the app: NUL characters, overlong text, choices
that are not offered, numbers and dates that are not numbers or dates.

Every answer is the form again (never a 500, never a redirect that drops the text)
with a Thai message next to the field — Django's own messages included — and what
the user typed still in the form."""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass, field
from unittest import mock

from django.db import transaction

from directives import services as directive_services
from directives.models import Directive, ProgressReport, Status, today
from lampang_tracker import limits
from meetings.models import Meeting
from meetings.services import meeting_create
from minutes import services as minutes_services
from minutes.models import Attendee, CorrectionRequest, Minutes, Section
from tests.base import TrackerTestCase

THAI = re.compile(r"[\u0e00-\u0e7f]")
ENGLISH_SENTENCE = re.compile(r"[A-Za-z]{2,}(?:[\s,.'’]+[A-Za-z]{2,}){2,}")
ERROR_BLOCK = re.compile(r'<(?:div|p) class="(?:field-error|errorlist-box|message error)"[^>]*>(.*?)</(?:div|p)>', re.S)
TYPED = "ข้อความที่ผู้ใช้พิมพ์ไว้ ๑๒๓"  # must survive every refusal
NUL = "ข้อความมี\x00อักขระว่าง"
NOT_A_CHOICE = "ไม่มีตัวเลือกนี้"
NOT_NUMBERS = ["สิบ", "²", "1e400", "99999999999999999999", "-1"]
NOT_DATES = ["31/02/2560", "วันจันทร์", "99/99/99999"]


def messages_in(content: str) -> list[str]:
    """Every error text the page shows: next to fields, on top of forms, flashed."""
    found = []
    for block in ERROR_BLOCK.findall(content):
        for part in re.split(r"<(?:p|li)[^>]*>", block):
            text = html.unescape(re.sub(r"<[^>]+>", " ", part)).strip()
            if text:
                found.append(text)
    return found


@dataclass
class Case:
    """One form: where it posts, who posts, a valid submission, and what to attack."""

    name: str
    url: str
    user: str
    data: dict
    texts: dict[str, int] = field(default_factory=dict)  # text field -> length limit
    choices: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)  # dates and times
    echo: str | None = None  # the text field that carries TYPED
    error_ids: bool = True  # fields render id_<name>_error (not in the attendance table)


class HostileCast(TrackerTestCase):
    """Minutes of meeting ๑๐/๒๕๖๐ circulating with one pending correction request;
    meeting ๑๑/๒๕๖๐ with draft minutes."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.earlier = minutes_services.minutes_start(meeting=cls.meeting, by=cls.secretariat)
        minutes_services.attendees_add_lines(
            minutes=cls.earlier, text="นายชาติตรี\tธินนท์\tพัฒนาการจังหวัดลำปาง", kind="present", by=cls.secretariat
        )
        cls.item = minutes_services.item_create(
            section=cls.earlier.sections.get(number=Section.FOR_INFORMATION), title="เรื่องทดสอบ", by=cls.secretariat
        )
        minutes_services.minutes_circulate(
            minutes=cls.earlier, deadline=today() + datetime.timedelta(days=7), by=cls.secretariat
        )
        cls.correction = minutes_services.correction_request(
            minutes=cls.earlier,
            section=cls.earlier.sections.get(number=1),
            text="ขอแก้ชื่อ",
            agency=cls.agency_a,
            by=cls.user_a,
        )
        cls.next_meeting = meeting_create(
            by=cls.secretariat, series=cls.series, number=11, year_be=2560, date=datetime.date(2017, 12, 27)
        )
        cls.later = minutes_services.minutes_start(meeting=cls.next_meeting, by=cls.secretariat)
        cls.attendee = cls.earlier.attendees.get()


class HostileFormTests(HostileCast):
    # -- the forms -----------------------------------------------------------

    def directive_data(self, number: str) -> dict:
        return {
            "number": number,
            "heading": "หัวข้อ",
            "text": TYPED,
            "parties": [f"a{self.agency_a.pk}"],
            "free_parties": "ส่วนราชการที่เกี่ยวข้อง",
            "due_date": "31/12/2570",
            "report_day": "20",
            "report_until": "30/09/2571",
            "strategy": "",
        }

    def directive_case(self, name: str, url: str, number: str) -> Case:
        return Case(
            name,
            url,
            "secretariat",
            self.directive_data(number),
            texts={"number": 20, "heading": 500, "text": limits.DIRECTIVE_TEXT, "free_parties": limits.FREE_PARTIES},
            choices=["parties", "strategy"],
            numbers=["report_day"],
            dates=["due_date", "report_until"],
            echo="text",
        )

    def cases(self) -> list[Case]:
        m, e, later = self.meeting.pk, self.earlier, self.next_meeting.pk
        meeting_data = {
            "series": self.series.pk,
            "number": "12",
            "year_be": "2560",
            "date": "31/12/2560",
            "start_time": "09.30",
            "end_time": "12.00",
            "venue": TYPED,
            "chair": "ผู้ว่าราชการจังหวัด",
        }
        meeting_case = {
            "texts": {"venue": 250, "chair": 250},
            "choices": ["series"],
            "numbers": ["number", "year_be"],
            "dates": ["date"],
            "echo": "venue",
        }
        minutes_data = {
            "title": "รายงานการประชุม",
            "started_at": "09.30",
            "ended_at": "12.00",
            "opening_note": TYPED,
            "recorder_name": "นางสาวผู้จด",
            "recorder_position": "",
            "checker_name": "",
            "checker_position": "",
        }
        letter_data = {
            "letter_number": "ลป ๐๐๑๙.๑/๐๕๕๖",
            "letter_date": "01/12/2560",
            "letter_office": TYPED,
            "letter_to": "",
            "letter_enclosure": "",
            "letter_signer_name": "",
            "letter_signer_position": "",
            "letter_contact": "",
        }
        item_data = {
            "number": "4.9",
            "presenter_agency": "",
            "presenter": "",
            "title": "เรื่องใหม่",
            "body": TYPED,
            "resolution": "",
        }
        table = {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(self.attendee.pk),
            "form-0-kind": "present",
            "form-0-position_order": "1",
            "form-0-name": TYPED,
            "form-0-position": "พัฒนาการจังหวัดลำปาง",
            "form-0-substitute_for": "",
            "form-0-reason": "",
        }
        prefix = f"c{self.correction.pk}"
        return [
            self.directive_case("เพิ่มข้อสั่งการ", f"/meetings/{m}/directives/new/", "9"),
            self.directive_case("แก้ไขข้อสั่งการ", f"/directives/{self.directive.pk}/edit/", "2"),
            self.directive_case("สร้างข้อสั่งการจากเรื่อง", f"/minutes/items/{self.item.pk}/directive/", "9"),
            Case(
                "ปิดประเด็น",
                f"/directives/{self.directive.pk}/close/",
                "secretariat",
                {"note": TYPED},
                texts={"note": limits.NOTE},
                echo="note",
            ),
            Case(
                "รายงานผล",
                f"/assignments/{self.assignment_a.pk}/",
                "user_a",
                {"status": "in_progress", "percent": "50", "text": TYPED},
                texts={"text": limits.REPORT_TEXT},
                choices=["status"],
                numbers=["percent"],
                echo="text",
            ),
            Case(
                "ขอขยายเวลา",
                f"/assignments/{self.assignment_a.pk}/extension/",
                "user_a",
                {"new_due_date": "31/12/2580", "reason": TYPED},
                texts={"reason": limits.NOTE},
                dates=["new_due_date"],
                echo="reason",
            ),
            Case(
                "ตรวจรายงาน",
                f"/reports/{self.report_a.pk}/review/",
                "secretariat",
                {"decision": "return", "comment": TYPED},
                texts={"comment": limits.NOTE},
                choices=["decision"],
                echo="comment",
            ),
            Case("สร้างการประชุม", "/meetings/new/", "secretariat", meeting_data, **meeting_case),
            Case("แก้ไขการประชุม", f"/meetings/{m}/edit/", "secretariat", meeting_data, **meeting_case),
            Case(
                "ส่วนหัวรายงานการประชุม",
                f"/meetings/{m}/minutes/edit/",
                "secretariat",
                minutes_data,
                texts={"title": 300, "opening_note": limits.TEXT, "recorder_name": 200},
                dates=["started_at"],
                echo="opening_note",
            ),
            Case(
                "หนังสือนำส่ง",
                f"/meetings/{m}/minutes/letter/",
                "secretariat",
                letter_data,
                texts={"letter_number": 100, "letter_office": limits.TEXT, "letter_to": 300},
                dates=["letter_date"],
                echo="letter_office",
            ),
            Case(
                "ตารางรายชื่อผู้เข้าประชุม",
                f"/meetings/{m}/minutes/attendees/",
                "secretariat",
                table,
                texts={"form-0-name": 200, "form-0-position": 300, "form-0-substitute_for": 300},
                choices=["form-0-kind", "form-0-id"],
                numbers=["form-0-position_order"],
                echo="form-0-name",
                error_ids=False,
            ),
            Case(
                "วางรายชื่อ",
                f"/meetings/{m}/minutes/attendees/add/",
                "secretariat",
                {"action": "lines", "kind": "present", "lines": TYPED},
                texts={"lines": limits.ATTENDEE_LINES},
                choices=["kind"],
                echo="lines",
            ),
            Case(
                "เลือกหัวหน้าส่วนราชการ",
                f"/meetings/{m}/minutes/attendees/add/",
                "secretariat",
                {"action": "heads", "agencies": [str(self.agency_a.pk)]},
                choices=["agencies"],
            ),
            Case(
                "วาระ",
                f"/meetings/{m}/minutes/sections/{Section.FOR_INFORMATION}/",
                "secretariat",
                {"title": "เรื่องเพื่อทราบ", "body": TYPED, "resolution": ""},
                texts={"title": 300, "body": limits.MINUTES_BODY, "resolution": limits.RESOLUTION},
                echo="body",
            ),
            Case(
                "เพิ่มเรื่อง",
                f"/meetings/{m}/minutes/sections/{Section.FOR_INFORMATION}/items/new/",
                "secretariat",
                item_data,
                texts={"number": 20, "title": 500, "body": limits.MINUTES_BODY, "presenter": 300},
                choices=["presenter_agency"],
                echo="body",
            ),
            Case(
                "แก้ไขเรื่อง",
                f"/minutes/items/{self.item.pk}/edit/",
                "secretariat",
                {**item_data, "number": "4.1"},
                texts={"title": 500, "body": limits.MINUTES_BODY, "resolution": limits.RESOLUTION},
                choices=["presenter_agency"],
                echo="body",
            ),
            Case(
                "เวียนเพื่อรับรอง",
                f"/meetings/{later}/minutes/circulate/",
                "secretariat",
                {"deadline": (today() + datetime.timedelta(days=14)).strftime("%d/%m/") + str(today().year + 543)},
                dates=["deadline"],
            ),
            Case(
                "บันทึกการรับรองครั้งก่อน",
                f"/meetings/{later}/minutes/certify-previous/",
                "secretariat",
                {"note": TYPED},
                texts={"note": 300},
                echo="note",
            ),
            Case(
                "ขอแก้ไขรายงานการประชุม",
                f"/meetings/{m}/minutes/corrections/",
                "user_a",
                {"section": e.sections.get(number=1).pk, "item": "", "text": TYPED},
                texts={"text": limits.NOTE},
                choices=["section", "item"],
                echo="text",
            ),
            Case(
                "พิจารณาคำขอแก้ไข",
                f"/minutes/corrections/{self.correction.pk}/decide/",
                "secretariat",
                {f"{prefix}-decision": "reject", f"{prefix}-note": TYPED},
                texts={f"{prefix}-note": limits.NOTE},
                choices=[f"{prefix}-decision"],
                echo=f"{prefix}-note",
            ),
        ]

    # -- the checks ----------------------------------------------------------

    def attacks(self, case: Case):
        for name, limit in case.texts.items():
            yield name, NUL, True
            yield name, "ก" * (limit + 1), True
        for name in case.choices:
            for value in (NOT_A_CHOICE, "99999999999999999999", "²"):
                yield name, value, False
        for name in case.numbers:
            for value in NOT_NUMBERS:
                yield name, value, True
        for name in case.dates:
            for value in NOT_DATES:
                yield name, value, True

    def post(self, case: Case, name: str, value: str):
        self.login(getattr(self, case.user))
        data = dict(case.data)
        data[name] = [value] if isinstance(data.get(name), list) else value
        return self.client.post(case.url, data)

    def check(self, case: Case, name: str, value: str, echoed: bool) -> None:
        before = self.counts()
        response = self.post(case, name, value)
        self.assertLess(response.status_code, 500)
        self.assertIn(response.status_code, (200, 400), "a refusal must show the form again, not redirect")
        content = response.content.decode()
        shown = messages_in(content)
        self.assertTrue(shown, "no error shown at all")
        for message in shown:
            self.assertRegex(message, THAI, f"not Thai: {message!r}")
            self.assertNotRegex(message, ENGLISH_SENTENCE, f"English in: {message!r}")
        if case.error_ids:
            self.assertIn(f'id="id_{name}_error"', content, f"no error next to {name}: {shown}")
        if echoed:
            self.assertIn(html.escape(value), content, "what the user typed is lost")
        if case.echo and case.echo != name:
            self.assertIn(TYPED, content, "the rest of what the user typed is lost")
        self.assertEqual(self.counts(), before, "a refused form saved something")

    def counts(self) -> tuple:
        return (
            Directive.objects.count(),
            ProgressReport.objects.count(),
            Meeting.objects.count(),
            Attendee.objects.count(),
            CorrectionRequest.objects.filter(status="pending").count(),
            Minutes.objects.filter(state="draft").count(),
            Directive.objects.filter(closed_at__isnull=False).count(),
            list(Attendee.objects.values_list("name", flat=True)),
            list(Minutes.objects.values_list("opening_note", "letter_office")),
        )

    def test_every_form_answers_hostile_input_in_thai_and_keeps_the_text(self):
        for case in self.cases():
            for name, value, echoed in self.attacks(case):
                with self.subTest(form=case.name, field=name, value=value[:20]):
                    self.check(case, name, value, echoed)

    def test_the_valid_submissions_of_the_cases_are_accepted(self):
        """The attacks above are refused for the attacked value, not for the rest."""
        for case in self.cases():
            with self.subTest(form=case.name), transaction.atomic():
                if case.name == "บันทึกการรับรองครั้งก่อน":  # needs the pending request decided
                    minutes_services.correction_decide(correction=self.correction, accept=True, by=self.secretariat)
                response = self.post(case, next(iter(case.data)), case.data[next(iter(case.data))])
                self.assertEqual(response.status_code, 302, messages_in(response.content.decode()))
                transaction.set_rollback(True)

    def test_a_locked_edit_refuses_an_overlong_or_nul_reason_in_thai(self):
        minutes_services.correction_decide(correction=self.correction, accept=True, by=self.secretariat)
        later = self.earlier.certify_deadline + datetime.timedelta(days=1)
        url = f"/meetings/{self.meeting.pk}/minutes/sections/{Section.FOR_INFORMATION}/"
        with mock.patch("minutes.models.today", return_value=later):
            for reason in (NUL, "ก" * (limits.TEXT + 1)):
                with self.subTest(reason=reason[:20]):
                    case = Case(
                        "เหตุผลการแก้ไข",
                        url,
                        "secretariat",
                        {"title": "เรื่องเพื่อทราบ", "body": TYPED, "resolution": "", "reason": reason},
                        echo="body",
                    )
                    self.assertTrue(Minutes.objects.get(pk=self.earlier.pk).is_locked())
                    self.check(case, "reason", reason, True)
                    attendees = f"/meetings/{self.meeting.pk}/minutes/attendees/"
                    table = {
                        "form-TOTAL_FORMS": "1",
                        "form-INITIAL_FORMS": "1",
                        "form-0-id": str(self.attendee.pk),
                        "form-0-kind": "present",
                        "form-0-position_order": "1",
                        "form-0-name": TYPED,
                        "table-reason": reason,
                    }
                    self.check(
                        Case("ตารางรายชื่อ", attendees, "secretariat", table, echo="form-0-name"),
                        "table-reason",
                        reason,
                        True,
                    )
                    copy = {"action": "previous", "previous-reason": reason}
                    self.check(
                        Case("คัดลอกรายชื่อ", attendees + "add/", "secretariat", copy), "previous-reason", reason, True
                    )


class RefusalTests(HostileCast):
    """The refusals that used to lose the text or say nothing."""

    def test_closing_twice_shows_why_and_keeps_the_reason(self):
        directive_services.directive_close(directive=self.directive, note="ปิดแล้ว", by=self.secretariat)
        self.login(self.secretariat)
        response = self.client.post(f"/directives/{self.directive.pk}/close/", {"note": TYPED})
        self.assertContains(response, "ข้อนี้ปิดประเด็นไปแล้ว", status_code=400)
        self.assertContains(response, TYPED, status_code=400)

    def test_closing_without_a_reason_answers_at_the_field(self):
        self.login(self.secretariat)
        response = self.client.post(f"/directives/{self.directive.pk}/close/", {"note": "  "})
        self.assertContains(response, 'id="id_note_error"', status_code=400)
        self.assertContains(response, "กรุณาระบุเหตุผลการปิดประเด็น", status_code=400)

    def test_certifying_with_a_pending_request_shows_why_and_keeps_the_note(self):
        self.login(self.secretariat)
        url = f"/meetings/{self.next_meeting.pk}/minutes/certify-previous/"
        response = self.client.post(url, {"note": TYPED})
        self.assertContains(response, "ยังมีคำขอแก้ไขที่รอพิจารณา", status_code=400)
        self.assertContains(response, TYPED, status_code=400)
        self.assertEqual(Minutes.objects.get(pk=self.earlier.pk).state, "circulating")

    def test_a_correction_after_the_deadline_shows_why_and_keeps_the_text(self):
        later = self.earlier.certify_deadline + datetime.timedelta(days=1)
        self.login(self.user_a)
        with mock.patch("minutes.models.today", return_value=later):
            response = self.client.post(
                f"/meetings/{self.meeting.pk}/minutes/corrections/",
                {"section": self.earlier.sections.get(number=1).pk, "text": TYPED},
            )
        self.assertContains(response, "พ้นกำหนดขอแก้ไข", status_code=400)
        self.assertContains(response, TYPED, status_code=400)

    def test_deciding_a_decided_request_shows_why_and_keeps_the_note(self):
        minutes_services.correction_decide(correction=self.correction, accept=True, by=self.secretariat)
        self.login(self.secretariat)
        prefix = f"c{self.correction.pk}"
        response = self.client.post(
            f"/minutes/corrections/{self.correction.pk}/decide/",
            {f"{prefix}-decision": "reject", f"{prefix}-note": TYPED},
        )
        self.assertContains(response, "คำขอนี้พิจารณาแล้ว", status_code=400)
        self.assertContains(response, TYPED, status_code=400)

    def test_circulating_twice_shows_why_and_keeps_the_date(self):
        self.login(self.secretariat)
        response = self.client.post(f"/meetings/{self.meeting.pk}/minutes/circulate/", {"deadline": "31/12/2580"})
        self.assertContains(response, "เวียนเพื่อรับรองแล้ว", status_code=400)
        self.assertContains(response, "31/12/2580", status_code=400)

    def test_an_attendance_row_deleted_meanwhile_says_so_and_keeps_the_table(self):
        self.login(self.secretariat)
        gone = self.attendee.pk
        Attendee.objects.filter(pk=gone).delete()
        response = self.client.post(
            f"/meetings/{self.meeting.pk}/minutes/attendees/",
            {
                "form-TOTAL_FORMS": "1",
                "form-INITIAL_FORMS": "1",
                "form-MIN_NUM_FORMS": "0",
                "form-MAX_NUM_FORMS": "1000",
                "form-0-id": str(gone),
                "form-0-kind": "present",
                "form-0-position_order": "1",
                "form-0-name": TYPED,
            },
        )
        # The edit-conflict page (409): it names the removed person and keeps what was typed.
        self.assertContains(response, "ถูกลบออกจากรายชื่อแล้ว", status_code=409)
        self.assertContains(response, TYPED, status_code=409)

    def test_a_tampered_attendance_table_says_so_in_thai(self):
        self.login(self.secretariat)
        response = self.client.post(f"/meetings/{self.meeting.pk}/minutes/attendees/", {"form-0-name": TYPED})
        self.assertEqual(response.status_code, 200)
        shown = messages_in(response.content.decode())
        self.assertTrue(shown)
        for message in shown:
            self.assertRegex(message, THAI)
            self.assertNotRegex(message, ENGLISH_SENTENCE)

    def test_a_directive_list_filter_that_is_not_a_meeting_says_so(self):
        self.login(self.secretariat)
        response = self.client.get("/directives/", {"meeting": "²"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "ข้อมูลนี้อาจถูกแก้ไขหรือลบไปแล้ว")

    def test_a_report_on_a_closed_item_shows_why_and_keeps_the_text(self):
        directive_services.directive_close(directive=self.directive, note="ปิด", by=self.secretariat)
        self.login(self.user_a)
        response = self.client.post(
            f"/assignments/{self.assignment_a.pk}/", {"status": Status.IN_PROGRESS, "text": TYPED}
        )
        self.assertContains(response, "ข้อนี้ปิดประเด็นแล้ว", status_code=200)
        self.assertContains(response, TYPED)
