"""Fast manual entry: a whole meeting's table in one submit, and the next number proposed."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext

from directives import services
from directives.forms import BULK_MAX_ROWS, PartyMatcher
from directives.models import Assignment, Directive, ResponsibleParty
from directives.numbering import following, next_free, next_top_level, parent_number
from meetings.services import meeting_create
from tests.base import SpreadMixin, TrackerTestCase


def table(*rows: dict, total: int | None = None, **extra) -> dict:
    """The POST of the bulk table: ``rows`` in order, then empty rows up to ``total``."""
    total = max(total or 0, len(rows))
    data = {"form-TOTAL_FORMS": str(total), "form-INITIAL_FORMS": "0", **extra}
    for i in range(total):
        row = rows[i] if i < len(rows) else {}
        for name in ("number", "heading", "text", "parties", "due_date"):
            data[f"form-{i}-{name}"] = row.get(name, "")
    return data


class NumberingTests(SimpleTestCase):
    def test_it_proposes_the_number_after_at_the_same_level(self):
        self.assertEqual(following("3"), "4")
        self.assertEqual(following("7.2"), "7.3")
        self.assertEqual(following("7.9"), "7.10")
        self.assertEqual(following("1.2.3"), "1.2.4")

    def test_it_proposes_nothing_after_what_is_not_a_number(self):
        self.assertEqual(following(""), "")
        self.assertEqual(following("ก"), "")
        self.assertEqual(following("7..1"), "")

    def test_it_goes_on_after_the_highest_top_level_number(self):
        self.assertEqual(next_top_level([]), "1")
        self.assertEqual(next_top_level(["1", "2", "7", "7.3", "3"]), "8")
        self.assertEqual(next_top_level(["10", "9.1", "x"]), "11")

    def test_it_skips_numbers_already_taken(self):
        self.assertEqual(next_free("3", {"4", "5"}), "6")
        self.assertEqual(next_free("7.1", {"7.2"}), "7.3")
        self.assertEqual(parent_number("7.2"), "7")
        self.assertIsNone(parent_number("7"))


class PartyMatcherTests(TrackerTestCase):
    def test_it_reads_names_short_names_and_groups_and_keeps_the_rest_as_written(self):
        matcher = PartyMatcher()
        typed = "สำนักงานวัฒนธรรม จังหวัดลำปาง\n- ศธจ.ลป.\n\nทุกอำเภอ, ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง\nวธ.ลป.\n  "
        self.assertEqual(
            matcher.parties(typed),
            [
                services.Party(agency=self.agency_a),
                services.Party(agency=self.agency_b),
                services.Party(group=self.group),
                services.Party(label="ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง"),
            ],
        )
        self.assertEqual(matcher.parties(""), [])

    def test_it_does_not_offer_inactive_agencies(self):
        self.agency_b.is_active = False
        self.agency_b.save()
        self.assertEqual(PartyMatcher().parties("ศธจ.ลป."), [services.Party(label="ศธจ.ลป.")])


class BulkEntryTests(SpreadMixin, TrackerTestCase):
    """The meeting (setUpTestData) already has items ๑ and ๒."""

    def url(self) -> str:
        return f"/meetings/{self.meeting.pk}/directives/bulk/"

    def counts(self):
        return (Directive.objects.count(), Assignment.objects.count(), ResponsibleParty.objects.count())

    def test_it_is_linked_from_the_meeting_page(self):
        self.login(self.secretariat)
        response = self.client.get(f"/meetings/{self.meeting.pk}/")
        self.assertContains(response, f'href="{self.url()}"')
        self.assertContains(response, "เพิ่มข้อสั่งการหลายข้อ")

    def test_it_offers_ten_rows_numbered_after_the_meetings_highest_item(self):
        self.login(self.secretariat)
        response = self.client.get(self.url())
        self.assertEqual(response.status_code, 200)
        formset = response.context["formset"]
        self.assertEqual(len(formset.forms), 10)
        self.assertEqual([f["number"].value() for f in formset.forms][:3], ["3", "4", "5"])
        self.assertContains(response, 'name="form-0-number" value="3"')
        self.assertContains(response, 'id="party-names"')
        self.assertContains(response, f'<option value="{self.agency_a.name}">{self.agency_a.short_name}</option>')
        # Scripts are static files (a CSP without inline scripts is coming): none in the table.
        page = response.content.decode()
        table_html = page[page.index('class="card bulk-form"') : page.index("</form>", page.index("bulk-form"))]
        self.assertNotIn("<script", table_html)
        self.assertNotRegex(table_html, r"\son[a-z]+=")
        self.assertContains(response, '<script src="/static/js/bulk-entry.js"></script>')

    def test_it_saves_a_whole_meeting_in_one_submit(self):
        self.login(self.secretariat)
        data = table(
            {
                "number": "๓",
                "heading": "วาระลำปางน่าเที่ยว",
                "text": "ขอให้ประชาสัมพันธ์เส้นทางท่องเที่ยว",
                "parties": f"{self.agency_a.short_name}\nทุกอำเภอ\nส่วนราชการ/หน่วยงานที่เกี่ยวข้อง",
                "due_date": "๓๑/๑๒/๒๕๖๐",
            },
            {"number": "4", "heading": "ประเด็นอื่น ๆ", "parties": "", "due_date": "31/12/2560"},
            {"number": "4.1", "text": "ขอให้ป้องกันไฟป่า", "parties": self.agency_b.name, "due_date": "15/1/2561"},
            {"number": "4.2", "text": "ขอให้รายงานหมอกควัน", "parties": f"{self.agency_b.name}, {self.agency_a.name}"},
            {"number": "4.3", "due_date": "15/1/2561"},  # offered, never filled: skipped
            total=10,
        )
        before = self.counts()[0]
        response = self.client.post(self.url(), data)
        self.assertRedirects(response, f"/meetings/{self.meeting.pk}/", fetch_redirect_response=False)
        self.assertEqual(Directive.objects.count(), before + 4)
        three = Directive.objects.get(meeting=self.meeting, number="3")
        self.assertEqual((three.heading, three.due_date), ("วาระลำปางน่าเที่ยว", datetime.date(2017, 12, 31)))
        self.assertEqual(
            [(p.agency, p.group, p.label) for p in three.parties.all()],
            [(self.agency_a, None, ""), (None, self.group, ""), (None, None, "ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง")],
        )
        self.assertEqual({a.agency for a in three.assignments.all()}, {self.agency_a, self.district})
        self.assertEqual(three.created_by, self.secretariat)
        four = Directive.objects.get(meeting=self.meeting, number="4")
        subs = Directive.objects.filter(meeting=self.meeting, number__startswith="4.").order_by("sort_key")
        self.assertEqual([(d.number, d.parent) for d in subs], [("4.1", four), ("4.2", four)])
        self.assertEqual(subs[0].due_date, datetime.date(2018, 1, 15))
        self.assertEqual([p.text for p in subs[1].parties.all()], [self.agency_b.name, self.agency_a.name])
        self.assertFalse(Directive.objects.filter(meeting=self.meeting, number="4.3").exists())
        page = self.client.get(response.url)
        self.assertContains(page, "บันทึก ๔ ข้อแล้ว (ข้อ ๓, ๔, ๔.๑, ๔.๒)")
        self.assertContains(page, "พิมพ์ตามที่กรอกโดยไม่มอบหมายงาน: ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง")

    def test_it_links_a_sub_item_typed_above_its_parent_and_to_an_existing_item(self):
        self.login(self.secretariat)
        data = table(
            {"number": "5.1", "text": "ข้อย่อยพิมพ์ก่อนข้อหลัก"},
            {"number": "5", "heading": "ข้อหลัก"},
            {"number": "2.1", "text": "ข้อย่อยของข้อที่มีอยู่แล้ว"},
        )
        response = self.client.post(self.url(), data)
        self.assertEqual(response.status_code, 302)
        five = Directive.objects.get(meeting=self.meeting, number="5")
        self.assertEqual(Directive.objects.get(meeting=self.meeting, number="5.1").parent, five)
        self.assertEqual(Directive.objects.get(meeting=self.meeting, number="2.1").parent, self.directive)

    def test_it_shows_errors_at_the_cell_keeps_input_and_saves_nothing(self):
        self.login(self.secretariat)
        before = self.counts()
        data = table(
            {"number": "3", "text": "ข้อที่ถูกต้อง ไม่ควรถูกบันทึกเมื่อแถวอื่นผิด", "parties": "วธ.ลป."},
            {"number": "ก", "text": "ลำดับไม่ใช่ตัวเลข"},
            {"number": "2", "text": "ลำดับซ้ำกับข้อที่มีอยู่"},
            {"number": "3", "text": "ลำดับซ้ำในตาราง"},
            {"number": "9.1", "text": "ข้อย่อยที่ไม่มีข้อหลัก"},
            {"number": "6", "text": "วันที่ผิด", "due_date": "31/02/2561"},
            {"number": "7", "parties": "หน่วยงานที่พิมพ์เอง"},
            {"number": "", "text": "ลืมลำดับ"},
        )
        response = self.client.post(self.url(), data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.counts(), before)
        forms = response.context["formset"].forms
        self.assertFalse(forms[0].errors)
        self.assertEqual(forms[1].errors["number"], ["ลำดับต้องเป็นตัวเลข เช่น 7 หรือ 7.1"])
        self.assertEqual(forms[2].errors["number"], ["ลำดับ ๒ มีอยู่แล้วในการประชุมนี้"])
        self.assertEqual(forms[3].errors["number"], ["ลำดับ ๓ ซ้ำกับแถวที่ ๑"])
        self.assertEqual(forms[4].errors["number"], ["ยังไม่มีข้อ ๙ กรุณาเพิ่มข้อ ๙ ก่อนข้อย่อย ๙.๑"])
        self.assertEqual(forms[5].errors["due_date"], ["ไม่มีวันที่นี้ในปฏิทิน กรุณาตรวจสอบวัน เดือน ปี"])
        self.assertEqual(forms[6].errors["text"], ["กรุณากรอกข้อความประเด็น หรือหัวข้อ อย่างน้อยหนึ่งอย่าง"])
        self.assertEqual(forms[7].errors["number"], ["กรุณากรอกลำดับ"])
        self.assertContains(response, "ยังไม่มีข้อใดถูกบันทึก")
        # Every cell keeps what was typed, and the message sits next to its cell.
        for typed in ("ข้อที่ถูกต้อง ไม่ควรถูกบันทึกเมื่อแถวอื่นผิด", "วธ.ลป.", "31/02/2561", "หน่วยงานที่พิมพ์เอง"):
            self.assertContains(response, typed)
        self.assertContains(response, 'id="id_form-1-number_error"')
        self.assertContains(response, 'aria-describedby="id_form-1-number_error"')

    def test_it_asks_for_at_least_one_row(self):
        self.login(self.secretariat)
        response = self.client.post(self.url(), table({"number": "3", "due_date": "1/1/2561"}, total=10))
        self.assertContains(response, "ยังไม่มีข้อที่กรอก กรุณากรอกประเด็นอย่างน้อยหนึ่งข้อ")

    def test_it_adds_rows_without_javascript_numbered_on_with_the_due_date_carried(self):
        self.login(self.secretariat)
        before = self.counts()
        data = table(
            {"number": "7", "heading": "ประเด็นอื่น ๆ"},
            {"number": "7.1", "text": "ข้อย่อย", "due_date": "31/12/2560"},
            add_rows="1",
        )
        response = self.client.post(self.url(), data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.counts(), before)
        formset = response.context["formset"]
        self.assertEqual(len(formset.forms), 7)
        self.assertEqual(
            [(f["number"].value(), f["due_date"].value()) for f in formset.forms[2:4]],
            [("7.2", "31/12/2560"), ("7.3", "31/12/2560")],
        )
        self.assertContains(response, "ข้อย่อย")
        self.assertNotContains(response, 'class="field-error"')
        self.assertNotContains(response, "aria-invalid")

    def test_it_answers_a_broken_or_oversized_table_in_thai(self):
        self.login(self.secretariat)
        before = self.counts()
        response = self.client.post(self.url(), {"form-0-text": "ไม่มีข้อมูลตาราง"})
        self.assertContains(response, "ข้อมูลตารางไม่ครบ")
        response = self.client.post(self.url(), table({"number": "3", "text": "x"}, total=BULK_MAX_ROWS + 1))
        self.assertContains(response, f"บันทึกได้ครั้งละไม่เกิน {BULK_MAX_ROWS} แถว")
        response = self.client.post(self.url(), {"form-TOTAL_FORMS": "ห้า", "add_rows": "1"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.counts(), before)

    def test_it_saves_nothing_when_a_later_row_is_refused_by_the_service(self):
        rows = [
            services.NewDirective(number="3", text="ข้อแรกถูกต้อง"),
            services.NewDirective(number="4.1", text="ไม่มีข้อ ๔"),
        ]
        before = self.counts()
        with self.assertRaises(services.RowError) as raised:
            services.directive_create_many(meeting=self.meeting, rows=rows, by=self.secretariat)
        self.assertEqual(raised.exception.row, 1)
        self.assertIn("ยังไม่มีข้อ ๔", str(raised.exception))
        self.assertEqual(self.counts(), before)

    def test_it_refuses_agency_users_and_executives_with_403(self):
        for user in (self.user_a, self.executive):
            self.login(user)
            self.assertEqual(self.client.get(self.url()).status_code, 403)
            response = self.client.post(self.url(), table({"number": "3", "text": "ไม่ควรบันทึก"}))
            self.assertEqual(response.status_code, 403)
        self.assertFalse(Directive.objects.filter(number="3").exists())

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        self.login(None)
        self.assertLoginRedirect(self.client.get(self.url()), self.url())

    def test_it_refuses_other_methods_with_405(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.delete(self.url()).status_code, 405)

    def test_it_answers_404_for_an_unknown_meeting(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.get("/meetings/999999/directives/bulk/").status_code, 404)

    def test_its_query_count_does_not_grow_with_agencies_or_rows(self):
        self.login(self.secretariat)
        self.client.get(self.url())  # session and caches warm

        def queries(method, *args) -> int:
            with CaptureQueriesContext(connection) as context:
                method(self.url(), *args)
            return len(context)

        def refused(rows: int) -> dict:
            # Valid rows and one duplicate at the end: everything is checked, nothing written.
            return table(
                *[{"number": str(10 + i), "text": f"ข้อ {i}", "parties": "วธ.ลป.\nทุกอำเภอ"} for i in range(rows)],
                {"number": "1", "text": "ซ้ำ"},
            )

        page, check = queries(self.client.get), queries(self.client.post, refused(2))
        self.spread_agencies(40)
        with self.assertNumQueries(page):
            self.client.get(self.url())
        with self.assertNumQueries(check):
            self.client.post(self.url(), refused(30))


class NextNumberTests(TrackerTestCase):
    """The single form's "บันทึกและเพิ่มข้อถัดไป" proposes the next ลำดับ and carries the due date."""

    def url(self, **query) -> str:
        base = f"/meetings/{self.meeting.pk}/directives/new/"
        return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")

    def post(self, url: str, **fields):
        data = {"number": "", "heading": "", "text": "ข้อความ", "parties": [], "free_parties": "", "due_date": ""}
        return self.client.post(url, {**data, **fields, "add_another": "1"})

    def test_it_proposes_the_next_top_level_number_on_a_new_form(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.get(self.url()).context["form"]["number"].value(), "3")

    def test_it_proposes_four_after_three_and_carries_the_due_date(self):
        self.login(self.secretariat)
        response = self.post(self.url(), number="3", due_date="31/12/2560")
        three = Directive.objects.get(meeting=self.meeting, number="3")
        self.assertRedirects(response, self.url(after=three.pk), fetch_redirect_response=False)
        page = self.client.get(response.url)
        form = page.context["form"]
        self.assertEqual((form["number"].value(), form["due_date"].value()), ("4", datetime.date(2017, 12, 31)))
        self.assertContains(page, 'value="31/12/2560"')
        self.assertContains(page, "บันทึกข้อ ๓ แล้ว")

    def test_it_proposes_seven_three_after_seven_two_under_the_same_parent(self):
        self.login(self.secretariat)
        seven = services.directive_create(meeting=self.meeting, number="7", heading="ประเด็นอื่น ๆ", by=self.secretariat)
        response = self.post(self.url(parent=seven.pk), number="7.2")
        seven_two = Directive.objects.get(meeting=self.meeting, number="7.2")
        self.assertEqual(seven_two.parent, seven)
        self.assertRedirects(response, self.url(parent=seven.pk, after=seven_two.pk), fetch_redirect_response=False)
        page = self.client.get(response.url)
        self.assertEqual(page.context["form"]["number"].value(), "7.3")
        self.assertContains(page, "เพิ่มข้อย่อยของข้อ ๗")

    def test_it_proposes_the_first_free_sub_number_under_a_parent(self):
        self.login(self.secretariat)
        services.directive_create(meeting=self.meeting, number="2.1", text="ข้อย่อยแรก", by=self.secretariat)
        response = self.client.get(self.url(parent=self.directive.pk))
        self.assertEqual(response.context["form"]["number"].value(), "2.2")

    def test_it_skips_a_number_already_taken(self):
        self.login(self.secretariat)
        services.directive_create(meeting=self.meeting, number="4", text="มีอยู่แล้ว", by=self.secretariat)
        self.post(self.url(), number="3")
        three = Directive.objects.get(meeting=self.meeting, number="3")
        self.assertEqual(self.client.get(self.url(after=three.pk)).context["form"]["number"].value(), "5")

    def test_it_ignores_a_previous_item_that_is_not_of_this_meeting(self):
        self.login(self.secretariat)
        other_meeting = meeting_create(
            by=self.secretariat, series=self.series, number=11, year_be=2560, date=datetime.date(2017, 12, 20)
        )
        elsewhere = services.directive_create(meeting=other_meeting, number="8", text="ข้อ ๘", by=self.secretariat)
        for after in (str(elsewhere.pk), "abc", "999999", "-1", "9" * 30, ""):
            response = self.client.get(self.url(after=after))
            self.assertEqual(response.context["form"]["number"].value(), "3")
