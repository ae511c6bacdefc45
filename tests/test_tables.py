"""Rows and selects written in Python (PythonRowsMixin, PlainSelect) give the markup of
the django-tables2 and Django templates they stand in for."""

from __future__ import annotations

import datetime
import re

import django_tables2 as tables
from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory, SimpleTestCase
from django.utils.html import format_html

from directives import services
from directives.models import today
from lampang_tracker.forms import PlainSelect
from lampang_tracker.tables import PythonRowsMixin
from tests.base import TrackerTestCase

STOCK = "django_tables2/bootstrap5.html"


def tbody(html: str) -> str:
    """The table body, whitespace between tags left out (the templates indent, Python does not)."""
    body = re.search(r"<tbody.*?</tbody>", html, re.DOTALL).group(0)
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", body))


def stock_html(table, request) -> str:
    table.template_name = STOCK
    return table.as_html(request)


class Sample(tables.Table):
    name = tables.Column(verbose_name="ชื่อ", attrs={"td": {"data-label": "ชื่อ", "class": "b a"}})
    note = tables.Column(verbose_name="หมายเหตุ", default="—")
    count = tables.Column(verbose_name="จำนวน", empty_values=())

    class Meta:
        empty_text = "ไม่มี <ข้อมูล>"

    def render_name(self, record):
        return format_html("<b>{}</b>", record["name"])

    def render_note(self, record):
        return record["note"]  # plain text: escaped by the cell

    def render_count(self, record):
        return record["count"] or 0


class PythonSample(PythonRowsMixin, Sample):
    class Meta(Sample.Meta):
        template_name = "includes/table_python_rows.html"


ROWS = [
    {"name": "ลำปาง <&>", "note": "x & y", "count": 3},
    {"name": "เกาะคา", "note": "", "count": None},
    {"name": "งาว", "note": None, "count": 0},
]


class PythonRowsTests(SimpleTestCase):
    def setUp(self):
        self.request = RequestFactory().get("/")

    def test_it_writes_the_rows_of_the_stock_template(self):
        for data in (ROWS, []):
            with self.subTest(rows=len(data)):
                ours = PythonSample(data)
                tables.RequestConfig(self.request).configure(ours)
                html = ours.as_html(self.request)
                self.assertEqual(tbody(html), tbody(stock_html(ours, self.request)))

    def test_it_escapes_text_and_puts_the_default_in_empty_cells(self):
        table = PythonSample(ROWS)
        html = table.body_html()
        self.assertIn("<b>ลำปาง &lt;&amp;&gt;</b>", html)
        self.assertIn("x &amp; y", html)
        self.assertEqual(html.count("—"), 2)
        self.assertIn('<tr class="odd">', html)

    def test_it_refuses_what_it_cannot_write_once_per_column(self):
        class Localized(PythonSample):
            count = tables.Column(localize=True, empty_values=())

        class PerRow(PythonSample):
            count = tables.Column(empty_values=(), attrs={"td": {"class": lambda record: record["name"]}})

        for table in (Localized, PerRow):
            with self.subTest(table=table.__name__), self.assertRaises(ImproperlyConfigured):
                table(ROWS).body_html()


class DirectiveRowsTests(TrackerTestCase):
    """The directive list's rows, as the secretariat (a group item's roll-up) and as an agency (its share)."""

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        services.directive_create(
            meeting=cls.meeting,
            number="9",
            heading="งาน <ประจำปี>",
            text="ขอให้ทุกอำเภอรายงาน" * 20,
            parties=services.parties_from(groups=[cls.group]),
            by=cls.secretariat,
        )
        services.directive_create(
            meeting=cls.meeting,
            number="10",
            text="ขอให้ส่งรายงานที่ค้าง",
            due_date=today() - datetime.timedelta(days=3),
            parties=services.parties_from(agencies=[cls.agency_a, cls.agency_b]),
            by=cls.secretariat,
        )

    def test_it_shows_the_rows_django_tables2_would(self):
        for user, url in ((self.secretariat, "/directives/"), (self.user_a, "/directives/?sort=-due_date")):
            with self.subTest(user=user.username):
                self.login(user)
                response = self.client.get(url)
                table = response.context["table"]
                self.assertGreater(len(table.page.object_list), 1)
                request = RequestFactory().get(url)
                self.assertEqual(tbody(response.content.decode()), tbody(stock_html(table, request)))


class PlainSelectTests(SimpleTestCase):
    CHOICES = [("", "ทั้งหมด"), (1, "สำนักงาน <ลำปาง> & co"), ("x", "เอ็กซ์")]

    def assertSameAsDjango(self, value, attrs=None, choices=None):
        choices = choices or self.CHOICES
        ours = PlainSelect(attrs=attrs, choices=choices).render("agency", value, attrs={"id": "id_agency"})
        django = forms.Select(attrs=attrs, choices=choices).render("agency", value, attrs={"id": "id_agency"})
        self.assertEqual(ours, django)

    def test_it_writes_the_markup_of_djangos_select(self):
        self.assertSameAsDjango(None)
        self.assertSameAsDjango(1)
        self.assertSameAsDjango("x", attrs={"required": True, "disabled": False, "data-x": 'a"b'})
        self.assertSameAsDjango("b", choices=[("กลุ่ม <1>", [("a", "ก"), ("b", "ข")]), ("c", "ค")])
