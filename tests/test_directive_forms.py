"""The secretariat's directive form: add (with sub-items) and edit."""

from __future__ import annotations

import datetime

from directives import services
from directives.models import Assignment, Directive, ResponsibleParty, Status
from lampang_tracker import thai
from meetings.services import meeting_create
from tests.base import TrackerTestCase


def directive_data(**overrides) -> dict:
    data = {
        "number": "3",
        "heading": "",
        "text": "ขอให้ทุกอำเภอรณรงค์ป้องกันไฟป่า",
        "parties": [],
        "free_parties": "",
        "due_date": "",
        "report_day": "",
        "report_until": "",
        "strategy": "",
    }
    data.update(overrides)
    return data


class DirectiveCreateTests(TrackerTestCase):
    def url(self, meeting=None):
        return f"/meetings/{(meeting or self.meeting).pk}/directives/new/"

    def counts(self):
        return (Directive.objects.count(), Assignment.objects.count(), ResponsibleParty.objects.count())

    def test_it_shows_the_form_with_groups_and_agencies_to_choose(self):
        self.login(self.secretariat)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, f'value="g{self.group.pk}"')
        self.assertContains(response, f'value="a{self.agency_a.pk}"')
        self.assertContains(response, "เพิ่มประเด็น / ข้อสั่งการ")

    def test_it_creates_a_directive_with_agencies_a_group_and_free_text(self):
        self.login(self.secretariat)
        data = directive_data(
            parties=[f"a{self.agency_b.pk}", f"g{self.group.pk}"],
            free_parties="ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง\n\n",
            due_date="๓๑/๑๒/๒๕๖๐",
            report_day="๒๐",
            report_until="30/09/2561",
        )
        response = self.client.post(self.url(), data)
        self.assertRedirects(response, f"/meetings/{self.meeting.pk}/", fetch_redirect_response=False)
        directive = Directive.objects.get(meeting=self.meeting, number="3")
        self.assertEqual(directive.due_date, datetime.date(2017, 12, 31))
        self.assertEqual((directive.report_day, directive.report_until), (20, datetime.date(2018, 9, 30)))
        self.assertEqual(
            [p.text for p in directive.parties.all()],
            [self.agency_b.name, "ทุกอำเภอ", "ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง"],
        )
        roles = {a.agency: a.role for a in directive.assignments.all()}
        self.assertEqual(roles, {self.agency_b: Assignment.Role.LEAD, self.district: Assignment.Role.SUPPORT})
        self.assertEqual(directive.created_by, self.secretariat)

    def test_it_reads_a_number_typed_in_thai_digits(self):
        self.login(self.secretariat)
        self.client.post(self.url(), directive_data(number="๘."))
        self.assertTrue(Directive.objects.filter(meeting=self.meeting, number="8").exists())

    def test_it_goes_on_to_the_next_item_when_asked(self):
        self.login(self.secretariat)
        response = self.client.post(self.url(), {**directive_data(), "add_another": "1"})
        saved = Directive.objects.get(meeting=self.meeting, number="3")
        self.assertRedirects(response, f"{self.url()}?after={saved.pk}", fetch_redirect_response=False)

    def test_it_adds_a_sub_item_under_its_parent(self):
        self.login(self.secretariat)
        url = f"{self.url()}?parent={self.directive.pk}"
        self.assertContains(self.client.get(url), "เพิ่มข้อย่อยของข้อ ๒")
        response = self.client.post(url, directive_data(number="2.1", text="ข้อย่อยแรก"))
        self.assertEqual(response.status_code, 302)
        child = Directive.objects.get(number="2.1")
        self.assertEqual(child.parent, self.directive)

    def test_it_refuses_a_sub_item_numbered_outside_its_parent(self):
        self.login(self.secretariat)
        before = self.counts()
        response = self.client.post(f"{self.url()}?parent={self.directive.pk}", directive_data(number="3.1"))
        self.assertFormError(response.context["form"], "number", "ข้อย่อยของข้อ ๒ ต้องขึ้นต้นด้วย ๒.")
        self.assertEqual(self.counts(), before)

    def test_it_answers_404_for_a_parent_in_another_meeting(self):
        other = services.directive_create(
            meeting=meeting_create(
                by=self.secretariat, series=self.series, number=11, year_be=2560, date=datetime.date(2017, 12, 20)
            ),
            number="1",
            text="ข้อในการประชุมอื่น",
            by=self.secretariat,
        )
        self.login(self.secretariat)
        self.assertEqual(self.client.get(f"{self.url()}?parent={other.pk}").status_code, 404)
        self.assertEqual(self.client.get(f"{self.url()}?parent=abc").status_code, 404)

    def test_it_refuses_a_duplicate_number_in_thai_and_keeps_what_was_typed(self):
        self.login(self.secretariat)
        before = self.counts()
        data = directive_data(
            number="2",
            heading="หัวข้อที่พิมพ์ไว้",
            text="ข้อความที่พิมพ์ไว้ยาว ๆ",
            parties=[f"a{self.agency_b.pk}"],
            free_parties="หน่วยงานที่พิมพ์เอง",
            due_date="29/11/2560",
        )
        response = self.client.post(self.url(), data)
        self.assertEqual(response.status_code, 200)
        self.assertFormError(response.context["form"], "number", "ลำดับ ๒ มีอยู่แล้วในการประชุมนี้")
        self.assertContains(response, '<div class="field-error" id="id_number_error" role="alert">')
        self.assertContains(response, 'value="หัวข้อที่พิมพ์ไว้"')
        self.assertContains(response, "ข้อความที่พิมพ์ไว้ยาว ๆ</textarea>")
        self.assertContains(response, "หน่วยงานที่พิมพ์เอง</textarea>")
        self.assertContains(response, 'value="29/11/2560"')
        self.assertContains(response, f'value="a{self.agency_b.pk}" id="id_parties_')
        self.assertRegex(response.content.decode(), rf'value="a{self.agency_b.pk}"[^>]*checked')
        self.assertEqual(self.counts(), before)

    def test_it_refuses_a_number_that_is_not_a_number(self):
        self.login(self.secretariat)
        response = self.client.post(self.url(), directive_data(number="สาม"))
        self.assertFormError(response.context["form"], "number", "ลำดับต้องเป็นตัวเลข เช่น 7 หรือ 7.1")
        self.assertContains(response, 'value="สาม"')

    def test_it_needs_a_text_or_a_heading(self):
        self.login(self.secretariat)
        before = self.counts()
        response = self.client.post(self.url(), directive_data(text="  ", heading=""))
        self.assertFormError(response.context["form"], "text", "กรุณากรอกข้อความประเด็น หรือหัวข้อ อย่างน้อยหนึ่งอย่าง")
        self.assertEqual(self.counts(), before)

    def test_it_answers_bad_dates_and_days_in_thai(self):
        self.login(self.secretariat)
        response = self.client.post(self.url(), directive_data(due_date="31/04/2561", report_day="32"))
        form = response.context["form"]
        self.assertFormError(form, "due_date", "ไม่มีวันที่นี้ในปฏิทิน กรุณาตรวจสอบวัน เดือน ปี")
        self.assertFormError(form, "report_day", "วันที่ต้องอยู่ระหว่าง ๑ ถึง ๓๑")
        self.assertContains(response, 'value="31/04/2561"')

    def test_it_needs_a_report_day_before_a_report_end(self):
        self.login(self.secretariat)
        before = self.counts()
        response = self.client.post(self.url(), directive_data(report_until="30/09/2561"))
        self.assertFormError(response.context["form"], "report_day", "กรุณาระบุวันที่รายงานของทุกเดือน")
        self.assertEqual(self.counts(), before)

    def test_it_refuses_agency_users_and_executives_with_403(self):
        for user in (self.user_a, self.executive):
            with self.subTest(user=user.username):
                self.login(user)
                before = self.counts()
                self.assertEqual(self.client.get(self.url()).status_code, 403)
                self.assertEqual(self.client.post(self.url(), directive_data()).status_code, 403)
                self.assertEqual(self.counts(), before)

    def test_it_answers_404_for_an_unknown_meeting(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.get("/meetings/999999/directives/new/").status_code, 404)

    def test_it_refuses_other_methods_with_405(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.put(self.url()).status_code, 405)

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        before = self.counts()
        self.assertLoginRedirect(self.client.post(self.url(), directive_data()), self.url())
        self.assertEqual(self.counts(), before)


class DirectiveEditTests(TrackerTestCase):
    def url(self, directive=None):
        return f"/directives/{(directive or self.directive).pk}/edit/"

    def test_it_fills_the_form_with_what_was_saved(self):
        self.login(self.secretariat)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'value="วาระรักลำปาง"')
        self.assertContains(response, f'value="{thai.date_numeric(self.directive.due_date)}"')
        self.assertRegex(response.content.decode(), rf'value="a{self.agency_a.pk}"[^>]*checked')

    def test_it_saves_changes_and_moves_the_agencies_due_date(self):
        self.login(self.secretariat)
        data = directive_data(
            number="2",
            heading="วาระรักลำปาง",
            text="ขอให้รณรงค์แต่งกายชุดพื้นเมืองทุกวันศุกร์และวันสำคัญ",
            parties=[f"a{self.agency_a.pk}"],
            due_date="31/12/2570",
        )
        response = self.client.post(self.url(), data)
        self.assertRedirects(response, f"/directives/{self.directive.pk}/", fetch_redirect_response=False)
        self.directive.refresh_from_db()
        self.assertEqual(self.directive.text, "ขอให้รณรงค์แต่งกายชุดพื้นเมืองทุกวันศุกร์และวันสำคัญ")
        self.assertEqual(self.directive.due_date, datetime.date(2027, 12, 31))
        self.assertEqual(self.directive.assignments.get().due_date, datetime.date(2027, 12, 31))
        self.assertEqual(self.directive.history.first().history_user, self.secretariat)

    def test_it_keeps_parties_typed_as_written_when_they_are_not_touched(self):
        ResponsibleParty.objects.filter(directive=self.directive).update(label="- วัฒนธรรมจังหวัด (พิมพ์ตามต้นฉบับ)")
        self.login(self.secretariat)
        initial = self.client.get(self.url()).context["form"].initial
        data = {name: "" if value is None else value for name, value in initial.items()}
        data.update(due_date=thai.date_numeric(initial["due_date"]), text="ข้อความใหม่")
        self.assertEqual(self.client.post(self.url(), data).status_code, 302)
        self.directive.refresh_from_db()
        self.assertEqual(self.directive.text, "ข้อความใหม่")
        self.assertEqual([p.text for p in self.directive.parties.all()], ["- วัฒนธรรมจังหวัด (พิมพ์ตามต้นฉบับ)"])

    def test_it_refuses_to_remove_an_agency_that_has_reported_and_saves_nothing(self):
        self.login(self.secretariat)
        data = directive_data(number="2", heading="วาระรักลำปาง", text="ข้อความใหม่", parties=[f"a{self.agency_b.pk}"])
        response = self.client.post(self.url(), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "รายงานผลในข้อนี้แล้ว จึงนำออกจากหน่วยงานรับผิดชอบไม่ได้")
        self.directive.refresh_from_db()
        self.assertEqual(self.directive.text, "ขอให้รณรงค์แต่งกายชุดพื้นเมืองในทุกวันศุกร์")
        self.assertEqual([p.agency for p in self.directive.parties.all()], [self.agency_a])
        self.assertEqual([a.agency for a in self.directive.assignments.all()], [self.agency_a])

    def test_it_refuses_to_edit_a_closed_directive_in_thai(self):
        services.directive_close(directive=self.directive, note="ยุติ", by=self.secretariat)
        self.login(self.secretariat)
        data = directive_data(number="2", text="แก้หลังปิด", parties=[f"a{self.agency_a.pk}"])
        response = self.client.post(self.url(), data)
        self.assertContains(response, "ข้อนี้ปิดประเด็นแล้ว กรุณาเปิดประเด็นใหม่ก่อนแก้ไข")
        self.directive.refresh_from_db()
        self.assertNotEqual(self.directive.text, "แก้หลังปิด")

    def test_it_refuses_a_number_taken_by_another_directive(self):
        self.login(self.secretariat)
        response = self.client.post(self.url(), directive_data(number="1", parties=[f"a{self.agency_a.pk}"]))
        self.assertFormError(response.context["form"], "number", "ลำดับ ๑ มีอยู่แล้วในการประชุมนี้")
        self.directive.refresh_from_db()
        self.assertEqual(self.directive.number, "2")

    def test_it_refuses_the_assigned_agency_and_the_executive_with_403(self):
        for user in (self.user_a, self.executive):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get(self.url()).status_code, 403)
                self.assertEqual(self.client.post(self.url(), directive_data(number="2")).status_code, 403)
        self.directive.refresh_from_db()
        self.assertEqual(self.directive.text, "ขอให้รณรงค์แต่งกายชุดพื้นเมืองในทุกวันศุกร์")

    def test_it_answers_404_to_another_agency(self):
        self.login(self.user_b)
        self.assertEqual(self.client.get(self.url()).status_code, 404)

    def test_it_refuses_other_methods_with_405(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.delete(self.url()).status_code, 405)

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        self.assertLoginRedirect(self.client.get(self.url()), self.url())

    def test_it_keeps_the_state_derived_after_an_edit(self):
        self.login(self.secretariat)
        data = directive_data(number="2", text="ข้อความใหม่", parties=[f"a{self.agency_a.pk}", f"a{self.agency_b.pk}"])
        self.client.post(self.url(), data)
        self.directive.refresh_from_db()
        self.assertEqual(self.directive.state, Status.IN_PROGRESS)
        self.assertEqual(self.directive.assignments.count(), 2)


class SummaryLayoutFieldTests(TrackerTestCase):
    """Where the parties print (ResponsibleParty.paragraph) and whether the heading
    stands apart (Directive.heading_apart), set in the directive form."""

    TWO_PARAGRAPHS = "ขอให้ทุกอำเภอรณรงค์ป้องกันไฟป่า\nให้ทุกส่วนราชการรายงานผลทุกเดือน"

    def create_url(self):
        return f"/meetings/{self.meeting.pk}/directives/new/"

    def edit_url(self, directive):
        return f"/directives/{directive.pk}/edit/"

    def edit_data(self, directive, **overrides) -> dict:
        initial = self.client.get(self.edit_url(directive)).context["form"].initial
        data = {name: "" if value is None else value for name, value in initial.items()}
        if initial.get("due_date"):
            data["due_date"] = thai.date_numeric(initial["due_date"])
        data.update(overrides)
        return {name: value for name, value in data.items() if value is not False}

    def test_it_creates_parties_beside_the_paragraph_chosen_and_a_heading_apart(self):
        self.login(self.secretariat)
        data = directive_data(
            heading="การป้องกันไฟป่า",
            text=self.TWO_PARAGRAPHS,
            free_parties="ทุกส่วนราชการ/หน่วยงาน",
            parties_paragraph="๒",
            heading_apart="on",
        )
        response = self.client.post(self.create_url(), data)
        self.assertEqual(response.status_code, 302)
        directive = Directive.objects.get(meeting=self.meeting, number="3")
        self.assertTrue(directive.heading_apart)
        self.assertEqual([(p.text, p.paragraph) for p in directive.parties.all()], [("ทุกส่วนราชการ/หน่วยงาน", 1)])

    def test_it_refuses_a_paragraph_the_text_does_not_have_in_thai_and_keeps_what_was_typed(self):
        self.login(self.secretariat)
        data = directive_data(text=self.TWO_PARAGRAPHS, free_parties="ทุกส่วนราชการ/หน่วยงาน", parties_paragraph="3")
        response = self.client.post(self.create_url(), data)
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "ข้อความมีเพียง ๒ ย่อหน้า จึงพิมพ์หน่วยงานข้างย่อหน้าที่ ๓ ไม่ได้")
        self.assertContains(response, "ทุกส่วนราชการ/หน่วยงาน</textarea>")
        self.assertFalse(Directive.objects.filter(meeting=self.meeting, number="3").exists())

    def test_it_refuses_paragraph_nought_in_thai(self):
        self.login(self.secretariat)
        response = self.client.post(self.create_url(), directive_data(free_parties="ทุกอำเภอ", parties_paragraph="0"))
        self.assertContains(response, "ย่อหน้าเริ่มนับที่ ๑")
        self.assertFalse(Directive.objects.filter(meeting=self.meeting, number="3").exists())

    def test_it_offers_one_paragraph_field_per_line_on_edit_and_moves_only_that_line(self):
        directive = services.directive_create(
            meeting=self.meeting,
            number="3",
            text=self.TWO_PARAGRAPHS,
            parties=[services.Party(agency=self.agency_a), services.Party(label="ทุกส่วนราชการ/หน่วยงาน (ตามต้นฉบับ)")],
            by=self.secretariat,
        )
        self.login(self.secretariat)
        page = self.client.get(self.edit_url(directive)).content.decode()
        self.assertIn("“ทุกส่วนราชการ/หน่วยงาน (ตามต้นฉบับ)” พิมพ์ข้างย่อหน้าที่", page)
        self.assertIn(f"“{self.agency_a.name}” พิมพ์ข้างย่อหน้าที่", page)
        response = self.client.post(self.edit_url(directive), self.edit_data(directive, paragraph_1="2"))
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            [(p.text, p.paragraph) for p in directive.parties.all()],
            [(self.agency_a.name, 0), ("ทุกส่วนราชการ/หน่วยงาน (ตามต้นฉบับ)", 1)],
        )
        self.assertEqual(list(directive.assignments.values_list("agency", flat=True)), [self.agency_a.pk])

    def test_it_keeps_a_line_beside_its_paragraph_when_another_party_is_added(self):
        directive = services.directive_create(
            meeting=self.meeting,
            number="3",
            text=self.TWO_PARAGRAPHS,
            parties=[services.Party(agency=self.agency_a, paragraph=1)],
            by=self.secretariat,
        )
        self.login(self.secretariat)
        data = self.edit_data(directive, parties=[f"a{self.agency_a.pk}", f"a{self.agency_b.pk}"])
        self.assertEqual(self.client.post(self.edit_url(directive), data).status_code, 302)
        placed = {p.agency: p.paragraph for p in directive.parties.all()}
        self.assertEqual(placed, {self.agency_a: 1, self.agency_b: 0})

    def test_it_refuses_an_edit_leaving_a_line_beyond_the_shortened_text(self):
        directive = services.directive_create(
            meeting=self.meeting,
            number="3",
            text=self.TWO_PARAGRAPHS,
            parties=[services.Party(label="ทุกส่วนราชการ/หน่วยงาน", paragraph=1)],
            by=self.secretariat,
        )
        self.login(self.secretariat)
        response = self.client.post(self.edit_url(directive), self.edit_data(directive, text="ย่อหน้าเดียว"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "ข้อความมีเพียง ๑ ย่อหน้า จึงพิมพ์หน่วยงานข้างย่อหน้าที่ ๒ ไม่ได้")
        directive.refresh_from_db()
        self.assertEqual(directive.text, self.TWO_PARAGRAPHS)

    def test_it_turns_the_heading_apart_on_and_off(self):
        self.login(self.secretariat)
        data = self.edit_data(self.directive, heading_apart="on")
        self.assertEqual(self.client.post(self.edit_url(self.directive), data).status_code, 302)
        self.directive.refresh_from_db()
        self.assertTrue(self.directive.heading_apart)
        data = self.edit_data(self.directive)
        data.pop("heading_apart", None)
        self.assertEqual(self.client.post(self.edit_url(self.directive), data).status_code, 302)
        self.directive.refresh_from_db()
        self.assertFalse(self.directive.heading_apart)

    def test_the_service_refuses_a_party_beyond_the_text_in_thai(self):
        with self.assertRaisesMessage(services.DomainError, "ข้อความมีเพียง ๑ ย่อหน้า จึงพิมพ์หน่วยงานข้างย่อหน้าที่ ๓ ไม่ได้"):
            services.directive_create(
                meeting=self.meeting,
                number="3",
                text="ย่อหน้าเดียว",
                parties=[services.Party(label="ทุกอำเภอ", paragraph=2)],
                by=self.secretariat,
            )
