"""Agencies suggested for a new directive from similar past directives."""

from __future__ import annotations

from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext

from agencies.models import Agency, AgencyGroup
from directives import services
from directives.suggest import PastDirective, Suggestion, rank, suggest_agencies, tokens, vocabulary
from tests.base import TrackerTestCase

TOURISM, CULTURE, DISASTER, DISTRICTS = 1, 2, 3, 9

HISTORY = [
    PastDirective("ขอให้ส่งเสริมการท่องเที่ยวเมืองรอง จัดกิจกรรมดึงดูดนักท่องเที่ยว", agency_ids=(TOURISM,)),
    PastDirective("วาระลำปางน่าเที่ยว ปักหมุดลำปาง เส้นทางท่องเที่ยวต้องแวะ", agency_ids=(TOURISM, CULTURE)),
    PastDirective("ขอให้รณรงค์แต่งกายชุดพื้นเมืองทุกวันศุกร์ สืบสานวัฒนธรรม", agency_ids=(CULTURE,)),
    PastDirective("ขอให้ทุกอำเภอเฝ้าระวังไฟป่าและหมอกควัน", agency_ids=(DISASTER,), group_ids=(DISTRICTS,)),
    PastDirective("ป้องกันและบรรเทาสาธารณภัยช่วงฤดูแล้ง ไฟป่า", agency_ids=(DISASTER,)),
]


class RankTests(SimpleTestCase):
    """The similarity function alone: no database."""

    def test_it_suggests_the_tourism_office_for_a_text_about_tourism(self):
        found = rank("ขอให้ประชาสัมพันธ์แหล่งท่องเที่ยวในช่วงเทศกาล", HISTORY)
        self.assertEqual(found[0], Suggestion(kind="agency", id=TOURISM, score=found[0].score))
        self.assertNotIn(DISASTER, [s.id for s in found if s.kind == "agency"])

    def test_it_suggests_the_disaster_office_and_the_districts_for_forest_fires(self):
        found = rank("เร่งดับไฟป่าในพื้นที่", HISTORY)
        self.assertEqual(found[0].id, DISASTER)
        self.assertIn(Suggestion(kind="group", id=DISTRICTS, score=0).value, [s.value for s in found])

    def test_it_ranks_by_similarity_best_first(self):
        found = rank("ท่องเที่ยว วัฒนธรรม ชุดพื้นเมือง", HISTORY)
        scores = [s.score for s in found]
        self.assertEqual(scores, sorted(scores, reverse=True))
        self.assertEqual({s.id for s in found[:2]}, {TOURISM, CULTURE})

    def test_it_suggests_nothing_for_nothing_in_common(self):
        self.assertEqual(rank("ขอให้ปรับปรุงระบบประปาหมู่บ้าน", HISTORY), [])
        self.assertEqual(rank("", HISTORY), [])
        self.assertEqual(rank("   ๑๒๓ ... !!", HISTORY), [])
        self.assertEqual(rank("ท่องเที่ยว", []), [])

    def test_it_reads_thai_words_without_spaces_and_drops_filler(self):
        text = "ขอให้ส่งเสริมการท่องเที่ยวและกีฬา 2 แห่งในจังหวัดลำปาง"
        self.assertIn(("การท่องเที่ยว", "ท่องเที่ยว"), tokens(text))  # the compound and its core word
        words = vocabulary(text)
        self.assertTrue({"ส่งเสริม", "การท่องเที่ยว", "ท่องเที่ยว", "กีฬา"} <= words)
        self.assertTrue({"ขอให้", "และ", "2", "จังหวัดลำปาง", "ลำปาง", "ลำ", "ปาง"}.isdisjoint(words))

    def test_it_limits_the_suggestions(self):
        self.assertLessEqual(len(rank("ท่องเที่ยว วัฒนธรรม ไฟป่า", HISTORY, limit=2)), 2)


class SuggestAgenciesTests(TrackerTestCase):
    url = "/directives/suggest-agencies/"

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tourism = Agency.objects.create(
            name="สำนักงานการท่องเที่ยวและกีฬาจังหวัดลำปาง", short_name="กก.ลป.", print_order=3
        )
        cls.closed = Agency.objects.create(name="สำนักงานที่ยุบแล้ว", is_active=False, print_order=4)
        for text in ("ขอให้ส่งเสริมการท่องเที่ยวเมืองรอง", "ขอให้จัดกิจกรรมดึงดูดนักท่องเที่ยวช่วงปลายปี"):
            services.directive_create(
                meeting=cls.meeting,
                number=str(10 + len(text) % 7),
                text=text,
                parties=services.parties_from(agencies=[cls.tourism, cls.closed]),
                by=cls.secretariat,
            )
        services.directive_create(
            meeting=cls.meeting,
            number="20",
            text="ขอให้ทุกอำเภอเฝ้าระวังไฟป่า",
            parties=services.parties_from(groups=[cls.group], free_text=["องค์กรปกครองส่วนท้องถิ่น"]),
            by=cls.secretariat,
        )

    def test_it_suggests_the_agencies_of_similar_past_directives_with_their_names(self):
        found = suggest_agencies("ประชาสัมพันธ์แหล่งท่องเที่ยวในลำปาง")
        self.assertEqual(found[0]["value"], f"a{self.tourism.pk}")
        self.assertEqual((found[0]["name"], found[0]["short_name"]), (self.tourism.name, "กก.ลป."))
        self.assertNotIn(f"a{self.closed.pk}", [s["value"] for s in found])  # inactive: never offered

    def test_it_suggests_a_group_by_its_checklist_value(self):
        found = suggest_agencies("ไฟป่าหมอกควัน")
        self.assertEqual([s["value"] for s in found], [f"g{self.group.pk}"])
        self.assertEqual(found[0]["name"], "ทุกอำเภอ")

    def test_it_answers_json_to_the_secretariat(self):
        self.login(self.secretariat)
        response = self.client.get(self.url, {"text": "ส่งเสริมท่องเที่ยว"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/json")
        self.assertEqual(response.json()["suggestions"][0]["value"], f"a{self.tourism.pk}")

    def test_it_never_fails_on_odd_input(self):
        self.login(self.secretariat)
        for text in ("", " ", "\x00\x01", "<script>alert(1)</script>", "😀" * 50, "ท่องเที่ยว" * 20000, "%ff%fe"):
            with self.subTest(text=text[:20]):
                response = self.client.get(self.url, {"text": text})
                self.assertEqual(response.status_code, 200)
                self.assertIsInstance(response.json()["suggestions"], list)
        self.assertEqual(self.client.get(self.url + "?text=%ff&text=a").status_code, 200)

    def test_it_refuses_other_roles_with_403_and_sends_anonymous_to_login(self):
        for user in (self.user_a, self.user_b, self.executive):
            self.login(user)
            self.assertEqual(self.client.get(self.url, {"text": "ท่องเที่ยว"}).status_code, 403)
        self.login(None)
        self.assertEqual(self.client.get(self.url).status_code, 302)

    def test_it_refuses_other_methods_with_405(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.post(self.url, {"text": "ท่องเที่ยว"}).status_code, 405)

    def test_its_query_count_does_not_grow_with_history(self):
        self.login(self.secretariat)
        self.client.get(self.url, {"text": "ท่องเที่ยว"})

        def queries() -> int:
            with CaptureQueriesContext(connection) as context:
                self.client.get(self.url, {"text": "ท่องเที่ยวไฟป่า"})
            return len(context)

        before = queries()
        more = [Agency.objects.create(name=f"หน่วยงานท่องเที่ยว {i}", print_order=200 + i) for i in range(10)]
        other = AgencyGroup.objects.create(name="ทุกส่วนราชการ/หน่วยงาน")
        for i, agency in enumerate(more):
            services.directive_create(
                meeting=self.meeting,
                number=f"30.{i + 1}",
                text=f"ส่งเสริมท่องเที่ยวชุมชนแห่งที่ {i}",
                parties=services.parties_from(agencies=[agency], groups=[other]),
                by=self.secretariat,
            )
        with self.assertNumQueries(before):
            self.client.get(self.url, {"text": "ท่องเที่ยวไฟป่า"})

    def test_it_offers_the_chips_on_a_new_directive_form_only(self):
        self.login(self.secretariat)
        new = self.client.get(f"/meetings/{self.meeting.pk}/directives/new/")
        self.assertContains(new, f'data-suggest-url="{self.url}"')
        self.assertContains(new, '<script src="/static/js/agency-suggest.js"></script>')
        edit = self.client.get(f"/directives/{self.directive.pk}/edit/")
        self.assertNotContains(edit, "data-suggest-url")
