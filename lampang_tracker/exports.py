"""Spreadsheet exports (CSV, XLSX) that a clerk's Excel opens safely.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
is read by Excel and LibreOffice as a formula (``=HYPERLINK(…)``,
``=cmd|' /C calc'!A0``): text typed by a user must never reach a spreadsheet that
way. Every export goes through :func:`neutralise_cell`, which prefixes such text
with an apostrophe, the customary "this is text" mark; in XLSX the cell is then a
string (openpyxl stores a value as a formula only when it starts with ``=``).
"""

from __future__ import annotations

from django_tables2.export import TableExport
from tablib import Dataset

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# Placeholders the office writes for "nothing" ("-", "--") are left as they are:
# an operator with nothing to work on is not a formula, Excel and LibreOffice show
# it as text, and "'-" would look odd in a printed table.
HARMLESS = {"-", "--", "---"}


def neutralise_cell(value: object) -> object:
    """``value`` as a spreadsheet may take it: text that would start a formula gets
    a leading apostrophe; anything else (numbers, dates, ordinary text) is unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and value.strip() not in HARMLESS:
        return "'" + value
    return value


def safe_dataset(headers, rows, *, title: str) -> Dataset:
    """A tablib Dataset of ``rows`` under ``headers``, every cell neutralised."""
    safe = Dataset(title=title)
    if headers:
        safe.headers = [neutralise_cell(header) for header in headers]
    for row in rows:
        safe.append([neutralise_cell(cell) for cell in row])
    return safe


class SafeTableExport(TableExport):
    """django-tables2's export with every cell neutralised, and a byte-order mark
    on CSV so that Excel opens the Thai text as UTF-8.

    ``SafeTableExport.from_rows`` makes the same file from rows a view has built
    itself (a header row and lists of cells), without the table's per-cell machinery."""

    def table_to_dataset(self, table, exclude_columns, dataset_kwargs=None):
        dataset = super().table_to_dataset(table, exclude_columns, dataset_kwargs)
        return safe_dataset(dataset.headers, dataset, title=dataset.title)

    @classmethod
    def from_rows(cls, export_format: str, headers: list, rows, *, title: str) -> SafeTableExport:
        if not cls.is_valid_format(export_format):
            raise TypeError(f'Export format "{export_format}" is not supported.')
        export = cls.__new__(cls)
        export.format = export_format
        export.dataset = safe_dataset(headers, rows, title=title)
        return export

    def export(self):
        data = super().export()
        if self.format == self.CSV:
            return "\ufeff" + data if isinstance(data, str) else b"\xef\xbb\xbf" + data
        return data
