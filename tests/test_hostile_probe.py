"""What a hostile-input probe found beyond the deployment issue, each kept fixed:
a meeting of 150 heads saves its attendance table, pasted lines are capped, page
sizes are bounded, refused notes are kept, bidi controls and towers of marks are
dropped, and nothing private is cached or shown inline."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from directives import services
from directives.models import Directive, Status, today
from lampang_tracker import limits, thai
from lampang_tracker.query import BoundedPaginator
from meetings.services import meeting_create
from minutes import services as minutes_services
from minutes.models import Attendee, Minutes
from tests.base import TempMediaMixin, TrackerTestCase, png_bytes
from tests.test_permissions import form_values

RLO = "\u202e"
TONE = "\u0e48"  # ไม้เอก


class AttendanceTableTests(TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.minutes = minutes_services.minutes_start(meeting=cls.meeting, by=cls.secretariat)
        lines = "\n".join(f"นายหัวหน้า ที่{i}\tหัวหน้าส่วนราชการที่ {i}" for i in range(150))
        minutes_services.attendees_add_lines(minutes=cls.minutes, text=lines, kind="present", by=cls.secretariat)

    def test_it_saves_the_attendance_table_of_a_meeting_of_150_heads(self):
        self.login(self.secretariat)
        url = f"/meetings/{self.meeting.pk}/minutes/attendees/"
        formset = self.client.get(url).context["formset"]
        data = form_values(formset.management_form)
        for row in formset.forms:
            data.update(form_values(row))
        self.assertGreater(len(data), 1000)  # Django's default limit of fields in one request
        last = formset.forms[-1]
        data[last.add_prefix("position")] = "ปลัดจังหวัดลำปาง"
        response = self.client.post(url, data)
        self.assertRedirects(response, url, fetch_redirect_response=False)
        self.assertEqual(Attendee.objects.get(pk=last.instance.pk).position, "ปลัดจังหวัดลำปาง")
        self.assertEqual(self.minutes.attendees.count(), 150)

    def test_it_answers_a_row_id_too_big_for_the_database_with_the_table(self):
        self.login(self.secretariat)
        url = f"/meetings/{self.meeting.pk}/minutes/attendees/"
        formset = self.client.get(url).context["formset"]
        data = form_values(formset.management_form)
        for row in formset.forms:
            data.update(form_values(row))
        data[formset.forms[0].add_prefix("id")] = "99999999999999999999"
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.minutes.attendees.count(), 150)


class PastedLinesTests(TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.minutes = minutes_services.minutes_start(meeting=cls.meeting, by=cls.secretariat)

    def test_it_caps_pasted_attendees_with_a_thai_message_and_keeps_the_paste(self):
        self.login(self.secretariat)
        lines = "\n".join(f"นายทดสอบ {i}" for i in range(limits.ATTENDEE_LINE_COUNT + 1))
        response = self.client.post(
            f"/meetings/{self.meeting.pk}/minutes/attendees/add/",
            {"action": "lines", "kind": "present", "lines": lines},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.minutes.attendees.count(), 0)
        form = response.context["lines_form"]
        self.assertEqual(form.errors["lines"], [limits.too_many_lines(301, 300)])
        self.assertIn("วางได้ครั้งละไม่เกิน ๓๐๐ บรรทัด (ที่วางมามี ๓๐๑ บรรทัด)", response.content.decode())
        self.assertContains(response, "นายทดสอบ 300")  # the paste is shown back to split

    def test_it_takes_300_pasted_attendees(self):
        self.login(self.secretariat)
        lines = "\n".join(f"นายทดสอบ {i}" for i in range(limits.ATTENDEE_LINE_COUNT))
        self.client.post(
            f"/meetings/{self.meeting.pk}/minutes/attendees/add/",
            {"action": "lines", "kind": "present", "lines": lines},
        )
        self.assertEqual(self.minutes.attendees.count(), 300)

    def test_it_caps_attendees_added_by_a_script(self):
        lines = "\n".join(f"นายทดสอบ {i}" for i in range(400))
        with self.assertRaisesMessage(minutes_services.DomainError, "ไม่เกิน ๓๐๐ บรรทัด"):
            minutes_services.attendees_add_lines(minutes=self.minutes, text=lines, kind="present", by=self.secretariat)

    def test_it_caps_the_typed_responsible_parties(self):
        self.login(self.secretariat)
        free = "\n".join(f"หน่วยงาน {i}" for i in range(limits.PARTY_LINE_COUNT + 1))
        response = self.client.post(
            f"/meetings/{self.meeting.pk}/directives/new/", {"number": "5", "text": "ข้อสั่งการ", "free_parties": free}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["free_parties"], [limits.too_many_lines(51, 50)])
        self.assertFalse(Directive.objects.filter(number="5").exists())
        with self.assertRaisesMessage(services.DomainError, "ไม่เกิน ๕๐ บรรทัด"):
            services.directive_create(
                meeting=self.meeting,
                number="6",
                text="ข้อสั่งการ",
                parties=services.parties_from(free_text=free.splitlines()),
                by=self.secretariat,
            )

    def test_it_caps_the_parties_cell_of_the_bulk_table(self):
        self.login(self.secretariat)
        url = f"/meetings/{self.meeting.pk}/directives/bulk/"
        formset = self.client.get(url).context["formset"]
        data = form_values(formset.management_form)
        for row in formset.forms:
            data.update(form_values(row))
        data["form-0-text"] = "ข้อสั่งการ"
        data["form-0-parties"] = "\n".join(f"หน่วยงาน {i}" for i in range(limits.PARTY_LINE_COUNT + 1))
        response = self.client.post(url, data)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["formset"].forms[0].errors["parties"], [limits.too_many_lines(51, 50)])


class PageSizeTests(TrackerTestCase):
    def test_it_bounds_per_page(self):
        self.login(self.secretariat)
        response = self.client.get("/directives/", {"per_page": "1000000"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["table"].paginator.per_page, BoundedPaginator.MAX_PER_PAGE)
        self.assertLess(BoundedPaginator.MAX_PER_PAGE, 1000)


class RefusedNotesTests(TrackerTestCase):
    def test_it_keeps_a_refused_close_note(self):
        self.login(self.secretariat)
        note = "ปิด" * (limits.NOTE // 3 + 1)
        response = self.client.post(f"/directives/{self.directive.pk}/close/", {"note": note})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, note, status_code=400)
        self.assertContains(response, "ข้อความยาวได้ไม่เกิน ๕,๐๐๐ ตัวอักษร", status_code=400)
        self.directive.refresh_from_db()
        self.assertFalse(self.directive.is_closed)

    def test_it_keeps_a_refused_certification_note(self):
        minutes_services.minutes_circulate(
            minutes=minutes_services.minutes_start(meeting=self.meeting, by=self.secretariat),
            deadline=today() + datetime.timedelta(days=7),
            by=self.secretariat,
        )
        later = meeting_create(
            by=self.secretariat, series=self.series, number=11, year_be=2560, date=datetime.date(2017, 12, 27)
        )
        minutes_services.minutes_start(meeting=later, by=self.secretariat)
        self.login(self.secretariat)
        note = "รับรองโดยมีการแก้ไขถ้อยคำ" * 20
        response = self.client.post(f"/meetings/{later.pk}/minutes/certify-previous/", {"note": note})
        self.assertEqual(response.status_code, 400)
        self.assertContains(response, note, status_code=400)
        self.assertEqual(Minutes.objects.get(meeting=self.meeting).state, "circulating")


class TidyTextTests(TempMediaMixin, TrackerTestCase):
    def test_it_drops_bidi_controls_from_what_is_typed(self):
        self.login(self.secretariat)
        self.client.post(
            f"/meetings/{self.meeting.pk}/directives/new/",
            {"number": "5", "heading": f"รายงาน{RLO}fdp.exe", "text": "ข้อความ\u2066ทดสอบ\u2069"},
        )
        directive = Directive.objects.get(meeting=self.meeting, number="5")
        self.assertEqual((directive.heading, directive.text), ("รายงานfdp.exe", "ข้อความทดสอบ"))

    def test_it_drops_bidi_controls_from_file_names(self):
        self.login(self.user_a)
        upload = SimpleUploadedFile(f"รายงาน{RLO}gnp.exe.png", png_bytes(), content_type="image/png")
        self.client.post(
            f"/assignments/{self.assignment_a.pk}/",
            {"status": Status.IN_PROGRESS, "text": "แนบภาพ", "files": [upload]},
        )
        attachment = self.assignment_a.reports.latest("pk").attachments.get()
        self.assertEqual(attachment.original_name, "รายงานgnp.exe.png")
        response = self.client.get(f"/attachments/{attachment.pk}/")
        self.assertNotIn("%E2%80%AE", response["Content-Disposition"])  # RLO, percent-encoded
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        b"".join(response.streaming_content)

    def test_it_keeps_at_most_three_marks_on_a_character(self):
        self.login(self.secretariat)
        self.client.post(
            f"/meetings/{self.meeting.pk}/directives/new/",
            {"number": "5", "heading": "ก" + TONE * 50, "text": "น้ำที่ปั้น ก๊ก"},
        )
        directive = Directive.objects.get(meeting=self.meeting, number="5")
        self.assertEqual(directive.heading, "ก" + TONE * 3)
        self.assertEqual(directive.text, "น้ำที่ปั้น ก๊ก")  # real Thai is untouched
        self.assertEqual(thai.limit_marks("ก\u0e38\u0e34\u0e48\u0e49"), "ก\u0e38\u0e34\u0e48")


class PrivateCachingTests(TempMediaMixin, TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        report = services.progress_report(
            assignment=cls.assignment_a,
            text="ภาพ",
            status=Status.IN_PROGRESS,
            files=[SimpleUploadedFile("ภาพ.png", png_bytes(), content_type="image/png")],
            by=cls.user_a,
        )
        cls.attachment = report.attachments.get()

    def test_it_keeps_private_answers_out_of_every_cache(self):
        self.login(self.user_a)
        for url in (
            "/",
            f"/directives/{self.directive.pk}/",
            "/directives/?_export=csv",
            f"/meetings/{self.meeting.pk}/summary.pdf",
            f"/agencies/{self.agency_a.pk}/report.pdf",
            f"/attachments/{self.attachment.pk}/",
        ):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response["Cache-Control"], "private, no-store")
                if response.streaming:
                    b"".join(response.streaming_content)

    def test_it_leaves_a_response_that_chose_its_caching_alone(self):
        self.login(self.user_a)
        self.assertIn("no-cache", self.client.get("/healthz")["Cache-Control"])

    def test_it_serves_a_users_image_as_a_sandboxed_download(self):
        self.login(self.user_a)
        response = self.client.get(f"/attachments/{self.attachment.pk}/")
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertIn("sandbox", response["Content-Security-Policy"])
        b"".join(response.streaming_content)
