"""Every number on every role's home page opens a list whose total is that number."""

from __future__ import annotations

import datetime
from html.parser import HTMLParser

from directives import services
from directives.models import Directive, ProgressReport, Status, today
from tests.base import SpreadMixin, TrackerTestCase


class CountLinks(HTMLParser):
    """(href, number) of every link that carries a count (``data-count``)."""

    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, int]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and "data-count" in attrs:
            self.links.append((attrs["href"], int(attrs["data-count"])))


def count_links(response) -> list[tuple[str, int]]:
    parser = CountLinks()
    parser.feed(response.content.decode())
    return parser.links


class HomeCountsTests(SpreadMixin, TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.many = cls.spread_agencies(5)
        cls.spread_rows(agencies=cls.many, directives=9, by=cls.secretariat, group=cls.group, always=cls.agency_a)
        # ๗ ประเด็นอื่น ๆ: a heading over an overdue sub-item; the heading itself never counts.
        cls.heading = services.directive_create(
            meeting=cls.meeting, number="7", heading="ประเด็นอื่น ๆ", by=cls.secretariat
        )
        cls.sub_item = services.directive_create(
            meeting=cls.meeting,
            number="7.1",
            parent=cls.heading,
            text="ขอให้ดูแลความสะอาด",
            due_date=today() - datetime.timedelta(days=2),
            parties=services.parties_from(agencies=[cls.agency_a, cls.agency_b]),
            by=cls.secretariat,
        )
        # One agency done, the other not: the directive is open, agency A's share is finished.
        services.progress_report(
            assignment=cls.sub_item.assignments.get(agency=cls.agency_a), text="เสร็จ", status=Status.DONE, by=cls.user_a
        )
        closed = services.directive_create(
            meeting=cls.meeting,
            number="9",
            text="ปิดแล้ว",
            parties=services.parties_from(agencies=[cls.agency_b]),
            by=cls.secretariat,
        )
        services.directive_close(directive=closed, note="ยุติตามมติ", by=cls.secretariat)

    def list_total(self, url: str) -> int:
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        if "table" in response.context:
            return response.context["table"].page.paginator.count
        return response.context["page"].paginator.count

    def assert_every_count_adds_up(self, user, *, expect_at_least: int) -> list[tuple[str, int]]:
        self.login(user)
        links = count_links(self.client.get("/"))
        self.assertGreaterEqual(len(links), expect_at_least)
        for url, number in links:
            with self.subTest(user=user.username, url=url):
                self.assertEqual(self.list_total(url), number)
        return links

    def test_it_makes_every_secretariat_number_match_its_list(self):
        links = self.assert_every_count_adds_up(self.secretariat, expect_at_least=4)
        self.assertIn(("/reviews/", ProgressReport.objects.awaiting_review().count()), links)
        self.assertTrue(any("agency=" in url for url, _ in links))  # the per-agency table too

    def test_it_makes_every_executive_number_match_its_list(self):
        links = self.assert_every_count_adds_up(self.executive, expect_at_least=4)
        self.assertFalse(any(url == "/reviews/" for url, _ in links))

    def test_it_makes_every_agency_users_number_match_its_list(self):
        links = self.assert_every_count_adds_up(self.user_a, expect_at_least=5)
        self.assertFalse(any("agency=" in url for url, _ in links))

    def test_it_names_the_unit_of_every_number(self):
        self.login(self.secretariat)
        for card in self.client.get("/").context["cards"]:
            self.assertEqual(card["unit"], "ข้อสั่งการ")
        self.login(self.user_a)
        response = self.client.get("/")
        for card in response.context["cards"]:
            self.assertEqual(card["unit"], "งานของหน่วยงาน")
        self.assertContains(response, "งานของหน่วยงาน ยังไม่เสร็จ")

    def test_it_opens_a_non_empty_list_for_done(self):
        self.login(self.secretariat)
        counts = self.client.get("/").context["counts"]
        self.assertGreater(counts["done"], 0)
        self.assertEqual(self.list_total("/directives/?progress=done"), counts["done"])
        self.login(self.user_a)
        counts = self.client.get("/").context["counts"]
        self.assertGreater(counts["done"], 0)
        self.assertEqual(self.list_total("/directives/?progress=done"), counts["done"])

    def test_it_never_counts_or_shows_a_heading_only_row_as_overdue(self):
        self.assertFalse(Directive.objects.get(pk=self.heading.pk).is_overdue())
        for key in ("open", "overdue", "done"):
            self.assertNotIn(self.heading, Directive.objects.progress(key))
        self.assertIn(self.sub_item, Directive.objects.progress("overdue"))
        self.login(self.secretariat)
        for query in ({"progress": "overdue"}, {"overdue": "true"}, {"progress": "open"}):
            records = list(self.client.get("/directives/", query).context["table"].data)
            self.assertNotIn(self.heading.pk, [d.pk for d in records])
        page = self.client.get("/directives/", {"meeting": self.meeting.pk, "per_page": 100})
        row = next(d for d in page.context["table"].data if d.pk == self.heading.pk)
        self.assertFalse(row.is_overdue())

    def test_it_counts_an_agencys_share_not_the_directive(self):
        # The sub-item is open overall, but agency A finished its share.
        self.login(self.user_a)
        done = self.client.get("/directives/", {"progress": "done"}).context["table"].data
        self.assertIn(self.sub_item.pk, [d.pk for d in done])
        self.login(self.user_b)
        overdue = self.client.get("/directives/", {"progress": "overdue"}).context["table"].data
        self.assertIn(self.sub_item.pk, [d.pk for d in overdue])

    def test_progress_counts_equal_the_lists_of_every_key_whatever_the_state(self):
        """Counted per state (open and done as sums of the states'), less the heading-only
        rows: the same as counting each list, also with a state outside Status."""
        on = today()
        keys = ("open", "overdue", "done", "due_soon", "new")

        def expected():
            return {key: Directive.objects.progress(key, on).count() for key in keys}

        self.assertEqual(Directive.objects.progress_counts(keys, on), expected())
        self.assertGreater(expected()["done"], 0)
        Directive.objects.filter(pk=self.sub_item.pk).update(state="paused")
        self.assertEqual(Directive.objects.progress_counts(keys, on), expected())
        self.assertEqual(
            Directive.objects.progress_counts(("done", "open"), on), {k: expected()[k] for k in ("done", "open")}
        )
