"""Letters (หนังสือสั่งการ): the model, its services, directives of a letter."""

from __future__ import annotations

import csv
import datetime
import io

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import override_settings
from django.urls import reverse

from directives import documents, services
from directives.models import Directive, Status
from directives.services import DomainError
from lampang_tracker import pdf
from meetings.models import Letter
from meetings.services import letter_create, letter_update
from tests.base import SpreadMixin, TrackerTestCase
from tests.test_pdf_documents import PLAIN_STATIC, captured
from tests.test_pdf_security import HOSTILE, HOSTILE_CSS, HOSTILE_IMG, HOSTILE_LINK, render_with_spy
from tests.test_pdf_text import HAS_PDFTOTEXT, pdftotext, pypdf_text, squash

LETTER_NUMBER = "มท ๐๘๑๐.๖/ว ๑๒๕๐๕"


class LetterTestCase(TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.letter = letter_create(
            number=LETTER_NUMBER,
            date=datetime.date(2024, 12, 17),
            subject="การขับเคลื่อนการพัฒนาซอฟต์พาวเวอร์ในระดับพื้นที่",
            sender="กระทรวงมหาดไทย",
            recipient="ผู้ว่าราชการจังหวัด ทุกจังหวัด",
            urgency="ด่วนที่สุด",
            by=cls.secretariat,
        )
        cls.letter_directive = services.directive_create(
            letter=cls.letter,
            number="1",
            text="จัดประชุมซักซ้อมแนวทางการดำเนินงานร่วมกับอำเภอและองค์กรปกครองส่วนท้องถิ่น",
            due_date=datetime.date(2025, 9, 30),
            report_day=25,
            report_until=datetime.date(2025, 9, 30),
            parties=services.parties_from(agencies=[cls.agency_a]),
            by=cls.secretariat,
        )


class LetterServiceTests(LetterTestCase):
    def test_it_creates_a_letter_named_by_its_number_and_date(self):
        self.assertEqual(str(self.letter), "หนังสือ ที่ มท ๐๘๑๐.๖/ว ๑๒๕๐๕ ลงวันที่ ๑๗ ธันวาคม ๒๕๖๗")
        self.assertEqual(self.letter.created_by, self.secretariat)
        self.assertEqual(self.letter.history.first().history_user, self.secretariat)

    def test_it_refuses_the_same_letter_twice_whatever_its_digits(self):
        with self.assertRaises(ValidationError) as caught:
            letter_create(number="มท  0810.6/ว 12505", date=self.letter.date, subject="ซ้ำ", by=self.secretariat)
        self.assertIn("มีหนังสือที่และลงวันที่นี้อยู่ในระบบแล้ว", str(caught.exception))
        self.assertTrue(Letter.objects.same_as(number="มท 0810.6/ว 12505", date=self.letter.date).exists())

    def test_it_updates_a_letter(self):
        letter_update(letter=self.letter, subject="  เรื่องใหม่  ", by=self.secretariat)
        self.letter.refresh_from_db()
        self.assertEqual(self.letter.subject, "เรื่องใหม่")
        with self.assertRaises(TypeError):
            letter_update(letter=self.letter, created_by=None, by=self.secretariat)

    def test_single_line_fields_lose_pasted_breaks_and_spaces_and_the_others_keep_their_lines(self):
        letter = letter_create(
            number=" ลป  ๐๐๑๗.๒/ว\n๑๒๓ ",
            date=datetime.date(2024, 2, 1),
            subject="เรื่อง  ทดสอบ\n",
            sender="สำนักงาน\nจังหวัดลำปาง",
            recipient="นายอำเภอ  ทุกอำเภอ",
            signer=" ผู้ว่าราชการ\tจังหวัดลำปาง",
            urgency=" ด่วนที่สุด\n",  # as read from a document: still one of the choices
            reference="\n๑. หนังสือที่หนึ่ง\n๒. หนังสือที่สอง\n",
            enclosures=" สำเนาคำสั่ง\nจำนวน ๑ ชุด\n\n",
            body="  ย่อหน้าแรก\n\nย่อหน้าสอง  ",
            by=self.secretariat,
        )
        letter.refresh_from_db()
        self.assertEqual(
            (letter.number, letter.subject, letter.sender, letter.recipient, letter.signer, letter.urgency),
            (
                "ลป ๐๐๑๗.๒/ว ๑๒๓",
                "เรื่อง ทดสอบ",
                "สำนักงาน จังหวัดลำปาง",
                "นายอำเภอ ทุกอำเภอ",
                "ผู้ว่าราชการ จังหวัดลำปาง",
                "ด่วนที่สุด",
            ),
        )
        self.assertEqual(
            (letter.reference, letter.enclosures, letter.body),
            ("๑. หนังสือที่หนึ่ง\n๒. หนังสือที่สอง", "สำเนาคำสั่ง\nจำนวน ๑ ชุด", "ย่อหน้าแรก\n\nย่อหน้าสอง"),
        )

    def test_it_refuses_an_unknown_urgency(self):
        with self.assertRaises(ValidationError):
            letter_update(letter=self.letter, urgency="ช้า", by=self.secretariat)


class LetterDirectiveTests(LetterTestCase):
    def test_it_makes_a_directive_whose_source_is_the_letter(self):
        self.assertEqual(self.letter_directive.source, self.letter)
        self.assertEqual(self.directive.source, self.meeting)
        self.assertIsNone(self.letter_directive.meeting)
        self.assertEqual(self.letter_directive.assignments.get().agency, self.agency_a)

    def test_it_needs_exactly_one_source(self):
        with self.assertRaisesMessage(DomainError, "กรุณาระบุการประชุมหรือหนังสือสั่งการ"):
            services.directive_create(number="5", text="ข้อ", by=self.secretariat)
        with self.assertRaisesMessage(DomainError, "ได้เพียงอย่างเดียว"):
            services.directive_create(
                meeting=self.meeting, letter=self.letter, number="5", text="ข้อ", by=self.secretariat
            )

    def test_it_keeps_numbers_unique_per_source(self):
        # "1" exists in the meeting and in the letter: different sources, no clash.
        self.assertTrue(Directive.objects.filter(meeting=self.meeting, number="1").exists())
        with self.assertRaises(ValidationError) as caught:
            services.directive_create(letter=self.letter, number="1", text="ซ้ำ", by=self.secretariat)
        self.assertIn("ลำดับนี้มีอยู่แล้วในหนังสือฉบับนี้", str(caught.exception))

    def test_it_keeps_a_sub_item_in_its_parents_letter(self):
        child = services.directive_create(
            letter=self.letter, parent=self.letter_directive, number="1.1", text="ข้อย่อย", by=self.secretariat
        )
        self.assertEqual(child.letter, self.letter)
        with self.assertRaises(ValidationError) as caught:
            services.directive_create(
                meeting=self.meeting, parent=self.letter_directive, number="1.2", text="ข้อย่อย", by=self.secretariat
            )
        self.assertIn("parent", caught.exception.message_dict)


def letter_data(**overrides) -> dict:
    data = {
        "number": "มท ๐๒๑๑.๖/ว ๑๐๓๐๓",
        "date": "๑๕/๑๐/๒๕๖๗",
        "urgency": "ด่วนมาก",
        "subject": "การป้องกันและแก้ไขปัญหาหมอกควันและไฟป่า",
        "sender": "กระทรวงมหาดไทย",
        "recipient": "ผู้ว่าราชการจังหวัด ทุกจังหวัด",
        "reference": "",
        "enclosures": "",
        "signer": "",
        "body": "",
    }
    data.update(overrides)
    return data


class LetterFormTests(LetterTestCase):
    def test_it_creates_a_letter_typed_with_thai_digits_and_a_buddhist_era_date(self):
        self.login(self.secretariat)
        response = self.client.post("/letters/new/", letter_data())
        letter = Letter.objects.get(subject="การป้องกันและแก้ไขปัญหาหมอกควันและไฟป่า")
        self.assertRedirects(response, f"/letters/{letter.pk}/", fetch_redirect_response=False)
        self.assertEqual(letter.date, datetime.date(2024, 10, 15))
        self.assertEqual((letter.number, letter.urgency), ("มท ๐๒๑๑.๖/ว ๑๐๓๐๓", "ด่วนมาก"))
        self.assertEqual(letter.created_by, self.secretariat)

    def test_it_answers_bad_input_in_thai_and_keeps_what_was_typed(self):
        self.login(self.secretariat)
        response = self.client.post("/letters/new/", letter_data(number="", date="๓๑/๐๒/๒๕๖๗", subject=""))
        self.assertEqual(response.status_code, 200)
        errors = response.context["form"].errors
        self.assertEqual(errors["number"], ["กรุณากรอกเลขที่หนังสือ (ที่)"])
        self.assertEqual(errors["subject"], ["กรุณากรอกเรื่อง"])
        self.assertIn("date", errors)
        self.assertContains(response, "๓๑/๐๒/๒๕๖๗")  # the typed date is still there to correct
        self.assertContains(response, "กระทรวงมหาดไทย")
        self.assertEqual(Letter.objects.count(), 1)

    def test_it_says_when_the_letter_is_already_recorded(self):
        self.login(self.secretariat)
        response = self.client.post("/letters/new/", letter_data(number="มท 0810.6/ว 12505", date="17/12/2567"))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["number"], ["มีหนังสือที่นี้ ลงวันที่เดียวกัน อยู่ในระบบแล้ว"])
        self.assertEqual(Letter.objects.count(), 1)

    def test_it_edits_a_letter_and_keeps_its_own_number_valid(self):
        self.login(self.secretariat)
        data = letter_data(number=self.letter.number, date="17/12/2567", subject="เรื่องที่แก้แล้ว")
        response = self.client.post(f"/letters/{self.letter.pk}/edit/", data)
        self.assertRedirects(response, f"/letters/{self.letter.pk}/", fetch_redirect_response=False)
        self.letter.refresh_from_db()
        self.assertEqual(self.letter.subject, "เรื่องที่แก้แล้ว")
        self.assertEqual(self.letter.history.first().history_user, self.secretariat)

    def test_it_lets_no_agency_user_or_executive_create_or_edit_a_letter(self):
        for user in (self.user_a, self.executive):
            with self.subTest(user=user.username):
                self.login(user)
                self.assertEqual(self.client.get("/letters/new/").status_code, 403)
                self.assertEqual(self.client.post("/letters/new/", letter_data()).status_code, 403)
                edit = self.client.post(f"/letters/{self.letter.pk}/edit/", letter_data(subject="ถูกแก้"))
                self.assertEqual(edit.status_code, 403)
        self.letter.refresh_from_db()
        self.assertNotEqual(self.letter.subject, "ถูกแก้")
        self.assertEqual(Letter.objects.count(), 1)

    def test_it_answers_other_methods_with_405_and_anonymous_with_login(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.put("/letters/new/").status_code, 405)
        self.assertEqual(self.client.post(f"/letters/{self.letter.pk}/").status_code, 405)
        self.login(None)
        self.assertLoginRedirect(self.client.get(f"/letters/{self.letter.pk}/"), f"/letters/{self.letter.pk}/")
        self.login(self.secretariat)
        self.assertEqual(self.client.get("/letters/999999/").status_code, 404)


class LetterPageTests(LetterTestCase):
    def test_it_shows_the_letter_header_and_its_numbered_directives(self):
        self.login(self.executive)
        response = self.client.get(f"/letters/{self.letter.pk}/")
        self.assertContains(response, "หนังสือ ที่ มท ๐๘๑๐.๖/ว ๑๒๕๐๕")
        self.assertContains(response, "๑๗ ธันวาคม ๒๕๖๗")
        self.assertContains(response, "การขับเคลื่อนการพัฒนาซอฟต์พาวเวอร์ในระดับพื้นที่")
        self.assertContains(response, "ด่วนที่สุด")
        self.assertContains(response, "จัดประชุมซักซ้อมแนวทางการดำเนินงาน")
        self.assertContains(response, "สำนักงานวัฒนธรรมจังหวัดลำปาง")
        self.assertContains(response, "รายงานทุกวันที่ ๒๕ ของเดือน")
        self.assertContains(response, reverse("letter_summary_pdf", args=[self.letter.pk]))
        self.assertNotContains(response, reverse("letter_edit", args=[self.letter.pk]))

    def test_it_links_an_agency_user_only_to_their_own_items(self):
        other = services.directive_create(
            letter=self.letter,
            number="2",
            text="ข้อของศึกษาธิการ",
            parties=services.parties_from(agencies=[self.agency_b]),
            by=self.secretariat,
        )
        self.login(self.user_a)
        response = self.client.get(f"/letters/{self.letter.pk}/")
        self.assertContains(response, f'href="/directives/{self.letter_directive.pk}/"')
        self.assertNotContains(response, f'href="/directives/{other.pk}/"')
        self.assertContains(response, "ข้อของศึกษาธิการ")

    def test_it_offers_the_secretariat_to_add_a_directive_and_edit(self):
        self.login(self.secretariat)
        response = self.client.get(f"/letters/{self.letter.pk}/")
        self.assertContains(response, reverse("letter_directive_create", args=[self.letter.pk]))
        self.assertContains(response, reverse("letter_edit", args=[self.letter.pk]))


class LetterListTests(SpreadMixin, LetterTestCase):
    def test_it_lists_letters_with_their_counts_for_every_role(self):
        for user in (self.secretariat, self.user_a, self.user_b, self.executive):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get("/letters/")
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, "มท ๐๘๑๐.๖/ว ๑๒๕๐๕")
                row = response.context["table"].page.object_list.data[0]
                self.assertEqual((row.directive_count, row.open_count), (1, 1))

    def test_it_filters_by_number_in_any_digits_and_by_buddhist_year(self):
        letter_create(number="ลป ๐๐๑๗.๒/ว ๑๒๓", date=datetime.date(2023, 1, 5), subject="อื่น", by=self.secretariat)
        self.login(self.secretariat)

        def numbers(params):
            response = self.client.get("/letters/", params)
            self.assertEqual(response.status_code, 200)
            return [row.number for row in response.context["table"].page.object_list.data]

        self.assertEqual(numbers({"q": "0810.6"}), ["มท ๐๘๑๐.๖/ว ๑๒๕๐๕"])
        self.assertEqual(numbers({"year": "๒๕๖๖"}), ["ลป ๐๐๑๗.๒/ว ๑๒๓"])
        self.assertEqual(len(numbers({"year": "abc", "date_from": "99/99/9999"})), 0)
        self.assertEqual(numbers({"year": "99999999999999999999"}), [])

    def test_it_does_not_grow_queries_with_letters(self):
        self.login(self.secretariat)
        self.client.get("/letters/")
        with self.assertNumQueries(6) as first:
            self.client.get("/letters/")
        for i in range(5):
            letter = letter_create(
                number=f"มท {i}/ว {i}", date=datetime.date(2024, 1, 1 + i), subject="ก", by=self.secretariat
            )
            services.directive_create(letter=letter, number="1", text="ข", by=self.secretariat)
        with self.assertNumQueries(len(first.captured_queries)):
            self.client.get("/letters/")


class LetterDirectiveFlowTests(LetterTestCase):
    def test_it_adds_a_directive_to_a_letter_through_the_directive_form(self):
        self.login(self.secretariat)
        url = f"/letters/{self.letter.pk}/directives/new/"
        page = self.client.get(url)
        self.assertContains(page, "หนังสือ ที่ มท ๐๘๑๐.๖/ว ๑๒๕๐๕")
        response = self.client.post(
            url,
            {
                "number": "๒",
                "text": "แจ้งสำนักงานส่งเสริมการปกครองท้องถิ่นอำเภอ",
                "parties": [f"g{self.group.pk}"],
                "due_date": "30/09/2568",
                "report_day": "25",
                "report_until": "30/09/2568",
            },
        )
        self.assertRedirects(response, f"/letters/{self.letter.pk}/", fetch_redirect_response=False)
        directive = self.letter.directives.get(number="2")
        self.assertIsNone(directive.meeting)
        self.assertEqual(directive.assignments.get().agency, self.district)
        self.assertEqual((directive.report_day, directive.due_date), (25, datetime.date(2025, 9, 30)))

    def test_it_comes_back_to_the_letters_form_to_add_the_next_item(self):
        self.login(self.secretariat)
        url = f"/letters/{self.letter.pk}/directives/new/"
        response = self.client.post(url, {"number": "2", "text": "ข้อถัดไป", "add_another": "1"})
        saved = self.letter.directives.get(number="2")
        self.assertRedirects(response, f"{url}?after={saved.pk}", fetch_redirect_response=False)
        # The next form proposes the number after the one just saved, in this letter.
        self.assertEqual(self.client.get(f"{url}?after={saved.pk}").context["form"].initial["number"], "3")

    def test_it_says_a_number_is_taken_in_this_letter_only(self):
        self.login(self.secretariat)
        response = self.client.post(f"/letters/{self.letter.pk}/directives/new/", {"number": "1", "text": "ซ้ำ"})
        self.assertEqual(response.context["form"].errors["number"], ["ลำดับ ๑ มีอยู่แล้วในหนังสือฉบับนี้"])
        self.assertContains(response, "ซ้ำ")
        # "1" of the meeting does not block "3" here, nor does the letter's "1" block the meeting.
        response = self.client.post(f"/meetings/{self.meeting.pk}/directives/new/", {"number": "3", "text": "ใหม่"})
        self.assertEqual(response.status_code, 302)

    def test_it_adds_a_sub_item_under_a_letter_directive(self):
        self.login(self.secretariat)
        url = f"/letters/{self.letter.pk}/directives/new/?parent={self.letter_directive.pk}"
        response = self.client.post(url, {"number": "1.1", "text": "ข้อย่อย"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(self.letter_directive.children.get().letter, self.letter)
        # A directive of a meeting is not a parent in a letter.
        self.assertEqual(
            self.client.get(f"/letters/{self.letter.pk}/directives/new/?parent={self.directive.pk}").status_code, 404
        )

    def test_it_edits_a_letter_directive_on_the_shared_page(self):
        self.login(self.secretariat)
        response = self.client.get(f"/directives/{self.letter_directive.pk}/edit/")
        self.assertContains(response, f'href="/letters/{self.letter.pk}/"')
        response = self.client.post(
            f"/directives/{self.letter_directive.pk}/edit/",
            {"number": "1", "text": "ข้อความใหม่", "parties": [f"a{self.agency_a.pk}"]},
        )
        self.assertRedirects(response, f"/directives/{self.letter_directive.pk}/", fetch_redirect_response=False)
        self.letter_directive.refresh_from_db()
        self.assertEqual(self.letter_directive.text, "ข้อความใหม่")

    def test_it_goes_through_the_inbox_the_report_and_the_review(self):
        self.login(self.user_a)
        inbox = self.client.get("/inbox/")
        self.assertContains(inbox, "หนังสือ ที่ มท ๐๘๑๐.๖/ว ๑๒๕๐๕")
        assignment = self.letter_directive.assignments.get(agency=self.agency_a)
        self.assertContains(inbox, f"/assignments/{assignment.pk}/")
        page = self.client.get(f"/assignments/{assignment.pk}/")
        self.assertContains(page, "การขับเคลื่อนการพัฒนาซอฟต์พาวเวอร์ในระดับพื้นที่")
        response = self.client.post(
            f"/assignments/{assignment.pk}/", {"status": "done", "percent": "๑๐๐", "text": "จัดประชุมแล้ว"}
        )
        self.assertEqual(response.status_code, 302)
        report = assignment.reports.get()
        self.login(self.secretariat)
        detail = self.client.get(f"/directives/{self.letter_directive.pk}/")
        self.assertContains(detail, f'href="/letters/{self.letter.pk}/"')
        # The crumbs the page writes out are those of the shared include.
        crumbs = render_to_string("includes/source_link.html", {"letter": self.letter})
        self.assertContains(detail, f'<p class="crumbs">{crumbs}</p>', html=False)
        self.assertContains(detail, "จัดประชุมแล้ว")
        response = self.client.post(f"/reports/{report.pk}/review/", {"decision": "accept", "comment": ""})
        self.assertEqual(response.status_code, 302)
        self.letter_directive.refresh_from_db()
        self.assertEqual(self.letter_directive.state, Status.DONE)
        self.assertContains(self.client.get(f"/agencies/{self.agency_a.pk}/"), "ที่มา")

    def test_it_hides_a_letter_directive_from_another_agency(self):
        self.login(self.user_b)
        self.assertEqual(self.client.get(f"/directives/{self.letter_directive.pk}/").status_code, 404)
        assignment = self.letter_directive.assignments.get()
        self.assertEqual(self.client.get(f"/assignments/{assignment.pk}/").status_code, 404)


class DirectiveListBySourceTests(LetterTestCase):
    def listed(self, params) -> list[Directive]:
        response = self.client.get("/directives/", params)
        self.assertEqual(response.status_code, 200)
        return list(response.context["table"].page.object_list.data)

    def test_it_filters_the_directive_list_by_source_and_by_letter(self):
        self.login(self.secretariat)
        self.assertEqual(self.listed({"source": "letter"}), [self.letter_directive])
        self.assertEqual(set(self.listed({"source": "meeting"})), {self.directive, self.directive_b})
        self.assertEqual(len(self.listed({})), 3)
        self.assertEqual(self.listed({"letter": self.letter.pk}), [self.letter_directive])
        page = self.client.get("/directives/", {"letter": self.letter.pk})
        self.assertContains(page, f'เฉพาะข้อสั่งการตาม<a href="/letters/{self.letter.pk}/">หนังสือ ที่ มท ๐๘๑๐.๖/ว ๑๒๕๐๕')
        self.assertEqual(self.listed({"letter_number": "๐๘๑๐.๖"}), [self.letter_directive])
        self.assertEqual(self.listed({"source": "nonsense", "letter": "x"}), [])

    def test_it_shows_the_letter_as_the_source_and_exports_it(self):
        self.login(self.secretariat)
        page = self.client.get("/directives/", {"source": "letter"})
        self.assertContains(page, f'href="/letters/{self.letter.pk}/"')
        self.assertContains(page, "หนังสือ ที่ มท ๐๘๑๐.๖/ว ๑๒๕๐๕")
        export = self.client.get("/directives/", {"source": "letter", "_export": "csv"})
        rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
        self.assertEqual(rows[0][0], "ที่มา")
        self.assertEqual(
            rows[1][0],
            "หนังสือ ที่ มท ๐๘๑๐.๖/ว ๑๒๕๐๕ ลงวันที่ 17/12/2567 เรื่อง การขับเคลื่อนการพัฒนาซอฟต์พาวเวอร์ในระดับพื้นที่",
        )

    def test_it_does_not_grow_queries_with_letter_rows(self):
        def add_letter(i: int) -> None:
            letter = letter_create(
                number=f"มท {i}/ว {i}", date=datetime.date(2024, 2, 1 + i), subject="ก", by=self.secretariat
            )
            parties = services.parties_from(agencies=[self.agency_b], groups=[self.group])
            services.directive_create(letter=letter, number="1", text="ข", parties=parties, by=self.secretariat)

        add_letter(0)
        self.login(self.secretariat)
        # One is the group items' roll-up, for the whole page at once; one the
        # parties with their agencies and groups.
        with self.assertNumQueries(10):
            self.client.get("/directives/")
        for i in range(1, 5):
            add_letter(i)
        with self.assertNumQueries(10):
            self.assertContains(self.client.get("/directives/"), "หนังสือ ที่ มท ๔/ว ๔")

    def test_it_lets_an_agency_user_filter_their_letter_items(self):
        self.login(self.user_a)
        self.assertEqual(self.listed({"source": "letter"}), [self.letter_directive])
        self.login(self.user_b)
        self.assertEqual(self.listed({"source": "letter"}), [])


class LetterDocumentTests(LetterTestCase):
    def test_it_lays_out_the_letter_summary_like_the_meeting_summary(self):
        capture = captured(documents.render_letter_summary, self.letter)
        html = capture.html
        self.assertIn("สรุปข้อสั่งการตามหนังสือ ที่ มท ๐๘๑๐.๖/ว ๑๒๕๐๕ ลงวันที่ ๑๗ ธันวาคม ๒๕๖๗", html)
        self.assertIn("เรื่อง การขับเคลื่อนการพัฒนาซอฟต์พาวเวอร์ในระดับพื้นที่", html)
        self.assertIn("<th>ลำดับ</th><th>ประเด็น</th><th>หน่วยงานรับผิดชอบ</th>", html)
        self.assertIn("กลุ่มงานอำนวยการ สำนักงานจังหวัดลำปาง", html)
        self.assertEqual([row.number for group in capture.context["groups"] for row in group.rows], ["๑"])

    @override_settings(OFFICE_LINE="ฝ่ายอำนวยการ โทร. ๐๕๔-๐๐๐๐๐๐")
    def test_it_prints_the_office_line_from_the_settings(self):
        self.assertIn("ฝ่ายอำนวยการ โทร. ๐๕๔-๐๐๐๐๐๐", captured(documents.render_letter_summary, self.letter).html)

    def test_it_gives_back_the_letter_number_and_a_directive_in_the_pdf_text_layer(self):
        name, pdf = documents.render_letter_summary(self.letter)
        self.assertEqual(name, f"letter-summary-{self.letter.pk}.pdf")
        texts = [pypdf_text(pdf)] + ([pdftotext(pdf)] if HAS_PDFTOTEXT else [])
        for text in texts:
            self.assertIn(squash("ที่ มท ๐๘๑๐.๖/ว ๑๒๕๐๕"), text)
            self.assertIn(squash(self.letter_directive.text), text)
            self.assertIn(squash("สำนักงานวัฒนธรรมจังหวัดลำปาง"), text)

    def test_it_prints_the_letter_followup_with_each_agencys_report(self):
        services.progress_report(
            assignment=self.letter_directive.assignments.get(),
            text="ประชุมซักซ้อมครบทุกอำเภอแล้ว",
            status="in_progress",
            by=self.user_a,
        )
        capture = captured(documents.render_letter_followup, self.letter, datetime.date(2030, 1, 1))
        self.assertIn("ผลการดำเนินงานตามหนังสือ ที่ มท ๐๘๑๐.๖/ว ๑๒๕๐๕", capture.html)
        self.assertIn("ประชุมซักซ้อมครบทุกอำเภอแล้ว", capture.html)

    def test_it_puts_letter_items_in_the_agency_report_under_the_letter(self):
        capture = captured(documents.render_agency_report, self.agency_a)
        self.assertIn("หนังสือ ที่ มท ๐๘๑๐.๖/ว ๑๒๕๐๕ ลงวันที่ ๑๗ ธันวาคม ๒๕๖๗ เรื่อง", capture.html)
        self.assertIn("จัดประชุมซักซ้อมแนวทางการดำเนินงาน", capture.html)
        self.assertIn("ขอให้รณรงค์แต่งกายชุดพื้นเมือง", capture.html)  # the meeting's item is still there


@override_settings(STORAGES=PLAIN_STATIC)
class LetterPdfViewTests(LetterTestCase):
    def test_it_serves_the_letter_pdfs_to_every_role(self):
        for user in (self.secretariat, self.user_a, self.user_b, self.executive):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(f"/letters/{self.letter.pk}/summary.pdf")
                self.assertEqual(response["Content-Type"], "application/pdf")
                self.assertTrue(response.content.startswith(b"%PDF-"))

    def test_it_rejects_a_bad_as_of_in_thai(self):
        self.login(self.secretariat)
        response = self.client.get(f"/letters/{self.letter.pk}/followup.pdf", {"as_of": "เมื่อวาน"})
        self.assertEqual(response.status_code, 400)
        self.assertIn("วันที่ข้อมูล (as_of) ไม่ถูกต้อง", response.content.decode())


class HostileLetterTests(LetterTestCase):
    """What a user typed into a letter prints literally: escaped on the page, and the
    PDF renderer fetches nothing it names."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.hostile = letter_create(
            number=f"มท {HOSTILE_IMG}",
            date=datetime.date(2025, 1, 6),
            subject=f"เรื่อง {HOSTILE}",
            sender=f"จาก {HOSTILE_LINK}",
            reference=f"อ้างถึง {HOSTILE_CSS}",
            body=f"เนื้อความ {HOSTILE}",
            by=cls.secretariat,
        )
        services.directive_create(letter=cls.hostile, number="1", text=f"ข้อสั่งการ {HOSTILE}", by=cls.secretariat)

    def test_it_escapes_the_letter_pages(self):
        self.login(self.secretariat)
        for url in (f"/letters/{self.hostile.pk}/", "/letters/", "/directives/?source=letter"):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertNotContains(response, HOSTILE_IMG)
                self.assertContains(response, "&lt;img")

    def test_it_prints_the_letter_summary_literally_and_fetches_only_fonts(self):
        spy, data = render_with_spy(documents.render_letter_summary, self.hostile)
        for url in spy.requested:
            self.assertTrue(url.startswith(pdf.base_url() + "fonts/"), url)
        self.assertIn(squash(HOSTILE_IMG), pypdf_text(data))
