"""Two secretariat users editing the same directive or the same part of the minutes:
the second save is refused with a Thai conflict page that shows what the other saved,
keeps what this user typed, and lets them save it again on purpose. Nothing is
overwritten silently."""

from __future__ import annotations

import datetime
import threading
from unittest import skipUnless

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.forms import CheckboxInput
from django.test import Client, TransactionTestCase, override_settings

from agencies.models import Profile
from directives import services
from directives.models import Directive
from meetings.models import MeetingSeries
from meetings.services import meeting_create
from minutes import services as minutes_services
from minutes.models import Section
from tests.base import FAST_HASHER, TrackerTestCase, make_user

CONFLICT = "มีผู้อื่นบันทึกการแก้ไขหลังจากที่ท่านเปิดแบบฟอร์มนี้"


def form_data(response, **changes) -> dict:
    """What a browser sends back from the form on ``response``, with ``changes`` typed in."""
    form = response.context["form"]
    data = {}
    for field in form:
        widget, value = field.field.widget, field.value()
        if isinstance(widget, CheckboxInput):
            if value:
                data[field.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[field.html_name] = [str(v) for v in value]
        else:
            shown = widget.format_value(value)
            if isinstance(shown, list):
                shown = shown[0] if shown else ""
            data[field.html_name] = shown or ""
    data.update(changes)
    return data


def formset_data(response, **rows) -> dict:
    """The attendance table as a browser sends it back; ``rows`` maps a person's
    name to the values typed into their row (``DELETE="on"`` ticks ลบ)."""
    formset = response.context["formset"]
    data = {field.html_name: field.value() for field in formset.management_form}
    for form in formset.forms:
        row = {}
        for field in form:
            value = field.value()
            if isinstance(field.field.widget, CheckboxInput):
                if value:
                    row[field.html_name] = "on"
            else:
                shown = field.field.widget.format_value(value)
                row[field.html_name] = (shown[0] if shown else "") if isinstance(shown, list) else (shown or "")
        for name, value in rows.get(form.instance.name, {}).items():
            row[form.add_prefix(name)] = value
        data.update(row)
    return data


class ConflictTestCase(TrackerTestCase):
    """``self.client`` is the secretariat; ``self.other`` is a second secretariat
    user, สมศรี ใจดี, in a browser of her own."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.somsri = make_user("somsri", Profile.Role.SECRETARIAT)
        User.objects.filter(pk=cls.somsri.pk).update(first_name="สมศรี", last_name="ใจดี")

    def setUp(self):
        self.login(self.secretariat)
        self.other = Client()
        self.other.force_login(self.somsri)

    def both_open(self, url: str):
        mine, hers = self.client.get(url), self.other.get(url)
        self.assertEqual((mine.status_code, hers.status_code), (200, 200))
        return mine, hers

    def rows(self, response) -> dict[str, tuple[str, str]]:
        conflict = response.context["form"].edit_conflict
        return {row.name: (row.theirs, row.yours) for row in conflict.rows}


class DirectiveConflictTests(ConflictTestCase):
    def url(self) -> str:
        return f"/directives/{self.directive.pk}/edit/"

    def test_it_refuses_the_second_save_showing_the_others_value_and_keeping_mine(self):
        mine, hers = self.both_open(self.url())
        response = self.other.post(self.url(), form_data(hers, text="ข้อความที่สมศรีบันทึก"))
        self.assertEqual(response.status_code, 302)

        response = self.client.post(self.url(), form_data(mine, text="ข้อความที่ฉันพิมพ์"))

        self.assertContains(response, CONFLICT, status_code=409)
        self.assertContains(response, "ค่าที่ผู้อื่นบันทึกไว้:", status_code=409)
        self.assertContains(response, "ค่าที่ท่านพิมพ์:", status_code=409)
        self.assertContains(response, "บันทึกล่าสุดโดย <strong>สมศรี ใจดี</strong>", status_code=409)
        self.assertEqual(
            self.rows(response)["text"],
            ("ข้อความที่สมศรีบันทึก", "ข้อความที่ฉันพิมพ์"),
        )
        # My text stays in the form, the field marked as the one in conflict.
        self.assertRegex(response.content.decode(), r'<textarea[^>]*class="conflicted"[^>]*>\s*ข้อความที่ฉันพิมพ์</textarea>')
        self.directive.refresh_from_db()
        self.assertEqual(self.directive.text, "ข้อความที่สมศรีบันทึก")

    def test_saving_again_from_the_conflict_page_overwrites_on_purpose(self):
        mine, hers = self.both_open(self.url())
        self.other.post(self.url(), form_data(hers, text="ข้อความที่สมศรีบันทึก"))
        conflict = self.client.post(self.url(), form_data(mine, text="ข้อความที่ฉันพิมพ์"))
        self.assertContains(conflict, 'name="version" value="2"', status_code=409)

        response = self.client.post(self.url(), form_data(conflict))

        self.assertRedirects(response, f"/directives/{self.directive.pk}/", fetch_redirect_response=False)
        self.directive.refresh_from_db()
        self.assertEqual((self.directive.text, self.directive.version), ("ข้อความที่ฉันพิมพ์", 3))
        # Both saves are in the audit history, each with its author.
        texts = list(self.directive.history.filter(version__gte=2).values_list("text", "history_user__username"))
        self.assertEqual(texts, [("ข้อความที่ฉันพิมพ์", "secretariat"), ("ข้อความที่สมศรีบันทึก", "somsri")])

    def test_a_save_at_the_current_version_succeeds_and_moves_the_version_on(self):
        page = self.client.get(self.url())
        self.assertContains(page, 'name="version" value="1"')
        response = self.client.post(self.url(), form_data(page, text="แก้ไขครั้งเดียว"))
        self.assertEqual(response.status_code, 302)
        self.directive.refresh_from_db()
        self.assertEqual((self.directive.text, self.directive.version), ("แก้ไขครั้งเดียว", 2))

    def test_it_lists_the_fields_the_other_changed_and_not_those_only_i_changed(self):
        mine, hers = self.both_open(self.url())
        self.other.post(self.url(), form_data(hers, due_date="31/12/2570", heading="วาระรักลำปาง (แก้)"))

        response = self.client.post(self.url(), form_data(mine, text="ข้อความที่ฉันพิมพ์"))

        rows = self.rows(response)
        self.assertEqual(set(rows), {"due_date", "heading"})
        self.assertEqual(rows["due_date"][0], "๓๑ ธันวาคม ๒๕๗๐")
        self.assertEqual(rows["heading"], ("วาระรักลำปาง (แก้)", "วาระรักลำปาง"))
        self.directive.refresh_from_db()
        self.assertEqual(self.directive.due_date, datetime.date(2027, 12, 31))
        self.assertNotEqual(self.directive.text, "ข้อความที่ฉันพิมพ์")

    def test_a_save_by_another_that_changed_nothing_i_typed_differently_says_so(self):
        mine, hers = self.both_open(self.url())
        self.assertEqual(self.other.post(self.url(), form_data(hers, text="ข้อความเดียวกัน")).status_code, 302)

        response = self.client.post(self.url(), form_data(mine, text="ข้อความเดียวกัน", heading="หัวข้อของฉัน"))

        self.assertContains(response, "ไม่มีช่องใดในแบบฟอร์มนี้ที่ผู้อื่นแก้ไขให้ต่างจากที่ท่านพิมพ์", status_code=409)
        self.assertEqual(self.rows(response), {})
        self.assertContains(response, 'value="หัวข้อของฉัน"', status_code=409)

    def test_it_shows_changed_agencies_by_name(self):
        mine, hers = self.both_open(self.url())
        parties = [f"a{self.agency_a.pk}", f"a{self.agency_b.pk}"]
        self.assertEqual(self.other.post(self.url(), form_data(hers, parties=parties)).status_code, 302)

        response = self.client.post(self.url(), form_data(mine, text="ข้อความที่ฉันพิมพ์"))

        theirs, yours = self.rows(response)["parties"]
        self.assertEqual(theirs.splitlines(), [self.agency_a.name, self.agency_b.name])
        self.assertEqual(yours, self.agency_a.name)
        self.assertEqual(self.directive.assignments.count(), 2)

    def test_a_version_that_is_not_a_number_gets_the_conflict_page_not_an_error(self):
        page = self.client.get(self.url())
        for version in ("abc", "-1", "²", "99999999999999999999"):
            with self.subTest(version=version):
                response = self.client.post(self.url(), form_data(page, text="ข้อความ", version=version))
                self.assertContains(response, CONFLICT, status_code=409)
                self.assertContains(response, 'name="version" value="1"', status_code=409)
        self.directive.refresh_from_db()
        self.assertEqual(self.directive.version, 1)

    def test_a_form_without_a_version_saves_as_before(self):
        data = form_data(self.client.get(self.url()), text="จากแบบฟอร์มเดิม")
        del data["version"]
        self.assertEqual(self.client.post(self.url(), data).status_code, 302)
        self.directive.refresh_from_db()
        self.assertEqual((self.directive.text, self.directive.version), ("จากแบบฟอร์มเดิม", 2))


class DirectiveServiceConflictTests(TrackerTestCase):
    def test_a_stale_version_raises_with_the_current_values_and_writes_nothing(self):
        services.directive_update(directive=self.directive, text="ฉบับที่สอง", expected_version=1, by=self.executive)
        stale = Directive.objects.get(pk=self.directive.pk)
        stale.version = 1
        with self.assertRaises(services.EditConflict) as caught:
            services.directive_update(
                directive=stale, text="ทับของผู้อื่น", due_date=None, expected_version=1, by=self.secretariat
            )
        conflict = caught.exception
        self.assertIsInstance(conflict, services.DomainError)
        self.assertEqual((conflict.current.text, conflict.version), ("ฉบับที่สอง", 2))
        self.assertEqual(conflict.saved_by, self.executive)
        self.assertEqual(conflict.loaded.text, "ขอให้รณรงค์แต่งกายชุดพื้นเมืองในทุกวันศุกร์")
        self.directive.refresh_from_db()
        self.assertEqual((self.directive.text, self.directive.version), ("ฉบับที่สอง", 2))
        self.assertIsNotNone(self.directive.due_date)

    def test_two_claims_of_the_same_version_cannot_both_pass(self):
        with transaction.atomic():
            services.claim_version(Directive.objects.get(pk=self.directive.pk), 1)
            with self.assertRaises(services.EditConflict):
                services.claim_version(Directive.objects.get(pk=self.directive.pk), 1)

    def test_internal_callers_skip_the_check_but_move_the_version(self):
        services.directive_update(directive=self.directive, text="จากการนำเข้า", by=self.secretariat)
        self.directive.refresh_from_db()
        self.assertEqual(self.directive.version, 2)
        with self.assertRaises(services.EditConflict):
            services.directive_update(
                directive=self.directive, text="จากแบบฟอร์มเก่า", expected_version=1, by=self.secretariat
            )


class MinutesConflictTests(ConflictTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.minutes = minutes_services.minutes_start(meeting=cls.meeting, by=cls.secretariat)
        cls.section = cls.minutes.sections.get(number=Section.FOR_INFORMATION)
        cls.item = minutes_services.item_create(
            section=cls.section, title="การลงทะเบียนผู้ผลิต OTOP", body="สาระเดิม", by=cls.secretariat
        )

    def minutes_url(self, tail: str) -> str:
        return f"/meetings/{self.meeting.pk}/minutes/{tail}"

    def test_a_section_saved_by_another_is_not_overwritten(self):
        url = self.minutes_url(f"sections/{Section.FOR_INFORMATION}/")
        mine, hers = self.both_open(url)
        self.assertEqual(self.other.post(url, form_data(hers, resolution="ที่ประชุมรับทราบ")).status_code, 302)

        response = self.client.post(url, form_data(mine, resolution="รับทราบ และมอบหมายอำเภอ"))

        self.assertContains(response, CONFLICT, status_code=409)
        self.assertEqual(self.rows(response), {"resolution": ("ที่ประชุมรับทราบ", "รับทราบ และมอบหมายอำเภอ")})
        self.assertContains(response, "รับทราบ และมอบหมายอำเภอ</textarea>", status_code=409)
        self.section.refresh_from_db()
        self.assertEqual(self.section.resolution, "ที่ประชุมรับทราบ")

        self.assertEqual(self.client.post(url, form_data(response)).status_code, 302)
        self.section.refresh_from_db()
        self.assertEqual((self.section.resolution, self.section.version), ("รับทราบ และมอบหมายอำเภอ", 3))

    def test_an_item_saved_by_another_is_not_overwritten(self):
        url = f"/minutes/items/{self.item.pk}/edit/"
        mine, hers = self.both_open(url)
        self.assertEqual(self.other.post(url, form_data(hers, body="สาระที่สมศรีแก้")).status_code, 302)

        response = self.client.post(url, form_data(mine, body="สาระที่ฉันแก้", resolution="รับทราบ"))

        self.assertContains(response, CONFLICT, status_code=409)
        self.assertEqual(self.rows(response), {"body": ("สาระที่สมศรีแก้", "สาระที่ฉันแก้")})
        self.assertContains(response, "สาระที่ฉันแก้</textarea>", status_code=409)
        self.item.refresh_from_db()
        self.assertEqual((self.item.body, self.item.resolution), ("สาระที่สมศรีแก้", ""))

    def test_the_header_saved_by_another_is_not_overwritten(self):
        url = self.minutes_url("edit/")
        mine, hers = self.both_open(url)
        self.assertEqual(self.other.post(url, form_data(hers, recorder_name="นางสมศรี ใจดี")).status_code, 302)

        response = self.client.post(url, form_data(mine, recorder_name="นายสมชาย รักดี", ended_at="12.00"))

        self.assertContains(response, CONFLICT, status_code=409)
        self.assertEqual(self.rows(response), {"recorder_name": ("นางสมศรี ใจดี", "นายสมชาย รักดี")})
        self.minutes.refresh_from_db()
        self.assertEqual((self.minutes.recorder_name, self.minutes.ended_at), ("นางสมศรี ใจดี", None))

    def test_the_letter_and_the_header_are_saved_side_by_side_without_a_conflict(self):
        header, letter = self.client.get(self.minutes_url("edit/")), self.other.get(self.minutes_url("letter/"))
        response = self.other.post(self.minutes_url("letter/"), form_data(letter, letter_number="ลป ๐๐๑๙.๑/๐๕๕๖"))
        self.assertEqual(response.status_code, 302)

        response = self.client.post(self.minutes_url("edit/"), form_data(header, recorder_name="นายสมชาย รักดี"))

        self.assertEqual(response.status_code, 302)
        self.minutes.refresh_from_db()
        self.assertEqual(self.minutes.letter_number, "ลป ๐๐๑๙.๑/๐๕๕๖")
        self.assertEqual(self.minutes.recorder_name, "นายสมชาย รักดี")
        self.assertEqual((self.minutes.version, self.minutes.letter_version), (2, 2))

    def test_the_letter_saved_by_another_is_not_overwritten(self):
        url = self.minutes_url("letter/")
        mine, hers = self.both_open(url)
        self.assertEqual(self.other.post(url, form_data(hers, letter_to="นายอำเภอทุกอำเภอ")).status_code, 302)

        response = self.client.post(url, form_data(mine, letter_to="พัฒนาการอำเภอทุกอำเภอ"))

        self.assertContains(response, CONFLICT, status_code=409)
        self.assertEqual(self.rows(response), {"letter_to": ("นายอำเภอทุกอำเภอ", "พัฒนาการอำเภอทุกอำเภอ")})
        self.minutes.refresh_from_db()
        self.assertEqual(self.minutes.letter_to, "นายอำเภอทุกอำเภอ")

    def test_a_stale_section_version_raises_in_the_service(self):
        minutes_services.section_update(section=self.section, body="ฉบับที่สอง", by=self.somsri)
        with self.assertRaises(services.EditConflict) as caught:
            minutes_services.section_update(
                section=self.section, body="ฉบับที่สาม", expected_version=1, by=self.secretariat
            )
        self.assertEqual((caught.exception.current.body, caught.exception.saved_by), ("ฉบับที่สอง", self.somsri))
        self.section.refresh_from_db()
        self.assertEqual((self.section.body, self.section.version), ("ฉบับที่สอง", 2))


@skipUnless(connection.vendor == "postgresql", "row locks across connections: PostgreSQL")
@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class RaceTests(TransactionTestCase):
    """Two requests that opened the same version, truly at once: the second waits for
    the first's row lock and then finds the version gone. (SQLite runs every write
    transaction one at a time — IMMEDIATE mode — so the same check is enough there.)"""

    def test_two_saves_at_once_cannot_both_pass(self):
        user = User.objects.create_user("secretariat")
        series = MeetingSeries.objects.create(name="การประชุมหัวหน้าส่วนราชการ", summary_title="สรุป")
        meeting = meeting_create(
            by=user, series=series, number=1, year_be=2569, date=datetime.date(2026, 1, 5), venue="ศาลากลาง"
        )
        directive = services.directive_create(meeting=meeting, number="1", text="เดิม", by=user)
        claimed, release = threading.Event(), threading.Event()
        outcome: dict[str, object] = {}

        def first():
            try:
                with transaction.atomic():
                    services.directive_update(
                        directive=Directive.objects.get(pk=directive.pk), text="ก", expected_version=1, by=user
                    )
                    claimed.set()
                    release.wait(10)
                outcome["first"] = "saved"
            finally:
                connection.close()

        def second():
            try:
                services.directive_update(
                    directive=Directive.objects.get(pk=directive.pk), text="ข", expected_version=1, by=user
                )
                outcome["second"] = "saved"
            except services.EditConflict as conflict:
                outcome["second"] = conflict.current.text
            finally:
                connection.close()

        one = threading.Thread(target=first)
        one.start()
        self.assertTrue(claimed.wait(10))
        two = threading.Thread(target=second)
        two.start()
        two.join(0.5)
        self.assertTrue(two.is_alive(), "the second save must wait for the first one's row lock")
        release.set()
        one.join(10)
        two.join(10)
        self.assertEqual(outcome, {"first": "saved", "second": "ก"})
        directive.refresh_from_db()
        self.assertEqual((directive.text, directive.version), ("ก", 2))


class AttendanceConflictTests(ConflictTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.minutes = minutes_services.minutes_start(meeting=cls.meeting, by=cls.secretariat)
        minutes_services.attendees_add_lines(
            minutes=cls.minutes,
            text="นายหนึ่ง\tพัฒนาการจังหวัดลำปาง\nนางสอง\tหัวหน้ากลุ่มงาน\nนายสาม\tนักวิชาการ",
            kind="present",
            by=cls.secretariat,
        )

    def url(self) -> str:
        return f"/meetings/{self.meeting.pk}/minutes/attendees/"

    def person(self, name: str):
        return self.minutes.attendees.get(name=name)

    def test_edits_to_different_people_are_both_kept(self):
        mine, hers = self.both_open(self.url())
        response = self.other.post(self.url(), formset_data(hers, นายหนึ่ง={"substitute_for": "แทนพัฒนาการจังหวัด"}))
        self.assertEqual(response.status_code, 302)

        response = self.client.post(self.url(), formset_data(mine, นางสอง={"position": "หัวหน้ากลุ่มงานอำนวยการ"}))

        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.person("นายหนึ่ง").substitute_for, "แทนพัฒนาการจังหวัด")
        self.assertEqual(self.person("นางสอง").position, "หัวหน้ากลุ่มงานอำนวยการ")

    def test_an_edit_to_the_same_person_is_refused_showing_the_others_value(self):
        mine, hers = self.both_open(self.url())
        self.other.post(self.url(), formset_data(hers, นายหนึ่ง={"position": "พัฒนาการจังหวัด (สมศรีแก้)"}))

        response = self.client.post(self.url(), formset_data(mine, นายหนึ่ง={"position": "พัฒนาการจังหวัด (ฉันแก้)"}))

        self.assertContains(response, "มีผู้อื่นแก้ไขรายชื่อหลังจากที่ท่านเปิดหน้านี้", status_code=409)
        self.assertContains(response, "บันทึกล่าสุดโดย <strong>สมศรี ใจดี</strong>", status_code=409)
        row = next(form for form in response.context["formset"].forms if form.edit_conflict)
        self.assertEqual(
            [(r.name, r.theirs, r.yours) for r in row.edit_conflict.rows],
            [("position", "พัฒนาการจังหวัด (สมศรีแก้)", "พัฒนาการจังหวัด (ฉันแก้)")],
        )
        self.assertContains(response, 'value="พัฒนาการจังหวัด (ฉันแก้)"', status_code=409)
        self.assertEqual(self.person("นายหนึ่ง").position, "พัฒนาการจังหวัด (สมศรีแก้)")

        self.assertEqual(self.client.post(self.url(), formset_data(response)).status_code, 302)
        self.assertEqual(self.person("นายหนึ่ง").position, "พัฒนาการจังหวัด (ฉันแก้)")

    def test_a_person_removed_by_another_whom_i_did_not_touch_just_drops_out(self):
        mine, hers = self.both_open(self.url())
        self.other.post(self.url(), formset_data(hers, นายสาม={"DELETE": "on"}))

        response = self.client.post(self.url(), formset_data(mine, นางสอง={"substitute_for": "แทนหัวหน้ากลุ่มงาน"}))

        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.person("นางสอง").substitute_for, "แทนหัวหน้ากลุ่มงาน")
        self.assertFalse(self.minutes.attendees.filter(name="นายสาม").exists())

    def test_a_person_removed_by_another_while_i_edited_them_is_named_and_my_table_kept(self):
        mine, hers = self.both_open(self.url())
        self.other.post(self.url(), formset_data(hers, นายสาม={"DELETE": "on"}))

        response = self.client.post(
            self.url(),
            formset_data(mine, นายสาม={"position": "นักวิชาการชำนาญการ"}, นางสอง={"substitute_for": "แทนหัวหน้ากลุ่มงาน"}),
        )

        self.assertContains(response, "ถูกลบออกจากรายชื่อแล้วโดย <strong>สมศรี ใจดี</strong>", status_code=409)
        self.assertContains(response, "นายสาม นักวิชาการชำนาญการ</h3>", status_code=409)
        self.assertContains(response, 'value="แทนหัวหน้ากลุ่มงาน"', status_code=409)
        self.assertEqual(self.person("นางสอง").substitute_for, "")

        self.assertEqual(self.client.post(self.url(), formset_data(response)).status_code, 302)
        self.assertEqual(self.person("นางสอง").substitute_for, "แทนหัวหน้ากลุ่มงาน")

        self.assertEqual(self.client.post(self.url(), formset_data(response)).status_code, 302)
        self.assertEqual(self.person("นางสอง").substitute_for, "แทนหัวหน้ากลุ่มงาน")
        self.assertFalse(self.minutes.attendees.filter(name="นายสาม").exists())

    def test_removing_a_person_another_has_just_edited_is_refused(self):
        mine, hers = self.both_open(self.url())
        self.other.post(self.url(), formset_data(hers, นายหนึ่ง={"substitute_for": "แทนพัฒนาการจังหวัด"}))

        response = self.client.post(self.url(), formset_data(mine, นายหนึ่ง={"DELETE": "on"}))

        self.assertContains(response, "มีผู้อื่นแก้ไขรายชื่อหลังจากที่ท่านเปิดหน้านี้", status_code=409)
        self.assertEqual(self.person("นายหนึ่ง").substitute_for, "แทนพัฒนาการจังหวัด")
