"""The open-data pages (/public/): no login, published directives only, no private field."""

from __future__ import annotations

import csv
import datetime
import io
import json

from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directives import services
from directives.models import Directive, Status, today
from meetings.models import Meeting
from meetings.services import letter_create, meeting_create, source_publish
from tests.base import SpreadMixin, TrackerTestCase

PUBLIC_URLS = (
    "/public/",
    "/public/dictionary/",
    "/public/directives.csv",
    "/public/directives.json",
    "/public/metadata.json",
)
MARKER = "ลับเฉพาะXYZZY"


class PublicPageTests(TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Published: the base meeting (๑๐/๒๕๖๐) with directive ๒ (agency A reported) and ๑ (agency B, late).
        source_publish(source=cls.meeting, published=True, by=cls.secretariat)
        cls.meeting.refresh_from_db()
        # Not published: another meeting, and a letter.
        cls.hidden_meeting = meeting_create(
            by=cls.secretariat, series=cls.series, number=11, year_be=2560, date=datetime.date(2017, 12, 27)
        )
        cls.hidden = services.directive_create(
            meeting=cls.hidden_meeting,
            number="1",
            text="ข้อสั่งการที่ยังไม่เผยแพร่",
            parties=services.parties_from(agencies=[cls.agency_a]),
            by=cls.secretariat,
        )
        cls.letter = letter_create(
            number="มท ๐๘๑๐.๖/ว ๑๒๕๐๕", date=datetime.date(2024, 12, 7), subject="ซอฟต์พาวเวอร์", by=cls.secretariat
        )

    def get(self, url: str):
        self.login(None)
        return self.client.get(url)

    def body(self, url: str) -> str:
        return self.get(url).content.decode("utf-8-sig")

    def test_it_answers_every_public_url_without_login_and_lets_caches_keep_it(self):
        for url in PUBLIC_URLS:
            with self.subTest(url=url):
                response = self.get(url)
                self.assertEqual(response.status_code, 200)
                self.assertIn("public", response["Cache-Control"])
                self.assertIn("max-age=300", response["Cache-Control"])
                self.assertEqual(self.client.post(url).status_code, 405)

    def test_it_lists_published_directives_with_status_and_progress(self):
        html = self.body("/public/")
        self.assertIn(self.directive.text, html)
        self.assertIn(self.directive_b.text, html)
        self.assertIn("อยู่ระหว่างดำเนินการ", html)
        self.assertIn("เกินกำหนด", html)  # directive ๑ is 3 days late
        self.assertIn("รายงานแล้ว ๑/๑ หน่วยงาน", html)  # agency A reported on ๒
        self.assertIn("รายงานแล้ว ๐/๑ หน่วยงาน", html)
        self.assertNotIn(self.hidden.text, html)

    def test_it_offers_the_same_rows_as_csv_and_json(self):
        rows = list(csv.DictReader(io.StringIO(self.body("/public/directives.csv"))))
        records = json.loads(self.body("/public/directives.json"))["records"]
        self.assertEqual({row["text"] for row in rows}, {self.directive.text, self.directive_b.text})
        self.assertEqual({r["text"] for r in records}, {self.directive.text, self.directive_b.text})
        done = {r["number"]: r for r in records}
        self.assertEqual(
            (done["2"]["agencies_total"], done["2"]["agencies_reported"], done["2"]["status"]), (1, 1, "in_progress")
        )
        self.assertTrue(done["1"]["overdue"])
        self.assertTrue(self.get("/public/directives.csv").content.startswith(b"\xef\xbb\xbf"))

    def test_it_describes_every_column_in_the_data_dictionary(self):
        html = self.body("/public/dictionary/")
        header = next(csv.reader(io.StringIO(self.body("/public/directives.csv"))))
        for column in header:
            self.assertIn(f"<code>{column}</code>", html)
        fields = [f["id"] for f in json.loads(self.body("/public/directives.json"))["fields"]]
        self.assertEqual(fields, header)

    def test_it_describes_the_dataset_as_ckan_package_show_does(self):
        body = json.loads(self.body("/public/metadata.json"))
        self.assertTrue(body["success"])
        result = body["result"]
        for key in ("name", "title", "notes", "license_id", "organization", "metadata_modified", "resources"):
            self.assertIn(key, result)
        self.assertEqual(
            [(r["format"], r["url"]) for r in result["resources"]],
            [
                ("CSV", "http://testserver/public/directives.csv"),
                ("JSON", "http://testserver/public/directives.json"),
                ("HTML", "http://testserver/public/dictionary/"),
            ],
        )
        self.assertEqual(result["organization"]["title"], "สำนักงานจังหวัดลำปาง")
        datetime.datetime.fromisoformat(result["metadata_modified"])

    def test_it_drops_a_source_when_it_is_unpublished_or_archived(self):
        source_publish(source=self.meeting, published=False, by=self.secretariat)
        self.assertNotIn(self.directive.text, self.body("/public/"))
        source_publish(source=self.meeting, published=True, by=self.secretariat)
        Meeting.objects.filter(pk=self.meeting.pk).update(is_archived=True)
        self.assertEqual(Directive.objects.published().count(), 0)
        self.assertNotIn(self.directive.text, self.body("/public/directives.csv"))

    def test_it_never_shows_a_heading_only_row(self):
        heading = services.directive_create(meeting=self.meeting, number="7", heading="ประเด็นอื่น ๆ", by=self.secretariat)
        records = json.loads(self.body("/public/directives.json"))["records"]
        self.assertNotIn(heading.pk, [r["id"] for r in records])

    def test_it_keeps_a_formula_in_the_csv_as_text(self):
        services.directive_create(
            meeting=self.meeting,
            number="8",
            text='=HYPERLINK("http://example.com")',
            parties=services.parties_from(agencies=[self.agency_a]),
            by=self.secretariat,
        )
        self.assertIn("'=HYPERLINK", self.body("/public/directives.csv"))

    def test_it_answers_a_bad_page_number_with_a_page(self):
        for page in ("abc", "-1", "99999999999999999999", "๒"):
            with self.subTest(page=page):
                self.assertEqual(self.get(f"/public/?page={page}").status_code, 200)


class PrivateFieldsNeverPublicTests(TrackerTestCase):
    """A marker string in every private field; none of it may reach a public page or file."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for user in User.objects.all():
            user.first_name, user.last_name = f"ชื่อ{MARKER}", f"สกุล{MARKER}"
            user.email = f"{user.username}.{MARKER}@example.go.th"
            user.save()
        cls.agency_a.head_name = f"หัวหน้า{MARKER}"
        cls.agency_a.save()
        cls.meeting.chair = f"ประธาน{MARKER}"
        cls.meeting.save()
        source_publish(source=cls.meeting, published=True, by=cls.secretariat)
        letter = letter_create(
            number="มท ๐๑/ว ๑",
            date=datetime.date(2024, 12, 7),
            subject="เรื่องทดสอบ",
            signer=f"ผู้ลงนาม{MARKER}",
            body=f"เนื้อความ{MARKER}",
            by=cls.secretariat,
        )
        services.directive_create(
            letter=letter,
            number="1",
            text="ข้อสั่งการตามหนังสือ",
            parties=services.parties_from(agencies=[cls.agency_b]),
            by=cls.secretariat,
        )
        source_publish(source=letter, published=True, by=cls.secretariat)
        hidden_meeting = meeting_create(
            by=cls.secretariat, series=cls.series, number=12, year_be=2560, date=datetime.date(2018, 1, 31)
        )
        services.directive_create(
            meeting=hidden_meeting,
            number="1",
            heading=f"หัวข้อ{MARKER}",
            text=f"ข้อสั่งการ{MARKER}",
            parties=services.parties_from(free_text=[f"หน่วยงาน{MARKER}"]),
            by=cls.secretariat,
        )
        # Report text, review comment, extension reason and close note of published directives.
        report = services.progress_report(
            assignment=cls.assignment_b,
            text=f"รายงาน{MARKER}",
            status=Status.EXTENSION,
            requested_due_date=today() + datetime.timedelta(days=30),
            by=cls.user_b,
        )
        services.report_review(report=report, accept=False, comment=f"ความเห็น{MARKER}", by=cls.secretariat)
        services.directive_close(directive=cls.directive, note=f"เหตุผล{MARKER}", by=cls.secretariat)

    def test_it_never_puts_a_private_field_on_a_public_page_or_file(self):
        self.login(None)
        self.assertEqual(Directive.objects.published().count(), 3)
        for url in PUBLIC_URLS + ("/public/?page=2",):
            with self.subTest(url=url):
                response = self.client.get(url)
                self.assertEqual(response.status_code, 200)
                body = response.content.decode("utf-8-sig")
                self.assertNotIn(MARKER, body)
                self.assertNotIn("XYZZY", json.dumps(body, ensure_ascii=False))
        # …while the published directives themselves are there.
        body = self.client.get("/public/directives.json").content.decode()
        self.assertIn(self.directive.text, body)
        self.assertIn("ข้อสั่งการตามหนังสือ", body)


class PublishTests(TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.letter = letter_create(
            number="มท ๐๘๑๐.๖/ว ๑๒๕๐๕", date=datetime.date(2024, 12, 7), subject="ซอฟต์พาวเวอร์", by=cls.secretariat
        )

    def test_the_secretariat_publishes_and_unpublishes_a_meeting(self):
        self.login(self.secretariat)
        url = f"/meetings/{self.meeting.pk}/publish/"
        response = self.client.post(url, {"published": "1"})
        self.assertRedirects(response, f"/meetings/{self.meeting.pk}/", fetch_redirect_response=False)
        self.meeting.refresh_from_db()
        self.assertTrue(self.meeting.is_published)
        self.assertIsNotNone(self.meeting.published_at)
        self.assertEqual(self.meeting.history.first().history_user, self.secretariat)
        page = self.client.get(f"/meetings/{self.meeting.pk}/").content.decode()
        self.assertIn("ยกเลิกการเผยแพร่", page)
        self.client.post(url, {"published": "0"})
        self.meeting.refresh_from_db()
        self.assertFalse(self.meeting.is_published)

    def test_the_secretariat_publishes_a_letter(self):
        self.login(self.secretariat)
        self.client.post(f"/letters/{self.letter.pk}/publish/", {"published": "1"})
        self.letter.refresh_from_db()
        self.assertTrue(self.letter.is_published)

    def test_no_one_else_may_publish(self):
        url = f"/meetings/{self.meeting.pk}/publish/"
        for user in (self.user_a, self.executive):
            self.login(user)
            self.assertEqual(self.client.post(url, {"published": "1"}).status_code, 403)
        self.login(None)
        self.assertLoginRedirect(self.client.post(url, {"published": "1"}), url)
        self.login(self.secretariat)
        self.assertEqual(self.client.get(url).status_code, 405)
        self.assertEqual(self.client.post("/meetings/999999/publish/", {"published": "1"}).status_code, 404)
        self.meeting.refresh_from_db()
        self.assertFalse(self.meeting.is_published)


class PublicQueryCountTests(SpreadMixin, TrackerTestCase):
    def test_it_makes_the_same_number_of_queries_for_few_and_many_rows(self):
        source_publish(source=self.meeting, published=True, by=self.secretariat)
        self.login(None)
        agencies = self.spread_agencies(5)
        self.spread_rows(agencies=agencies, directives=3, by=self.secretariat, meeting=self.meeting, group=self.group)
        for url in ("/public/", "/public/directives.json"):
            with self.subTest(url=url):
                self.client.get(url)
                with CaptureQueriesContext(connection) as few:
                    self.client.get(url)
                more = self.spread_agencies(8, prefix=f"หน่วยงานเพิ่ม {url}")
                self.spread_rows(
                    agencies=more, directives=20, by=self.secretariat, meeting=self.meeting, group=self.group
                )
                with self.assertNumQueries(len(few.captured_queries)):
                    self.client.get(url)
