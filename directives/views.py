from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export import ExportMixin

from agencies.access import require_known_role
from agencies.models import Agency
from agencies.roles import actor_for
from lampang_tracker.exports import SafeTableExport
from lampang_tracker.forms import errors_to_form
from lampang_tracker.query import BoundedPaginator, parse_id
from meetings.access import get_meeting_for_user

from . import services
from .access import (
    directives_for_user,
    get_assignment_for_user,
    get_attachment_for_user,
    get_directive_for_user,
    get_report_for_review,
    require_agency_user,
)
from .filters import DirectiveFilter
from .forms import CloseForm, DirectiveForm, ExtensionForm, ReportForm, ReviewForm
from .models import Assignment, Directive, ProgressReport, today
from .tables import DirectiveTable

INBOX_BUCKET_SIZE = 30

REPORTS_WITH_FILES = Prefetch(
    "reports",
    queryset=ProgressReport.objects.select_related("created_by", "reviewed_by").prefetch_related("attachments"),
)


@require_GET
def home(request):
    actor = actor_for(request.user)
    require_known_role(request)
    # Counted on the assignment table alone, through a covering index: this page is
    # opened all day by everyone. (Archiving a directive must also close its
    # assignments when that feature arrives, so they drop out of these counts.)
    assignments = Assignment.objects.all()
    context = {"today": today()}
    if actor.is_agency:
        mine = assignments.for_agency(actor.agency)
        context["counts"] = mine.counts()
        context["new_count"] = mine.unacknowledged().count()
        context["due_soon_count"] = mine.due_soon().count()
    else:
        rows = {row["agency_id"]: row for row in assignments.counts_by_agency()}
        context["counts"] = {key: sum(row[key] for row in rows.values()) for key in ("open", "overdue", "done")}
        context["by_agency"] = [
            {"agency": agency, **rows[agency.pk]} for agency in Agency.objects.filter(pk__in=rows).thai_sorted()
        ]
        context["pending_reviews"] = ProgressReport.objects.filter(review=ProgressReport.Review.PENDING).count()
    return render(request, "directives/home.html", context)


class DirectiveListView(SingleTableMixin, ExportMixin, FilterView):
    """All directives across meetings: filter, sort, page, export CSV/XLSX."""

    table_class = DirectiveTable
    filterset_class = DirectiveFilter
    template_name = "directives/directive_list.html"
    table_pagination = {"per_page": BoundedPaginator.DEFAULT_PER_PAGE, "paginator_class": BoundedPaginator}
    export_class = SafeTableExport
    export_formats = ("csv", "xlsx")
    export_name = "directives"
    http_method_names = ["get"]

    def get_queryset(self):
        return (
            directives_for_user(self.request)
            .select_related("meeting__series")
            .prefetch_related("parties__agency", "parties__group")
            .order_by("-meeting__date", "-meeting__number", "sort_key")
        )

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "actor": actor_for(self.request.user)}


directive_list = DirectiveListView.as_view()


@require_GET
def directive_detail(request, pk: int):
    return _directive_page(request, get_directive_for_user(request, pk))


def _directive_page(request, directive: Directive, *, close_form: CloseForm | None = None, status: int = 200):
    actor = actor_for(request.user)
    assignments = directive.assignments.select_related("agency", "acknowledged_by").prefetch_related(REPORTS_WITH_FILES)
    if actor.is_agency:
        assignments = assignments.filter(agency=actor.agency)
    return render(
        request,
        "directives/directive_detail.html",
        {
            "directive": directive,
            "parties": directive.parties.select_related("agency", "group"),
            "children": directive.children.all(),
            "assignments": assignments,
            "close_form": close_form or CloseForm(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
def directive_create(request, meeting_pk: int):
    meeting = get_meeting_for_user(request, meeting_pk, write=True)
    parent = None
    if request.GET.get("parent"):
        parent = get_object_or_404(Directive, pk=parse_id(request.GET["parent"]), meeting=meeting)
    form = DirectiveForm(request.POST or None, meeting=meeting, parent=parent)
    if request.method == "POST" and form.is_valid():
        try:
            directive = services.directive_create(
                meeting=meeting, parent=parent, parties=form.party_list(), by=request.user, **form.directive_fields()
            )
        except (ValidationError, services.DomainError) as error:
            errors_to_form(form, error)
        else:
            messages.success(request, f"บันทึกข้อ {directive.number_label} แล้ว")
            if "add_another" in request.POST:
                return redirect("directive_create", meeting_pk=meeting.pk)
            return redirect("meeting_detail", pk=meeting.pk)
    return render(request, "directives/directive_form.html", {"form": form, "meeting": meeting, "parent": parent})


@require_http_methods(["GET", "POST"])
def directive_edit(request, pk: int):
    directive = get_directive_for_user(request, pk, write=True)
    form = DirectiveForm(request.POST or None, meeting=directive.meeting, instance=directive)
    if request.method == "POST" and form.is_valid():
        try:
            services.directive_update(
                directive=directive, parties=form.party_list(), by=request.user, **form.directive_fields()
            )
        except (ValidationError, services.DomainError) as error:
            errors_to_form(form, error)
        else:
            messages.success(request, f"บันทึกการแก้ไขข้อ {directive.number_label} แล้ว")
            return redirect("directive_detail", pk=directive.pk)
    context = {"form": form, "meeting": directive.meeting, "parent": directive.parent, "directive": directive}
    return render(request, "directives/directive_form.html", context)


@require_POST
def directive_close(request, pk: int):
    directive = get_directive_for_user(request, pk, write=True)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.directive_close(directive=directive, note=form.cleaned_data["note"], by=request.user)
        except services.DomainError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "ปิดประเด็นแล้ว")
            return redirect("directive_detail", pk=directive.pk)
    # The page again, with the reason as typed and the complaint next to it.
    return _directive_page(request, directive, close_form=form, status=400)


@require_POST
def directive_reopen(request, pk: int):
    directive = get_directive_for_user(request, pk, write=True)
    try:
        services.directive_reopen(directive=directive, by=request.user)
        messages.success(request, "เปิดประเด็นอีกครั้งแล้ว")
    except services.DomainError as error:
        messages.error(request, str(error))
    return redirect("directive_detail", pk=directive.pk)


@require_GET
def inbox(request):
    """งานของหน่วยงาน: what is new, overdue, due soon, in progress and done."""
    require_agency_user(request)
    agency = actor_for(request.user).agency
    mine = (
        Assignment.objects.for_agency(agency)
        .select_related("directive__meeting__series")
        .order_by("due_date", "directive__sort_key")
    )
    on = today()
    soon = on + datetime.timedelta(days=settings.DUE_SOON_DAYS)
    not_overdue = Q(due_date__isnull=True) | Q(due_date__gte=on)
    # Each item appears once, in the most urgent bucket that fits it; plain
    # conditions (no subqueries) so every bucket is an index range of one agency.
    buckets = [
        ("overdue", "เกินกำหนด", mine.overdue(on), "?overdue=true"),
        ("new", "ใหม่ (ยังไม่รับทราบ)", mine.unacknowledged().filter(not_overdue), ""),
        ("due_soon", "ใกล้ครบกำหนด", mine.due_soon(on).filter(acknowledged_at__isnull=False), "?overdue=false"),
        (
            "open",
            "อยู่ระหว่างดำเนินการ",
            mine.open().filter(Q(due_date__isnull=True) | Q(due_date__gt=soon), acknowledged_at__isnull=False),
            "?overdue=false",
        ),
        ("done", "เสร็จแล้ว / ปิดประเด็น", mine.filter(is_open=False).order_by("-updated_at"), "?status=done"),
    ]
    # A busy agency can hold thousands of items: show the first few of each bucket
    # and link to the full, filterable list for the rest.
    buckets = [
        {"key": key, "title": title, "items": items[:INBOX_BUCKET_SIZE], "count": items.count(), "more": more}
        for key, title, items, more in buckets
    ]
    return render(request, "directives/inbox.html", {"agency": agency, "buckets": buckets, "today": on})


@require_http_methods(["GET", "POST"])
def assignment_detail(request, pk: int):
    """One agency's share of a directive: its timeline and, for the agency, the report form."""
    actor = actor_for(request.user)
    assignment = get_assignment_for_user(request, pk, write=request.method == "POST")
    form = ReportForm(request.POST or None, request.FILES or None) if actor.is_agency else None
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_report(
                assignment=assignment,
                text=form.cleaned_data["text"],
                status=form.cleaned_data["status"],
                percent=form.cleaned_data["percent"],
                files=form.cleaned_data["files"],
                by=request.user,
            )
        except (ValidationError, services.DomainError) as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "ส่งรายงานผลแล้ว")
            return redirect("assignment_detail", pk=assignment.pk)
    reports = assignment.reports.select_related("created_by", "reviewed_by").prefetch_related("attachments")
    context = {"assignment": assignment, "directive": assignment.directive, "reports": reports, "form": form}
    return render(request, "directives/assignment_detail.html", context)


@require_POST
def assignment_acknowledge(request, pk: int):
    assignment = get_assignment_for_user(request, pk, write=True)
    try:
        services.assignment_acknowledge(assignment=assignment, by=request.user)
        messages.success(request, "รับทราบแล้ว")
    except services.DomainError as error:
        messages.error(request, str(error))
    if request.POST.get("next") == "inbox":
        return redirect("inbox")
    return redirect("assignment_detail", pk=assignment.pk)


@require_http_methods(["GET", "POST"])
def assignment_extension(request, pk: int):
    assignment = get_assignment_for_user(request, pk, write=True)
    form = ExtensionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.extension_request(
                assignment=assignment,
                reason=form.cleaned_data["reason"],
                new_due_date=form.cleaned_data["new_due_date"],
                by=request.user,
            )
        except (ValidationError, services.DomainError) as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "ส่งคำขอขยายเวลาแล้ว รอฝ่ายเลขานุการพิจารณา")
            return redirect("assignment_detail", pk=assignment.pk)
    return render(request, "directives/extension_form.html", {"assignment": assignment, "form": form})


@require_http_methods(["GET", "POST"])
def report_review(request, pk: int):
    """Accept a report, or send it back with a comment the agency will see."""
    report = get_report_for_review(request, pk)
    form = ReviewForm(request.POST or None, initial={"decision": request.GET.get("decision", "accept")})
    if request.method == "POST" and form.is_valid():
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
            messages.success(request, "บันทึกผลการตรวจรายงานแล้ว")
            return redirect("directive_detail", pk=report.assignment.directive_id)
    return render(request, "directives/report_review.html", {"report": report, "form": form})


@require_GET
def attachment_download(request, pk: int):
    attachment = get_attachment_for_user(request, pk)
    # Always a download, never shown in the tracker's own origin; the type is the one
    # the upload check found in the bytes, and the browser must not guess another.
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
