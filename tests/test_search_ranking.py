"""Site search's ranked hits read rank by rank, newest first (search.queries.ranked,
thai.rank_levels, fulltext.newest): the same rows, in the same order, as ranking
every match at once."""

from __future__ import annotations

import datetime
from unittest import mock

from directives import services
from directives.models import Directive, today
from lampang_tracker import fulltext, thai
from search import queries
from tests.base import TrackerTestCase

TEXTS = [
    "เรื่อง ช้าง และ ดูแล ป่า",
    "ให้ดูแลช้างเผือกในพื้นที่",
    "ช้าง ป่า ลดลง",
    "ศูนย์ช้างไทยรายงานผล",
    "ดูแล ช้าง ตา บอด",
    "ติดตามช้างป่า",
    "ช้าง ช้าง ดูแลช้าง",
    "ตา ช้าง",
    "การดูแลผู้สูงอายุ",
    "ช้างเผือก ดูแล",
]
QUERIES = [
    ["ช้าง"],
    ["ดูแล"],
    ["ช้าง", "ดูแล"],
    ["ช้าง", "ช้าง", "ดูแล"],
    ["ดูแล", "ช้าง"],
    ["ตา"],
    ["ช้าง", "ตา"],
    ["ช้าง", "ดูแล", "ป่า"],  # three words: ranked at once
    ["ไม่มีคำนี้"],
]


def ranked_at_once(queryset, words, limit):
    """The plain way: every match ranked and sorted."""
    return list(
        queryset.filter(thai.search_condition(words))
        .annotate(rank=thai.search_rank(words))
        .order_by("-rank", "-pk")[:limit]
    )


class RankLevelsTests(TrackerTestCase):
    def test_a_word_is_held_whole_first_then_inside_a_longer_one(self):
        self.assertEqual(
            thai.rank_levels(["ช้าง"]),
            [[fulltext.Term((" ช้าง ",))], [fulltext.Term(("ช้าง",), (" ช้าง ",))]],
        )

    def test_a_short_word_is_only_ever_whole(self):
        self.assertEqual(thai.rank_levels(["ตา"]), [[fulltext.Term((" ตา ",))]])

    def test_two_words_give_three_ranks_and_a_repeated_word_counts_twice(self):
        levels = thai.rank_levels(["ช้าง", "ดูแล"])
        self.assertEqual(len(levels), 3)
        self.assertEqual(len(levels[1]), 2)  # either word whole
        levels = thai.rank_levels(["ช้าง", "ช้าง", "ดูแล"])
        # 3 (both whole), 2 (ช้าง whole), 1 (ดูแล whole), 0
        self.assertEqual([len(level) for level in levels], [1, 1, 1, 1])
        self.assertEqual(levels[1], [fulltext.Term((" ช้าง ", "ดูแล"), (" ดูแล ",))])

    def test_many_words_are_ranked_at_once(self):
        self.assertIsNone(thai.rank_levels(["ช้าง", "ดูแล", "ป่า"]))
        self.assertIsNone(thai.rank_levels([]))
        # PostgreSQL reads only a one-word query by levels (search.queries.ranked).
        self.assertIsNone(thai.rank_levels(["ช้าง", "ดูแล"], most=1))
        self.assertEqual(len(thai.rank_levels(["ช้าง", "ช้าง"], most=1)), 2)

    def test_the_index_query_says_the_same_as_the_condition(self):
        terms = thai.rank_levels(["ช้าง", "ดูแล"])[1]
        self.assertEqual(
            fulltext.match_expression(terms),
            '((" ช้าง " AND "ดูแล") NOT (" ดูแล ")) OR ((" ดูแล " AND "ช้าง") NOT (" ช้าง "))',
        )


class RankedTests(TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for i, text in enumerate(TEXTS * 3):
            services.directive_create(
                meeting=cls.meeting,
                number=str(10 + i),
                text=text,
                due_date=today() + datetime.timedelta(days=30),
                parties=services.parties_from(agencies=[cls.agency_a if i % 3 == 0 else cls.agency_b]),
                by=cls.secretariat,
            )

    def querysets(self):
        everyone = Directive.objects.active().source_active()
        return {"all": everyone, "agency": everyone.filter(assignments__agency=self.agency_a)}

    def assert_same_as_at_once(self):
        for name, queryset in self.querysets().items():
            for words in QUERIES:
                for limit in (1, 3, 7, 50):
                    with self.subTest(queryset=name, words=words, limit=limit):
                        expected = [d.pk for d in ranked_at_once(queryset, words, limit)]
                        self.assertEqual([d.pk for d in queries.ranked(queryset, words, limit)], expected)

    def test_it_finds_what_ranking_every_match_finds(self):
        # A handful of matches: ranked at once after one look at the index.
        self.assertGreater(len(ranked_at_once(Directive.objects.all(), ["ช้าง"], 50)), 10)
        self.assertEqual(queries.RANK_AT_ONCE, 200)
        self.assert_same_as_at_once()

    @mock.patch.object(queries, "RANK_AT_ONCE", 1)
    def test_it_finds_the_same_rank_by_rank(self):
        self.assert_same_as_at_once()

    @mock.patch.multiple(fulltext, BATCH_MIN=1, BATCH_PER_ROW=1, BATCH_GROWTH=2, BATCH_MAX=4)
    @mock.patch.object(queries, "RANK_AT_ONCE", 1)
    def test_it_finds_the_same_in_small_batches_and_the_rest_at_once(self):
        # An agency's rows are a third of the index's: batches of 1, 2, 4, then the rest.
        self.assert_same_as_at_once()

    @mock.patch.object(queries, "RANK_AT_ONCE", 1)
    def test_it_reads_the_newest_first_from_the_index(self):
        newest = Directive.objects.active().order_by("-pk").first()
        self.assertIn(" ดูแล ", newest.search_text)  # the last text: "ช้างเผือก ดูแล"
        rows = fulltext.newest(Directive.objects.all(), [fulltext.Term(("ช้าง",))], 2)
        self.assertEqual(rows[0], newest)
        self.assertEqual(fulltext.newest(Directive.objects.all(), [fulltext.Term(("ช้าง",))], 0), [])

    def test_the_site_search_shows_whole_words_first(self):
        self.login(self.secretariat)
        with mock.patch.object(queries, "RANK_AT_ONCE", 1):
            levelled = self.client.get("/search/", {"q": "ช้าง"}).context["groups"]
        at_once = self.client.get("/search/", {"q": "ช้าง"}).context["groups"]
        self.assertEqual([h.url for h in levelled[0].hits], [h.url for h in at_once[0].hits])
        self.assertEqual(len(levelled[0].hits), queries.PER_KIND)
        self.assertTrue(levelled[0].more)


class MatchPartsTests(TrackerTestCase):
    """Agencies are matched in Python: search_matches_parts cuts words with newmm only
    for a short query word, and says what search_matches says of the whole column."""

    PARTS = [
        ("สำนักงานการท่องเที่ยวและกีฬาจังหวัดลำปาง", "ททจ.ลป", "ท่องเที่ยวและกีฬาจังหวัด"),
        ("สํานักงานพัฒนาชุมชนจังหวัดลําปาง", "พช.ลป", None),
        ("ที่ทำการปกครองจังหวัด", "", "ปลัดจังหวัด"),
        ("ศูนย์ ตา และ หู", "ศูนย์ตา", "ผู้อำนวยการ"),
        ("Office 2567", "OFF", "หัวหน้า ๒๕๖๗"),
        ("", None, None),
    ]
    QUERIES = [
        "ท่องเที่ยว",
        "จังหวัด",
        "ลำปาง",
        "ลําปาง",
        "ตา",
        "หู",
        "ตา หู",
        "ตาม",
        "ที่",
        "ปลัด",
        "สำนักงานจังหวัด",
        "พัฒนา ชุมชน",
        "office",
        "2567",
        "๒๕๖๗",
        "ป",
        "ศูนย์ ตา",
        "และ",
    ]

    def test_it_says_what_the_whole_column_says(self):
        found = 0
        for parts in self.PARTS:
            text = thai.search_text(*parts)
            for query in self.QUERIES:
                words = thai.query_words(query)
                with self.subTest(parts=parts, query=query):
                    expected = thai.search_matches(text, words)
                    self.assertEqual(thai.search_matches_parts(parts, words), expected)
                    found += expected
        self.assertGreater(found, 15)  # the cases are not all misses
        self.assertFalse(thai.search_matches_parts(self.PARTS[0], []))

    def test_a_long_word_needs_no_cutting(self):
        with mock.patch.object(thai, "search_text", side_effect=AssertionError("cut")):
            self.assertTrue(thai.search_matches_parts(self.PARTS[0], ["ท่องเที่ยว"]))
            self.assertFalse(thai.search_matches_parts(self.PARTS[0], ["ตา"]))  # not even written
