"""Nothing a user typed is ever executed as HTML: every page shows it escaped."""

from __future__ import annotations

from directives import services
from directives.models import Status
from tests.base import TrackerTestCase

SCRIPT = "<script>alert('xss')</script>"
IMG = "<img src=x onerror=alert(1)>"
RAW = ("<script>alert", "<img src=x", "onerror=alert(1)>")


class EscapingTests(TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.evil = services.directive_create(
            meeting=cls.meeting,
            number="9",
            heading=f"หัวข้อ {IMG}",
            text=f"ขอให้ตรวจสอบ {SCRIPT} และ {IMG} ด้วย",
            parties=services.parties_from(agencies=[cls.agency_a], free_text=[f"หน่วยงาน {SCRIPT}"]),
            by=cls.secretariat,
        )
        cls.evil_assignment = cls.evil.assignments.get()
        cls.evil_report = services.progress_report(
            assignment=cls.evil_assignment,
            text=f"รายงาน {IMG} {SCRIPT}",
            status=Status.IN_PROGRESS,
            by=cls.user_a,
        )

    def assertEscaped(self, response):
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        for raw in RAW:
            self.assertNotIn(raw, content)
        self.assertIn("&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;", content)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", content)

    def test_it_escapes_the_directive_list(self):
        self.login(self.secretariat)
        self.assertEscaped(self.client.get("/directives/"))

    def test_it_escapes_the_directive_page(self):
        self.login(self.secretariat)
        self.assertEscaped(self.client.get(f"/directives/{self.evil.pk}/"))

    def test_it_escapes_the_meeting_page(self):
        self.login(self.user_b)
        self.assertEscaped(self.client.get(f"/meetings/{self.meeting.pk}/"))

    def test_it_escapes_the_inbox(self):
        self.login(self.user_a)
        response = self.client.get("/inbox/")
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        for raw in RAW:
            self.assertNotIn(raw, content)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", content)
        self.assertIn("&lt;script&gt;", content)

    def test_it_escapes_the_assignment_page_and_its_reports(self):
        self.login(self.user_a)
        self.assertEscaped(self.client.get(f"/assignments/{self.evil_assignment.pk}/"))

    def test_it_escapes_the_review_page(self):
        self.login(self.secretariat)
        self.assertEscaped(self.client.get(f"/reports/{self.evil_report.pk}/review/"))

    def test_it_escapes_the_agency_page(self):
        self.login(self.user_a)
        response = self.client.get(f"/agencies/{self.agency_a.pk}/")
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        for raw in RAW:
            self.assertNotIn(raw, content)
        self.assertIn("&lt;img src=x onerror=alert(1)&gt;", content)

    def test_it_escapes_what_was_typed_back_into_a_form(self):
        self.login(self.secretariat)
        data = {"number": "2", "heading": IMG, "text": SCRIPT, "free_parties": SCRIPT, "parties": []}
        response = self.client.post(f"/meetings/{self.meeting.pk}/directives/new/", data)
        self.assertEqual(response.status_code, 200)  # refused: ลำดับ ๒ is taken
        content = response.content.decode()
        self.assertNotIn("<script>alert", content)
        self.assertNotIn("<img src=x", content)
        # What was typed is shown back (escaped), not dropped: the heading's value and
        # the text and the other parties in their boxes.
        self.assertIn('value="&lt;img src=x onerror=alert(1)&gt;"', content)
        self.assertEqual(content.count("&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;"), 2)

    def test_it_escapes_a_search_term_shown_back(self):
        self.login(self.secretariat)
        response = self.client.get("/directives/", {"q": '"><script>alert(2)</script>'})
        self.assertEqual(response.status_code, 200)
        content = response.content.decode()
        self.assertNotIn("<script>alert(2)", content)
        self.assertIn('value="&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt;"', content)
