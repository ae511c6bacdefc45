"""ข้อสั่งการทั้งหมด: filter, sort, page and export (CSV for Excel, XLSX)."""

from __future__ import annotations

import csv
import datetime
import io
from unittest import mock

import openpyxl
from django.db import connection
from django.test import TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django_tables2.export import ExportMixin

from directives import datacache, services
from directives.models import Directive, DirectiveQuerySet, today
from directives.views import DirectiveListView
from lampang_tracker import thai
from meetings.services import letter_create, letter_update, meeting_create, meeting_update
from tests.base import SpreadMixin, TrackerTestCase

URL = "/directives/"


def listed(response) -> list[Directive]:
    return [row.record for row in response.context["table"].paginated_rows]


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def numbers(rows) -> list[str]:
    """The ลำดับ column (exported in Thai digits, as printed) in Arabic digits."""
    return [thai.arabic_digits(row[1]) for row in rows]


class DirectiveListTests(TrackerTestCase):
    def test_it_lists_every_directive_for_the_secretariat_and_the_executive(self):
        for user in (self.secretariat, self.executive):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(URL)
                self.assertEqual(response.status_code, 200)
                self.assertEqual(set(listed(response)), {self.directive, self.directive_b})
                self.assertContains(response, "ข้อสั่งการทั้งหมด")

    def test_it_lists_only_an_agency_users_own_directives(self):
        self.login(self.user_a)
        response = self.client.get(URL)
        self.assertEqual(listed(response), [self.directive])
        self.assertNotContains(response, self.directive_b.text)
        self.assertContains(response, f"ข้อสั่งการของ{self.agency_a.name}")

    def test_it_does_not_offer_an_agency_user_the_agency_filter_nor_obey_it(self):
        self.login(self.user_a)
        response = self.client.get(URL, {"agency": self.agency_b.pk})
        self.assertNotIn("agency", response.context["filter"].form.fields)
        self.assertEqual(listed(response), [self.directive])

    def test_it_shows_the_columns_in_thai(self):
        self.login(self.secretariat)
        response = self.client.get(URL)
        self.assertContains(response, "๑๐/๒๕๖๐")
        self.assertContains(response, "<u>วาระรักลำปาง</u>", html=False)
        self.assertContains(response, thai.date_short(self.directive.due_date))
        self.assertContains(response, "เกินกำหนด")
        self.assertContains(response, "อยู่ระหว่างดำเนินการ")
        self.assertContains(response, "พบ ๒ รายการ")

    def test_it_finds_a_thai_word_inside_thai_text(self):
        self.login(self.secretariat)
        self.assertEqual(listed(self.client.get(URL, {"q": "แต่งกาย"})), [self.directive])
        self.assertEqual(listed(self.client.get(URL, {"q": "รักลำปาง"})), [self.directive])  # the heading
        self.assertEqual(listed(self.client.get(URL, {"q": "ไม่มีคำนี้"})), [])

    def test_a_searched_page_read_by_ids_first_keeps_an_agency_user_to_their_own(self):
        self.login(self.user_a)
        response = self.client.get(URL, {"q": "ขอให้"})  # in both directives' texts
        self.assertEqual(listed(response), [self.directive])
        self.assertNotContains(response, self.directive_b.text)
        self.login(self.secretariat)
        self.assertEqual(listed(self.client.get(URL, {"q": "ขอให้"})), [self.directive_b, self.directive])

    def test_it_filters_by_state(self):
        self.login(self.secretariat)
        self.assertEqual(listed(self.client.get(URL, {"status": "in_progress"})), [self.directive])
        self.assertEqual(listed(self.client.get(URL, {"status": "not_started"})), [self.directive_b])

    def test_it_filters_overdue_from_the_due_dates(self):
        self.login(self.secretariat)
        self.assertEqual(listed(self.client.get(URL, {"overdue": "true"})), [self.directive_b])
        self.assertEqual(listed(self.client.get(URL, {"overdue": "false"})), [self.directive])

    def test_it_filters_by_agency(self):
        self.login(self.secretariat)
        self.assertEqual(listed(self.client.get(URL, {"agency": self.agency_b.pk})), [self.directive_b])

    def test_it_offers_agencies_in_thai_dictionary_order(self):
        self.login(self.secretariat)
        choices = [label for _, label in self.client.get(URL).context["filter"].form.fields["agency"].choices][1:]
        self.assertEqual(choices, thai.thai_sorted(choices))

    def test_it_filters_by_meeting_and_year(self):
        self.login(self.secretariat)
        self.assertEqual(len(listed(self.client.get(URL, {"meeting": self.meeting.pk}))), 2)
        self.assertEqual(len(listed(self.client.get(URL, {"year": 2560}))), 2)
        self.assertEqual(listed(self.client.get(URL, {"year": 2561})), [])

    def test_it_filters_due_dates_typed_the_thai_way(self):
        self.login(self.secretariat)
        typed = thai.thai_digits(thai.date_numeric(today()))  # e.g. ๒๑/๑๑/๒๕๖๙
        self.assertEqual(listed(self.client.get(URL, {"due_to": typed})), [self.directive_b])
        self.assertEqual(listed(self.client.get(URL, {"due_from": thai.date_numeric(today())})), [self.directive])

    def test_it_answers_a_bad_filter_date_in_thai(self):
        self.login(self.secretariat)
        response = self.client.get(URL, {"due_from": "31/02/2560"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "ไม่มีวันที่นี้ในปฏิทิน")
        self.assertContains(response, 'value="31/02/2560"')

    def test_it_sorts_by_number_in_the_offices_order(self):
        for number in ("10", "2.1", "1.1"):
            services.directive_create(meeting=self.meeting, number=number, text=f"ข้อ {number}", by=self.secretariat)
        self.login(self.secretariat)
        numbers = [d.number for d in listed(self.client.get(URL, {"sort": "number"}))]
        self.assertEqual(numbers, ["1", "1.1", "2", "2.1", "10"])

    def test_it_lists_the_newest_meeting_or_letter_first_and_follows_a_changed_date(self):
        older = meeting_create(
            by=self.secretariat, series=self.series, number=3, year_be=2560, date=datetime.date(2017, 3, 1)
        )
        old_item = services.directive_create(meeting=older, number="1", text="ข้อเก่า", by=self.secretariat)
        letter = letter_create(
            number="มท 0810.6/ว 1", date=datetime.date(2017, 6, 1), subject="หนังสือ", by=self.secretariat
        )
        letter_item = services.directive_create(letter=letter, number="1", text="ข้อจากหนังสือ", by=self.secretariat)
        self.login(self.secretariat)
        self.assertEqual(listed(self.client.get(URL)), [self.directive_b, self.directive, letter_item, old_item])
        # The list sorts by the copy of the source's date on each directive: moving the
        # meeting or the letter moves its directives.
        meeting_update(meeting=older, date=datetime.date(2018, 1, 5), by=self.secretariat)
        letter_update(letter=letter, date=datetime.date(2016, 1, 5), by=self.secretariat)
        self.assertEqual(listed(self.client.get(URL)), [old_item, self.directive_b, self.directive, letter_item])
        old_item.refresh_from_db()
        self.assertEqual((old_item.source_date, old_item.source_number), (datetime.date(2018, 1, 5), 3))

    def test_it_shows_a_deep_page_read_by_ids_first_the_same_as_read_in_one_query(self):
        for number in range(3, 13):
            services.directive_create(
                meeting=self.meeting, number=str(number), text=f"ข้อ {number}", by=self.secretariat
            )
        self.login(self.secretariat)
        shallow = listed(self.client.get(URL, {"page": 2, "per_page": 5}))
        with mock.patch.object(DirectiveQuerySet, "DEEP_OFFSET", 5):
            deep = self.client.get(URL, {"page": 2, "per_page": 5})
        self.assertEqual(listed(deep), shallow)
        self.assertEqual([d.number for d in shallow], ["6", "7", "8", "9", "10"])
        self.assertContains(deep, "พบ ๑๒ รายการ")

    def test_it_counts_and_pages_a_searched_list_from_one_read_of_its_matches(self):
        for number in range(3, 15):
            services.directive_create(
                meeting=self.meeting, number=str(number), text=f"ค้นหาคำ ข้อ {number}", by=self.secretariat
            )
        Directive.objects.filter(number="14").update(is_archived=True)
        self.login(self.secretariat)
        expected = list(Directive.objects.active().filter(text__contains="ค้นหาคำ").order_by("-sort_key"))
        pages = [self.client.get(URL, {"q": "ค้นหาคำ", "sort": "-number", "per_page": 5, "page": n}) for n in (1, 2, 3)]
        self.assertEqual([d for page in pages for d in listed(page)], expected)
        for page in pages:
            self.assertEqual(page.context["table"].page.paginator.count, 11)

    def test_it_hides_archived_directives(self):
        Directive.objects.filter(pk=self.directive_b.pk).update(is_archived=True)
        self.login(self.secretariat)
        self.assertEqual(listed(self.client.get(URL)), [self.directive])

    def test_it_refuses_post_with_405(self):
        self.login(self.secretariat)
        self.assertEqual(self.client.post(URL).status_code, 405)

    def test_it_sends_anonymous_visitors_to_the_login_page(self):
        self.assertLoginRedirect(self.client.get(URL), URL)

    def test_it_does_not_export_to_anonymous_visitors(self):
        response = self.client.get(URL, {"_export": "csv"})
        self.assertLoginRedirect(response, f"{URL}?_export=csv")
        self.assertNotIn("Content-Disposition", response)
        self.assertFalse(response.has_header("Content-Type") and "csv" in response["Content-Type"])


class DirectiveExportTests(TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        # More rows than one page (25): an export carries all of them.
        for i in range(30):
            services.directive_create(
                meeting=cls.meeting,
                number=f"3.{i + 1}",
                text=f"ข้อสั่งการทดสอบการส่งออก {i + 1}",
                parties=services.parties_from(agencies=[cls.agency_b], free_text=["ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง"]),
                by=cls.secretariat,
            )

    def test_it_exports_csv_with_a_byte_order_mark_and_thai_text(self):
        self.login(self.secretariat)
        response = self.client.get(URL, {"_export": "csv"})
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response["Content-Type"].startswith("text/csv"))
        self.assertIn("directives.csv", response["Content-Disposition"])
        self.assertTrue(response.content.startswith(b"\xef\xbb\xbf"))
        rows = csv_rows(response)
        self.assertEqual(rows[0], ["ที่มา", "ลำดับ", "ประเด็น", "หน่วยงานรับผิดชอบ", "กำหนดเสร็จ", "สถานะ"])
        self.assertEqual(len(rows), 1 + 32)
        row = next(r for r in rows if r[1] == "๒")
        self.assertEqual(row[0], "การประชุมหัวหน้าส่วนราชการจังหวัดลำปาง ครั้งที่ 10/2560")
        self.assertEqual(row[2], "วาระรักลำปาง ขอให้รณรงค์แต่งกายชุดพื้นเมืองในทุกวันศุกร์")
        self.assertEqual(row[3], self.agency_a.name)
        self.assertEqual(row[4], thai.date_numeric(self.directive.due_date))
        self.assertEqual(row[5], "อยู่ระหว่างดำเนินการ")
        overdue = next(r for r in rows if r[1] == "๑")
        self.assertEqual(overdue[5], "ยังไม่ดำเนินการ (เกินกำหนด)")
        several = next(r for r in rows if r[1] == "๓.๑")
        self.assertEqual(several[3], f"{self.agency_b.name}\nส่วนราชการ/หน่วยงานที่เกี่ยวข้อง")

    def test_it_exports_xlsx_that_a_spreadsheet_opens(self):
        self.login(self.secretariat)
        response = self.client.get(URL, {"_export": "xlsx"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        self.assertTrue(response.content.startswith(b"PK"))  # a zip container
        sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        self.assertEqual(rows[0][1], "ลำดับ")
        self.assertEqual(len(rows), 1 + 32)
        texts = {r[2] for r in rows[1:]}
        self.assertIn("วาระรักลำปาง ขอให้รณรงค์แต่งกายชุดพื้นเมืองในทุกวันศุกร์", texts)
        self.assertIn("ขอให้ปรับบทบาทและภารกิจให้เป็นหน่วยอำนวยการ", texts)

    def test_it_exports_only_the_filtered_rows(self):
        self.login(self.secretariat)
        rows = csv_rows(self.client.get(URL, {"q": "แต่งกาย", "_export": "csv"}))
        self.assertEqual(numbers(rows[1:]), ["2"])
        rows = csv_rows(self.client.get(URL, {"overdue": "true", "_export": "csv"}))
        self.assertEqual(numbers(rows[1:]), ["1"])
        response = self.client.get(URL, {"agency": self.agency_a.pk, "_export": "xlsx"})
        sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
        self.assertEqual(numbers(sheet.iter_rows(min_row=2, values_only=True)), ["2"])

    def test_it_exports_only_an_agency_users_own_rows(self):
        self.login(self.user_a)
        rows = csv_rows(self.client.get(URL, {"_export": "csv"}))
        self.assertEqual(numbers(rows[1:]), ["2"])
        self.assertNotIn(self.agency_b.name, self.client.get(URL, {"_export": "csv"}).content.decode("utf-8-sig"))

    def test_it_shows_the_page_when_the_export_format_is_unknown(self):
        self.login(self.secretariat)
        response = self.client.get(URL, {"_export": "exe"})
        self.assertEqual(response.status_code, 200)
        self.assertTemplateUsed(response, "directives/directive_list.html")


class ExportRowsTests(SpreadMixin, TrackerTestCase):
    """The export writes its cells from DirectiveTable.export_row, not through
    django-tables2's per-cell export (as_values): the same file either way."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        many = cls.spread_agencies(5)
        cls.spread_rows(agencies=many, directives=12, by=cls.secretariat, group=cls.group, always=cls.agency_a)
        letter = letter_create(
            number="มท 0810.6/ว 1", date=datetime.date(2017, 6, 1), subject="=หนังสือ", by=cls.secretariat
        )
        services.directive_create(
            letter=letter,
            number="1",
            heading="หัวข้อ",
            text="-ข้อจากหนังสือ",
            parties=services.parties_from(agencies=[cls.agency_a], free_text=["@ผู้เกี่ยวข้อง"]),
            by=cls.secretariat,
        )

    QUERIES = [
        {},
        {"sort": "-due_date"},
        {"sort": "number"},
        {"agency": "A"},
        {"agency": "A", "overdue": "true"},
        {"q": "ทดสอบ", "status": "in_progress"},
        {"source": "letter"},
    ]

    def exports(self, query: dict, fmt: str) -> tuple:
        query = {**query, "_export": fmt}
        if query.get("agency") == "A":
            query["agency"] = self.agency_a.pk
        fast = self.client.get(URL, query)
        with mock.patch.object(DirectiveListView, "create_export", ExportMixin.create_export):
            generic = self.client.get(URL, query)
        self.assertEqual(fast.status_code, 200)
        self.assertEqual(generic.status_code, 200)
        return fast, generic

    def test_it_writes_the_same_csv_as_the_generic_export(self):
        for user in (self.secretariat, self.user_a):
            self.login(user)
            for query in self.QUERIES:
                with self.subTest(user=user.username, query=query):
                    fast, generic = self.exports(query, "csv")
                    self.assertGreater(len(csv_rows(fast)), 1)
                    self.assertEqual(fast.content, generic.content)
                    self.assertEqual(fast["Content-Type"], generic["Content-Type"])
                    self.assertEqual(fast["Content-Disposition"], generic["Content-Disposition"])

    def test_it_writes_the_same_xlsx_cells_as_the_generic_export(self):
        self.login(self.secretariat)
        for query in self.QUERIES:
            with self.subTest(query=query):
                fast, generic = self.exports(query, "xlsx")
                sheets = [openpyxl.load_workbook(io.BytesIO(r.content)).active for r in (fast, generic)]
                self.assertEqual(sheets[0].title, sheets[1].title)
                cells = [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in sheets]
                self.assertGreater(len(cells[0]), 1)
                self.assertEqual(cells[0], cells[1])


class DirectiveListQueryCountTests(SpreadMixin, TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.many = cls.spread_agencies(8)
        cls.spread_rows(
            agencies=cls.many,
            directives=20,
            by=cls.secretariat,
            group=cls.group,
            always=cls.agency_a,
            reporters={cls.agency_a.pk: cls.user_a},
        )

    def grow(self):
        more = self.spread_agencies(4)
        self.spread_rows(agencies=self.many + more, directives=30, by=self.secretariat, group=self.group)
        self.spread_rows(agencies=more, directives=10, by=self.secretariat, always=self.agency_a, meeting=self.meeting)

    def test_it_does_not_grow_queries_with_rows_for_the_secretariat(self):
        self.login(self.secretariat)
        # One is the group items' roll-up, for the whole page at once; one the
        # parties with their agencies and groups.
        with self.assertNumQueries(10):
            self.assertEqual(self.client.get(URL).status_code, 200)
        self.grow()
        with self.assertNumQueries(10):
            self.assertEqual(self.client.get(URL).status_code, 200)

    def test_it_reads_the_agencies_once_with_one_chosen(self):
        self.login(self.secretariat)
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(URL, {"agency": self.agency_a.pk})
        self.assertContains(response, f'<option value="{self.agency_a.pk}" selected>{self.agency_a.name}</option>')
        agencies = [
            q for q in captured if q["sql"].startswith('SELECT "agencies_agency"."id"') and "WHERE" not in q["sql"]
        ]
        self.assertEqual(len(agencies), 1)

    def test_it_does_not_grow_queries_with_rows_for_an_agency_user(self):
        self.login(self.user_a)
        # The count is two small ones: the agency's shares, less those of archived directives.
        with self.assertNumQueries(9):
            self.assertEqual(self.client.get(URL).status_code, 200)
        self.grow()
        with self.assertNumQueries(9):
            self.assertEqual(self.client.get(URL).status_code, 200)

    def test_it_counts_an_agency_users_list_from_its_shares(self):
        # Shares of an archived directive and of another agency are not in the list.
        services.directive_create(
            meeting=self.meeting,
            number="40",
            text="ข้อที่เก็บเข้าคลัง",
            parties=services.parties_from(agencies=[self.agency_a]),
            by=self.secretariat,
        )
        Directive.objects.filter(number="40").update(is_archived=True)
        self.login(self.user_a)
        for query in ({}, {"status": "not_started"}, {"overdue": "true"}, {"q": "ทดสอบ"}):
            with self.subTest(query=query):
                response = self.client.get(URL, query)
                expected = Directive.objects.filter(is_archived=False, assignments__agency=self.agency_a)
                shown = response.context["table"].page.paginator.count
                # Every row the list's query gives, counted one by one.
                self.assertEqual(shown, len(list(response.context["filter"].qs.values_list("pk", flat=True))))
                if not query:
                    self.assertEqual(shown, expected.count())
                    self.assertEqual(Directive.objects.active_for_agency(self.agency_a)._count_of_shares(), shown)
                    self.assertEqual(
                        set(Directive.objects.active_for_agency(self.agency_a).values_list("pk", flat=True)),
                        set(expected.values_list("pk", flat=True)),
                    )

    def test_it_does_not_grow_queries_with_rows_on_a_filtered_page(self):
        self.login(self.secretariat)
        query = {"agency": self.many[0].pk, "overdue": "false", "q": "ทดสอบ", "sort": "-due_date"}
        # As unfiltered: the agency choices read once, for the filter's validation and
        # its select; a searched page on SQLite reads its matches' ids once (sorting ids,
        # not whole rows), for its count and its page; on PostgreSQL it counts them, then
        # reads the page's ids in the list's order (one more query, no sort of every match).
        expected = 10 if connection.vendor == "sqlite" else 11
        with self.assertNumQueries(expected):
            self.assertEqual(self.client.get(URL, query).status_code, 200)
        self.grow()
        with self.assertNumQueries(expected):
            self.assertEqual(self.client.get(URL, query).status_code, 200)

    def test_it_does_not_grow_queries_with_rows_on_export(self):
        self.login(self.secretariat)
        # The session, the user, their role, the rows, their parties: no page count.
        with self.assertNumQueries(5):
            self.assertEqual(self.client.get(URL, {"_export": "csv"}).status_code, 200)
        self.grow()
        with self.assertNumQueries(5):
            self.assertEqual(self.client.get(URL, {"_export": "csv"}).status_code, 200)


class KeptListCountTests(TransactionTestCase):
    """พบ … รายการ is kept between requests until the data changes (directives.datacache):
    after a write it is counted again. Commits (TransactionTestCase): the token moves
    only when a write commits."""

    def setUp(self):
        TrackerTestCase.setUpTestData.__func__(type(self))
        datacache.bump()  # the flush between tests took the version row too

    def count(self, user, url: str = URL) -> tuple[int, int]:
        """The list's count, and how many COUNT queries the request made."""
        self.client.force_login(user)
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        counting = sum("COUNT(" in query["sql"].upper() and '"directives_' in query["sql"] for query in captured)
        return response.context["table"].page.paginator.count, counting

    def add(self, *agencies, number: str) -> Directive:
        return services.directive_create(
            meeting=self.meeting,
            number=number,
            text=f"ข้อ {number}",
            parties=services.parties_from(agencies=agencies),
            by=self.secretariat,
        )

    def test_it_counts_again_after_a_write(self):
        total, counting = self.count(self.secretariat)
        self.assertEqual(total, Directive.objects.active().count())
        self.assertEqual(counting, 1)
        self.assertEqual(self.count(self.secretariat), (total, 0))
        self.add(self.agency_a, number="20")
        self.assertEqual(self.count(self.secretariat), (total + 1, 1))

    def test_it_keeps_each_filter_and_agency_apart(self):
        shares = self.count(self.user_a)[0]
        others = self.count(self.user_b)[0]
        mine = self.count(self.secretariat, f"{URL}?agency={self.agency_a.pk}")[0]
        self.assertEqual(mine, shares)
        self.add(self.agency_a, number="21")
        self.assertEqual(self.count(self.user_a), (shares + 1, 2))  # its shares, less the archived
        self.assertEqual(self.count(self.user_a), (shares + 1, 0))
        self.assertEqual(self.count(self.user_b)[0], others)
        self.assertEqual(self.count(self.secretariat, f"{URL}?agency={self.agency_a.pk}")[0], mine + 1)
        directive = Directive.objects.get(number="21")
        self.assertEqual(self.count(self.secretariat, f"{URL}?status=closed")[0], 0)
        services.directive_close(directive=directive, note="ยุติ", by=self.secretariat)
        self.assertEqual(self.count(self.secretariat, f"{URL}?status=closed")[0], 1)
