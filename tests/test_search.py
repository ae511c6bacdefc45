"""Site search /search/?q= and the Thai-aware list search."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from directives import services
from directives.models import Directive, today
from lampang_tracker import thai
from meetings.services import letter_create
from minutes import services as minutes_services
from minutes.models import AgendaItem
from search.highlight import highlight
from tests.base import TrackerTestCase

URL = reverse("search")
MARKER_B = "รหัสลับเฉพาะศึกษาธิการ"
SECRET_B = "งบซ่อนเร้นพิเศษ"  # in the same report: never shown to agency A


class SearchTestCase(TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # Typed as a PDF copy gives it: nikhahit + sara aa, and a zero-width space.
        cls.pdf_copy = services.directive_create(
            meeting=cls.meeting,
            number="3",
            text="ให้ส่งเสริมการท่องเที่ยวจังหวัดลําปาง\u200bและดูแลแหล่งนํ้า",
            due_date=today() + datetime.timedelta(days=30),
            parties=services.parties_from(agencies=[cls.agency_a]),
            by=cls.secretariat,
        )
        cls.report_b = services.progress_report(
            assignment=cls.assignment_b, text=f"ดำเนินการแล้ว {MARKER_B} {SECRET_B}", status="in_progress", by=cls.user_b
        )
        minutes = minutes_services.minutes_start(meeting=cls.meeting, by=cls.secretariat)
        cls.item = minutes_services.item_create(
            section=minutes.sections.get(number=4),
            title="โครงการอนุรักษ์ช้างไทย",
            body="ศูนย์อนุรักษ์ช้างไทยรายงานผลการดำเนินงาน",
            by=cls.secretariat,
        )
        cls.letter = letter_create(
            number="มท 0810.6/ว 12505",
            date=datetime.date(2024, 12, 17),
            subject="การขับเคลื่อนการพัฒนาซอฟต์พาวเวอร์ในระดับพื้นที่",
            sender="กระทรวงมหาดไทย",
            by=cls.secretariat,
        )

    def search(self, q: str, user=None):
        self.login(user or self.secretariat)
        response = self.client.get(URL, {"q": q})
        self.assertEqual(response.status_code, 200)
        return response

    def urls(self, response, key: str) -> list[str]:
        for group in response.context["groups"]:
            if group.key == key:
                return [hit.url for hit in group.hits]
        return []


class FindsTests(SearchTestCase):
    def test_it_finds_sara_am_typed_either_way(self):
        url = reverse("directive_detail", args=[self.pdf_copy.pk])
        for q in ("ลำปาง", "ลําปาง", "ลำ\u200bปาง"):
            with self.subTest(q=q):
                self.assertIn(url, self.urls(self.search(q), "directives"))
        # and the stored decomposed spelling is found by the proper one
        self.assertIn(url, self.urls(self.search("น้ำ"), "directives"))

    def test_it_finds_a_word_inside_unspaced_text(self):
        response = self.search("ท่องเที่ยว")
        self.assertIn(reverse("directive_detail", args=[self.pdf_copy.pk]), self.urls(response, "directives"))
        self.assertContains(response, "<mark>ท่องเที่ยว</mark>", html=False)

    def test_it_does_not_find_a_short_word_inside_a_longer_one(self):
        services.directive_create(
            meeting=self.meeting,
            number="4",
            text="ให้ติดตามผลการดำเนินงาน",
            parties=services.parties_from(agencies=[self.agency_a]),
            by=self.secretariat,
        )
        self.assertEqual(self.urls(self.search("ตา"), "directives"), [])
        self.assertEqual(len(self.urls(self.search("ติดตาม"), "directives")), 1)

    def test_it_finds_minutes_items_letters_and_agencies(self):
        self.assertEqual(
            self.urls(self.search("อนุรักษ์ช้าง"), "minutes"), [reverse("minutes_detail", args=[self.meeting.pk])]
        )
        response = self.search("ซอฟต์พาวเวอร์")
        self.assertEqual(self.urls(response, "letters"), [reverse("letter_detail", args=[self.letter.pk])])
        # the letter's number, in Thai digits
        self.assertEqual(self.urls(self.search("๐๘๑๐"), "letters"), [reverse("letter_detail", args=[self.letter.pk])])
        self.assertIn(reverse("agency_detail", args=[self.agency_a.pk]), self.urls(self.search("วัฒนธรรม"), "agencies"))

    def test_it_shows_where_each_result_is(self):
        response = self.search("อนุรักษ์ช้าง")
        self.assertContains(response, "รายงานการประชุม")
        self.assertContains(response, str(self.meeting))

    def test_it_ranks_whole_word_matches_first(self):
        whole = services.directive_create(
            meeting=self.meeting,
            number="5",
            text="เรื่องช้าง และ ช้าง อีกครั้ง",
            parties=services.parties_from(agencies=[self.agency_a]),
            by=self.secretariat,
        )
        part = services.directive_create(
            meeting=self.meeting,
            number="6",
            text="ให้ดูแลช้างเผือกในพื้นที่",
            parties=services.parties_from(agencies=[self.agency_a]),
            by=self.secretariat,
        )
        self.assertEqual(
            self.urls(self.search("ช้าง ดูแล"), "directives")[:1], [reverse("directive_detail", args=[part.pk])]
        )
        urls = self.urls(self.search("ช้าง"), "directives")
        self.assertLess(
            urls.index(reverse("directive_detail", args=[whole.pk])),
            urls.index(reverse("directive_detail", args=[part.pk])),
        )

    def test_it_keeps_the_index_in_step_through_the_services(self):
        directive = Directive.objects.get(pk=self.pdf_copy.pk)
        services.directive_update(directive=directive, text="ให้ปลูกป่าชุมชน", by=self.secretariat)
        self.assertEqual(self.urls(self.search("ท่องเที่ยว"), "directives"), [])
        self.assertEqual(len(self.urls(self.search("ป่าชุมชน"), "directives")), 1)
        minutes_services.item_update(item=self.item, title="เรื่องโคนม", by=self.secretariat)
        self.assertIn(" โค", AgendaItem.objects.get(pk=self.item.pk).search_text)


class AccessTests(SearchTestCase):
    def test_it_never_shows_an_agency_another_agencys_report(self):
        self.assertEqual(
            self.urls(self.search(MARKER_B, self.user_b), "reports"),
            [reverse("assignment_detail", args=[self.assignment_b.pk])],
        )
        response = self.search(MARKER_B, self.user_a)
        self.assertEqual(self.urls(response, "reports"), [])
        self.assertNotContains(response, SECRET_B)
        # the secretariat and the executive read every report
        self.assertEqual(len(self.urls(self.search(MARKER_B, self.executive), "reports")), 1)

    def test_it_never_shows_an_agency_another_agencys_directive_or_agency(self):
        response = self.search("บทบาท", self.user_a)
        self.assertEqual(self.urls(response, "directives"), [])
        self.assertEqual(len(self.urls(self.search("บทบาท", self.user_b), "directives")), 1)
        self.assertEqual(self.urls(self.search("ศึกษาธิการ", self.user_a), "agencies"), [])

    def test_it_sends_anonymous_users_to_log_in(self):
        self.login(None)
        self.assertLoginRedirect(
            self.client.get(URL, {"q": "ลำปาง"}), URL + "?q=%E0%B8%A5%E0%B8%B3%E0%B8%9B%E0%B8%B2%E0%B8%87"
        )


class HostileTests(SearchTestCase):
    def test_it_escapes_text_before_marking(self):
        html = str(highlight('<script>alert("ลำปาง")</script>', thai.query_words("ลำปาง")))
        self.assertNotIn("<script>", html)
        self.assertIn("&lt;script&gt;", html)
        self.assertIn("<mark>ลำปาง</mark>", html)
        # a query that looks like markup is escaped too, never marked as HTML
        html = str(highlight("a &amp; b", thai.query_words("amp")))
        self.assertNotIn("&<mark>", html)

    def test_it_marks_a_word_across_the_tokenisers_cuts_and_short_words_only_whole(self):
        html = str(highlight("ศูนย์อนุรักษ์ช้างไทยให้ติดตาม ตา", thai.query_words("อนุรักษ์ช้าง ตา")))
        self.assertIn("<mark>อนุรักษ์ช้าง</mark>", html)
        self.assertIn("ติดตาม <mark>ตา</mark>", html)

    def test_it_answers_any_query_without_a_500(self):
        for q in ("", " ", "%", "_", "'; DROP TABLE x; --", "<b>", "\x00", "ก" * 5000, "\u0e31" * 40, "*" * 10, "\\"):
            with self.subTest(q=q[:20]):
                self.login(self.secretariat)
                response = self.client.get(URL, {"q": q})
                self.assertEqual(response.status_code, 200)
        response = self.search("ก" * 500)
        self.assertContains(response, "คำค้นหายาวเกิน")
        self.assertContains(self.search("!!!"), "ไม่มีคำที่ค้นหาได้")

    def test_it_has_the_search_box_in_the_header(self):
        self.login(self.user_a)
        response = self.client.get(reverse("home"))
        self.assertContains(response, f'action="{URL}"')


class ListSearchTests(SearchTestCase):
    def test_it_finds_both_spellings_in_the_directive_list(self):
        self.login(self.secretariat)
        for q in ("ลำปาง", "ลําปาง"):
            with self.subTest(q=q):
                response = self.client.get(reverse("directive_list"), {"q": q})
                self.assertContains(response, reverse("directive_detail", args=[self.pdf_copy.pk]))


class RebuildTests(SearchTestCase):
    def test_it_rebuilds_the_search_column(self):
        from django.core.management import call_command

        Directive.objects.filter(pk=self.pdf_copy.pk).update(search_text="")
        call_command("rebuild_search_index", stdout=__import__("io").StringIO())
        self.assertIn(" ลำปาง ", Directive.objects.get(pk=self.pdf_copy.pk).search_text)

    def test_migrate_puts_back_the_sqlite_index_a_table_rebuild_dropped(self):
        from django.db import connection

        from lampang_tracker import fulltext

        if connection.vendor != "sqlite":
            self.skipTest("PostgreSQL searches through its pg_trgm index, which migrations keep")
        table = "directives_directive"
        with connection.cursor() as cursor:
            # What SQLite's table rebuild (an AlterField migration) leaves: no triggers.
            for suffix in ("ai", "ad", "au"):
                cursor.execute(f"DROP TRIGGER {table}_fts_{suffix}")
        # Written while the triggers are missing: the index does not see it.
        services.directive_update(directive=self.pdf_copy, text="ให้ปลูกป่าชุมชนทุกอำเภอ", by=self.secretariat)
        found = Directive.objects.filter(thai.search_condition(["ปลูกป่า"]))
        self.assertFalse(found.exists())
        self.assertIn(table, fulltext.ensure())  # what post_migrate runs
        self.assertEqual(list(found), [self.pdf_copy])
        self.assertEqual(fulltext.ensure(), [])  # complete now: nothing rebuilt


class QueryCountTests(SearchTestCase):
    """The results page reads each kind's shown hits in a fixed number of queries,
    however many rows match (rank by rank, newest first: search.queries)."""

    def grow(self, first: int, count: int) -> None:
        for n in range(first, first + count):
            directive = services.directive_create(
                meeting=self.meeting,
                number=str(100 + n),
                text=f"ส่งเสริมการท่องเที่ยวชุมชน ลำดับ {n}",
                parties=services.parties_from(agencies=[self.agency_a]),
                by=self.secretariat,
            )
            services.progress_report(
                assignment=directive.assignments.get(),
                text="จัดกิจกรรมส่งเสริมการท่องเที่ยวแล้ว",
                status="in_progress",
                by=self.user_a,
            )

    def test_it_does_not_grow_queries_with_matches(self):
        self.grow(0, 2)
        counts = {}
        for user in (self.secretariat, self.user_a):
            self.login(user)
            with CaptureQueriesContext(connection) as captured:
                self.assertEqual(self.client.get(URL, {"q": "ท่องเที่ยว"}).status_code, 200)
            counts[user] = len(captured.captured_queries)
        self.grow(2, 25)  # more than a kind shows (search.queries.PER_KIND)
        for user in (self.secretariat, self.user_a):
            with self.subTest(user=user.username):
                self.login(user)
                with self.assertNumQueries(counts[user]):
                    response = self.client.get(URL, {"q": "ท่องเที่ยว"})
                self.assertEqual(len(response.context["groups"][0].hits), 20)
