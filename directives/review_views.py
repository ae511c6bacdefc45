"""รายงานรอตรวจ: the secretariat's queue of reports, oldest first, decided in place."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from agencies.access import require_known_role, require_secretariat
from lampang_tracker.forms import errors_to_form
from lampang_tracker.query import BoundedPaginator, parse_id

from . import services
from .access import get_report_for_review
from .forms import ReviewForm
from .models import ProgressReport

QUEUE_PAGE_SIZE = 25


def _queue():
    return (
        ProgressReport.objects.awaiting_review()
        .select_related(
            "assignment__agency",
            "assignment__directive__meeting__series",
            "assignment__directive__letter",
            "created_by",
        )
        .prefetch_related("attachments")
        .order_by("created_at", "id")
    )


def review_form(report: ProgressReport, data=None) -> ReviewForm:
    return ReviewForm(data, prefix=f"r{report.pk}", initial={"decision": "accept"})


@require_http_methods(["GET", "POST"])
def review_queue(request):
    """GET: the queue. POST ``report=<id>`` with that report's form: accept, or send
    back with a comment; a refused decision shows the page again with what was typed."""
    require_known_role(request)
    require_secretariat(request)
    failed: ReviewForm | None = None
    failed_pk = None
    status = 200
    if request.method == "POST":
        report = get_report_for_review(request, parse_id(request.POST.get("report", "")))
        form = review_form(report, request.POST)
        if report.review != ProgressReport.Review.PENDING:
            messages.info(request, "รายงานนี้ตรวจไปแล้ว")
            return redirect("review_queue")
        if form.is_valid():
            try:
                services.report_review(
                    report=report,
                    accept=form.cleaned_data["decision"] == "accept",
                    comment=form.cleaned_data["comment"],
                    by=request.user,
                )
            except services.DomainError as error:
                errors_to_form(form, error)
            else:
                done = "รับรายงาน" if form.cleaned_data["decision"] == "accept" else "ส่งกลับรายงาน"
                messages.success(request, f"{done}ของ{report.assignment.agency.name} แล้ว")
                return redirect(f"{request.path}?page={parse_id(request.POST.get('page')) or 1}")
        failed, failed_pk, status = form, report.pk, 400
    page = BoundedPaginator(_queue(), QUEUE_PAGE_SIZE).get_page(request.GET.get("page") or request.POST.get("page"))
    reports = list(page)
    if failed_pk is not None and failed_pk not in {r.pk for r in reports}:
        reports.insert(0, report)  # the one just refused stays in view, with what was typed
    rows = [(r, failed if r.pk == failed_pk else review_form(r)) for r in reports]
    return render(request, "directives/review_queue.html", {"page": page, "rows": rows}, status=status)
