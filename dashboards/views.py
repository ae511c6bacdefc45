from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.views.decorators.http import require_GET

from agencies.roles import actor_for
from directives import datacache
from directives.models import today
from lampang_tracker import thai

from . import charts, queries
from .forms import FiscalYearForm


def require_reader_of_all(request) -> None:
    """The dashboard is for those who read every agency's work: executives and the secretariat."""
    if not actor_for(request.user).reads_all:
        raise PermissionDenied("เฉพาะผู้บริหารและฝ่ายเลขานุการเท่านั้น")


@require_GET
def dashboard(request):
    require_reader_of_all(request)
    on = today()
    # Whole-table numbers: counted once, then kept until the data changes (datacache).
    first, last = datacache.cached("dashboard_years", (on,), lambda: queries.fiscal_year_range(on))
    year = queries.fiscal_year_of(on)
    # An unreadable or out-of-range year is named next to the selector; the page
    # then shows the current fiscal year.
    form = FiscalYearForm(request.GET or None, first=first, last=last, initial={"fy": year})
    if form.is_bound and form.is_valid() and form.cleaned_data["fy"]:
        year = form.cleaned_data["fy"]
    agencies, strategies, sources = datacache.cached("dashboard", (on,), lambda: _numbers(on))
    worst = max([row.overdue for row in agencies] + [1])
    months = datacache.cached("dashboard_months", (on, year), lambda: queries.by_month(on, year))
    columns, top = charts.month_columns(months)
    fy_first, fy_last = queries.fiscal_year_bounds(year)
    scale = max([row["total"] for row in strategies + sources["summary"]] + [1])
    context = {
        "today": on,
        "form": form,
        "year": year,
        "year_label": thai.thai_digits(year),
        "fy_first": fy_first,
        "fy_last": fy_last,
        "agencies": [{"row": row, "bar": charts.segments({"overdue": row.overdue}, worst)} for row in agencies],
        "bands": queries.BANDS,
        "strategies": [{**row, "bar": charts.segments(charts.state_values(row), scale)} for row in strategies],
        "source_summary": [
            {**row, "bar": charts.segments(charts.state_values(row), scale)} for row in sources["summary"]
        ],
        "sources": sources["sources"],
        "months": months,
        "columns": columns,
        "month_top": top,
        "chart": charts.MONTH_CHART,
        "series": charts.STATE_SERIES,
    }
    return render(request, "dashboards/dashboard.html", context)


def _numbers(on) -> tuple:
    """Overdue by agency, by strategy, by source: the whole-table part of the page."""
    archived = queries.archived_sources()
    passes = queries.read_passes(on, archived)
    rows = queries.counts_by_strategy_and_kind(on, archived, passes)
    return (
        queries.overdue_by_agency(on),
        queries.by_strategy(on, rows),
        queries.by_source(on, rows, archived, passes),
    )
