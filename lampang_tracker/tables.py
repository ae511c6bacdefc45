"""django-tables2 with the page's rows written by one Python loop.

django-tables2 renders each cell through its template: a bound cell, its column's
attributes computed again for every row, the render method's signature inspected,
and a dozen template variable lookups — about half the time of a 25-row list page.
A table with this mixin keeps django-tables2's header (sorting links), pagination
and export, and writes its body in Python with the same markup
(``templates/includes/table_python_rows.html``).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe


class PythonRowsMixin:
    """Each cell is the column's ``render_<name>(record)``, escaped as the template
    would; the column's default where its value is one of its ``empty_values`` (as
    django-tables2 decides it). A column's ``td`` attributes are read once per page,
    so they may not be callables (a row's attributes may); no column may ask for
    ``localize``."""

    def body_html(self) -> SafeString:
        columns = []
        for bound in self.columns:
            cell_attrs = [attrs.get(key, {}) for attrs in (self.attrs, bound.column.attrs) for key in ("td", "cell")]
            if bound.localize is not None or any(callable(value) for attrs in cell_attrs for value in attrs.values()):
                raise ImproperlyConfigured(f"{type(self).__name__}.{bound.name}: localize or callable td attributes")
            render = getattr(self, f"render_{bound.name}")
            empty = bound.column.empty_values
            columns.append(
                (bound.attrs["td"].as_html(), render, bound.accessor if empty else None, empty, bound.default)
            )
        html = []
        for row in self.paginated_rows:
            record = row.record
            html.append(f"<tr {row.attrs.as_html()}>")
            for attrs, render, accessor, empty, default in columns:
                if accessor is not None and accessor.resolve(record, quiet=True) in empty:
                    cell = default
                else:
                    cell = render(record=record)
                html.append(f"<td {attrs}>{conditional_escape(cell)}</td>")
            html.append("</tr>")
        return mark_safe("".join(html))  # noqa: S308 - every cell escaped above, attributes by as_html()
