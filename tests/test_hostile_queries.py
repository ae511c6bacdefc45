"""Hostile query strings on every page: no value a user (or a probe) puts in a URL
ever gives a 500. Each page is hit with each of its own parameters set to each
hostile value, and once with every parameter set at once."""

from __future__ import annotations

from lampang_tracker.thai import thai_digits
from minutes import services as minutes_services
from minutes.models import Section
from tests.base import TrackerTestCase
from tests.test_hostile_forms import ENGLISH_SENTENCE, THAI, messages_in

HOSTILE = [
    "²",  # "²".isdigit() is True, int("²") fails
    "١",  # an Arabic-Indic digit: int() reads it, the database must not choke
    "-1",
    "0",
    "1.5",
    "99999999999999999999",
    "-99999999999999999999",
    "\x00",
    "%00",
    "'",
    "' OR 1=1 --",
    "abc",
    "๑",
    "1e400",
    "x" * 5000,
    "",
]

# Parameters every page is tried with, whether it reads them or not.
COMMON = ["page", "per_page", "sort"]


class HostileQueryTests(TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.minutes = minutes_services.minutes_start(meeting=cls.meeting, by=cls.secretariat)
        cls.section = cls.minutes.sections.get(number=Section.FOR_INFORMATION)
        cls.item = minutes_services.item_create(section=cls.section, title="เรื่องทดสอบ", by=cls.secretariat)

    def pages(self) -> dict[str, list[str]]:
        m, d, a = self.meeting.pk, self.directive.pk, self.assignment_a.pk
        list_filters = [
            "q",
            "series",
            "year",
            "meeting_number",
            "meeting",
            "agency",
            "status",
            "overdue",
            "due_from",
            "due_to",
            "_export",
        ]
        return {
            "/": [],
            "/directives/": list_filters,
            f"/directives/{d}/": [],
            f"/directives/{d}/edit/": [],
            f"/meetings/{m}/directives/new/": ["parent"],
            "/meetings/": ["series"],
            "/meetings/new/": [],
            f"/meetings/{m}/": [],
            f"/meetings/{m}/edit/": [],
            f"/assignments/{a}/": [],
            f"/reports/{self.report_a.pk}/review/": ["decision"],
            "/agencies/": [],
            f"/agencies/{self.agency_a.pk}/": [],
            f"/meetings/{m}/minutes/": [],
            f"/meetings/{m}/minutes/edit/": [],
            f"/meetings/{m}/minutes/letter/": [],
            f"/meetings/{m}/minutes/attendees/": [],
            f"/meetings/{m}/minutes/sections/{Section.FOR_INFORMATION}/": [],
            f"/meetings/{m}/minutes/sections/{Section.FOR_INFORMATION}/items/new/": ["parent"],
            f"/minutes/items/{self.item.pk}/edit/": [],
            f"/minutes/items/{self.item.pk}/directive/": [],
        }

    def assertNoServerError(self, url: str, params: dict) -> None:
        response = self.client.get(url, params)
        shown = {key: (value[:20] + "…" if len(value) > 20 else value) for key, value in params.items()}
        self.assertLess(response.status_code, 500, f"{url} {shown}")

    def probe(self, pages: dict[str, list[str]]) -> None:
        for url, names in pages.items():
            for value in HOSTILE:
                with self.subTest(url=url, value=value[:20]):
                    for name in [*names, *COMMON]:
                        self.assertNoServerError(url, {name: value})
                    self.assertNoServerError(url, dict.fromkeys([*names, *COMMON], value))

    def test_it_never_answers_500_to_the_secretariat(self):
        self.login(self.secretariat)
        self.probe(self.pages())

    def test_it_never_answers_500_to_an_agency_user(self):
        self.login(self.user_a)
        self.probe(
            {
                "/": [],
                "/inbox/": [],
                "/directives/": ["q", "series", "year", "meeting", "status", "overdue", "due_from", "_export"],
                f"/assignments/{self.assignment_a.pk}/": [],
                f"/assignments/{self.assignment_a.pk}/extension/": [],
                f"/meetings/{self.meeting.pk}/minutes/": [],
            }
        )

    def test_it_never_answers_500_on_the_printed_documents(self):
        self.login(self.secretariat)
        m = self.meeting.pk
        for url, name in [(f"/meetings/{m}/followup.pdf", "as_of"), (f"/meetings/{m}/minutes.pdf", "letter")]:
            for value in ["²", "-1", "99999999999999999999", "\x00", "'", "31/02/2560", "x" * 5000, "0001-01-01"]:
                with self.subTest(url=url, value=value[:20]):
                    self.assertNoServerError(url, {name: value})

    def test_it_explains_a_refused_list_filter_in_thai(self):
        self.login(self.secretariat)
        names = ["q", "series", "year", "meeting_number", "meeting", "agency", "status", "overdue", "due_from"]
        shown = 0
        for name in names:
            for value in ("²", "\x00", "x" * 5000, "'", "99999999999999999999"):
                with self.subTest(name=name, value=value[:20]):
                    response = self.client.get("/directives/", {name: value})
                    self.assertEqual(response.status_code, 200)
                    for message in messages_in(response.content.decode()):
                        shown += 1
                        self.assertRegex(message, THAI)
                        self.assertNotRegex(message, ENGLISH_SENTENCE)
        self.assertGreater(shown, len(names))  # refused values are explained, not silently dropped

    def test_it_answers_a_parent_that_is_not_a_number_with_404(self):
        self.login(self.secretariat)
        m = self.meeting.pk
        for url in (
            f"/meetings/{m}/directives/new/",
            f"/meetings/{m}/minutes/sections/{Section.FOR_INFORMATION}/items/new/",
        ):
            for value in ("²", "-1", "99999999999999999999", "abc", "1e3"):
                with self.subTest(url=url, value=value):
                    self.assertEqual(self.client.get(url, {"parent": value}).status_code, 404)

    def test_it_reads_a_parent_given_in_thai_digits_like_any_other_number(self):
        self.login(self.secretariat)
        child = f"/meetings/{self.meeting.pk}/directives/new/"
        response = self.client.get(child, {"parent": thai_digits(self.directive.pk)})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["parent"], self.directive)

    def test_it_lists_meetings_of_a_series_and_ignores_a_series_that_is_not_a_number(self):
        self.login(self.secretariat)
        response = self.client.get("/meetings/", {"series": self.series.pk})
        self.assertEqual(list(response.context["page"]), [self.meeting])
        for value in ("²", "abc", "99999999999999999999"):
            with self.subTest(value=value):
                response = self.client.get("/meetings/", {"series": value})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(list(response.context["page"]), [])

    def test_it_keeps_the_directive_list_page_size_within_bounds(self):
        self.login(self.secretariat)
        for value, expected in (("-1", 25), ("0", 25), ("abc", 25), ("99999999999999999999", 100), ("10", 10)):
            with self.subTest(per_page=value):
                response = self.client.get("/directives/", {"per_page": value})
                self.assertEqual(response.status_code, 200)
                self.assertEqual(response.context["table"].paginator.per_page, expected)

    def test_it_shows_the_last_page_for_a_page_number_past_the_end(self):
        self.login(self.secretariat)
        response = self.client.get("/directives/", {"page": "99999999999999999999"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["table"].page.number, 1)
