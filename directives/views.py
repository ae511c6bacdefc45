from __future__ import annotations

import datetime
import html

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.decorators import csp
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import FileResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.backends.utils import csrf_input
from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.text import Truncator
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin
from django_tables2.export import ExportMixin

from agencies.access import require_known_role, require_secretariat
from agencies.models import Agency
from agencies.roles import actor_for
from lampang_tracker import thai
from lampang_tracker.exports import SafeTableExport
from lampang_tracker.forms import errors_to_form
from lampang_tracker.query import BoundedPaginator, parse_id
from meetings.access import get_letter_for_user, get_meeting_for_user

from . import datacache, services, suggest
from .access import (
    directives_for_user,
    get_assignment_for_user,
    get_attachment_for_user,
    get_directive_for_user,
    get_page_directive_for_user,
    get_report_for_review,
    require_agency_user,
)
from .filters import DirectiveFilter
from .forms import (
    BulkFormSet,
    CloseForm,
    DirectiveForm,
    ExtensionForm,
    NarrowGroupForm,
    PartyMatcher,
    ReportForm,
    ReviewForm,
    bulk_proposals,
    bulk_with_more_rows,
)
from .models import (
    PROGRESS,
    Assignment,
    Directive,
    ProgressReport,
    ResponsibleParty,
    Rollup,
    assignments_with_latest_reports,
    parties_of,
    today,
)
from .numbering import next_free, next_top_level
from .tables import OVERDUE_BADGE, STATUS_HTML, DirectiveTable, status_badge

INBOX_BUCKET_SIZE = 30
# The columns an inbox card shows (_inbox_card; tests/test_inbox.py counts the queries,
# so a column missing here, read one row at a time, fails it).
INBOX_FIELDS = (
    *("status", "due_date", "is_open", "acknowledged_at", "directive"),
    *("directive__number", "directive__heading", "directive__text", "directive__meeting", "directive__letter"),
    *("directive__meeting__number", "directive__meeting__year_be", "directive__meeting__series__name"),
    *("directive__letter__number", "directive__letter__date"),
)

# The directive page shows each agency's latest reports; its whole history is on the
# agency's own page (assignment_detail), linked under them as "ดูรายงานทั้งหมด". A
# directive given to every agency can gather thousands of reports over the years: the
# page reads the rows of at most this many per agency (models.assignments_with_latest_reports).
LATEST_REPORTS = 3


def _count_link(key: str, label: str, unit: str, count: int, css: str = "") -> dict:
    url = f"{reverse('directive_list')}?{urlencode({'progress': key})}"
    return {"key": key, "label": label, "unit": unit, "count": count, "url": url, "css": css}


CARD_STYLE = {"open": "", "overdue": "danger", "done": "ok", "new": "", "due_soon": "warn"}


@require_GET
def home(request):
    """Every number names its unit and opens a list whose total is that number: the
    card and the list call the same QuerySet method (models.PROGRESS)."""
    actor = actor_for(request.user)
    require_known_role(request)
    on = today()
    context = {"today": on}
    if actor.is_agency:
        counts = Assignment.objects.for_agency(actor.agency).progress_counts(PROGRESS, on)
        context["cards"] = [
            _count_link(key, label, "งานของหน่วยงาน", counts[key], CARD_STYLE[key]) for key, label in PROGRESS.items()
        ]
    else:
        keys = ("open", "overdue", "done")
        # Whole-table numbers: counted once, then kept until the data changes (datacache).
        counts = datacache.cached("home_counts", (on,), lambda: Directive.objects.progress_counts(keys, on))
        context["cards"] = [_count_link(key, PROGRESS[key], "ข้อสั่งการ", counts[key], CARD_STYLE[key]) for key in keys]
        context["by_agency"] = datacache.cached("home_by_agency", (on,), lambda: _home_by_agency(on))
        if actor.is_secretariat:
            context["pending_reviews"] = datacache.cached(
                "pending_reviews", (), ProgressReport.objects.awaiting_review_count
            )
    context["counts"] = {card["key"]: card["count"] for card in context["cards"]}
    return render(request, "directives/home.html", context)


def _home_by_agency(on: datetime.date) -> list[dict]:
    """Per agency: its shares (งานของหน่วยงาน), each linking to the list narrowed to it."""
    rows = {row["agency_id"]: row for row in Assignment.objects.counted_by_agency(on)}
    return [
        {
            "agency": agency,
            "overdue": rows[agency.pk]["overdue"],
            "cells": [(key, rows[agency.pk][key]) for key in ("open", "overdue", "done")],
        }
        for agency in Agency.objects.filter(pk__in=rows).thai_sorted()
    ]


class DirectiveListView(SingleTableMixin, ExportMixin, FilterView):
    """All directives across meetings and letters: filter, sort, page, export CSV/XLSX."""

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
            .select_related("meeting__series", "letter")
            # Each line with its agency or group in one query (not one query a level).
            .prefetch_related(Prefetch("parties", ResponsibleParty.objects.select_related("agency", "group")))
            .newest_source_first()
            .paged_by_ids()
        )

    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "actor": actor_for(self.request.user)}

    def get_table(self, **kwargs):
        table = super().get_table(**kwargs)
        # A group item reads as one row with how its members stand; one query for the page.
        # Agency users see their own share only.
        page = getattr(table, "page", None)
        exporting = self.request.GET.get(self.export_trigger_param)
        if page is not None and not exporting and not actor_for(self.request.user).is_agency:
            records = list(page.object_list.data)
            grouped = [r.pk for r in records if any(p.group_id for p in r.parties.all())]
            rollups = Assignment.objects.filter(directive_id__in=grouped).rollups() if grouped else {}
            for record in records:
                record.rollup = rollups.get(record.pk)
        return table

    def exporting(self) -> str | None:
        """The format asked for by ?_export= when it is one this list writes itself."""
        export_format = self.request.GET.get(self.export_trigger_param)
        return export_format if export_format in self.export_formats else None

    def get_context_data(self, **kwargs):
        # An export is written from the filtered rows alone (create_export): no page
        # of the table, so no page count.
        if self.exporting():
            return kwargs
        return super().get_context_data(**kwargs)

    def create_export(self, export_format):
        """CSV and XLSX from DirectiveTable.export_rows: the rows, their order (the
        table's sort) and the cells of django-tables2's generic export, made from plain
        values; any other format the generic way."""
        if export_format != self.exporting():
            return super().create_export(export_format)
        table = self.get_table_class()(data=self.get_table_data(), **self.get_table_kwargs())
        RequestConfig(self.request, paginate=False).configure(table)
        exporter = self.export_class.from_rows(
            export_format,
            table.export_headers(),
            table.export_rows(),
            title=str(Directive._meta.verbose_name_plural).title(),
        )
        return exporter.response(filename=self.get_export_filename(export_format))


directive_list = DirectiveListView.as_view()


# The directive page's agency cards and group-member rows, written here rather than
# in templates: a directive given to many agencies showed dozens of includes and
# hundreds of template lookups, most of the page's time. A card's timeline is the HTML
# includes/report_timeline.html gives on the assignment's own page, spaces and new
# lines included (and a status that of includes/status.html): change them together.
CARD_HTML = (
    '<section class="card assignment" id="a{}">\n'
    '  <h3><a href="{}">{}</a> <small class="muted">{}</small></h3>\n'
    "  <p>{}\n"
    "     · กำหนดเสร็จ {}\n"
    "     · {}</p>\n"
    "  {}\n"
    "  {}\n"
    "</section>\n"
)
REPORT_HTML = (
    '\n  <li class="report review-{}">\n'
    '    <div class="report-head">\n'
    "      <span><strong>{}</strong>{}</span>\n"
    '      <span class="muted">{} · {}</span>\n'
    "    </div>\n"
    '    <p class="report-text">{}</p>\n'
    "    {}\n"
    "    {}\n"
    '    <p class="review">{}{}{}</p>\n'
    "    {}\n"
    "  </li>\n"
)
REVIEW_FORM_HTML = (
    '\n    <form method="post" action="{}" class="inline">{}\n'
    '      <input type="hidden" name="decision" value="accept">\n'
    '      <button type="submit">รับรายงาน</button>\n'
    '      <a class="button secondary" href="{}?decision=return">ส่งกลับให้แก้ไข</a>\n'
    "    </form>\n    "
)
MEMBER_ROW_HTML = (
    '<tr id="a{}">\n'
    '      <th scope="row"><a href="{}">{}</a></th>\n'
    "      <td>{}</td>\n"
    "      <td>{}</td>\n"
    "      <td>{}</td>\n"
    "    </tr>"
)
SOURCE_LETTER_HTML = '<a href="{}">หนังสือสั่งการ</a> › <a href="{}">{}</a>\n'
SOURCE_MEETING_HTML = '<a href="{}">{} ครั้งที่ {}</a>\n'
NO_REPORTS_HTML = mark_safe('\n  <li class="muted">ยังไม่มีรายงานผล</li>\n')
NOT_ACKNOWLEDGED_HTML = mark_safe('<span class="warn-text">ยังไม่รับทราบ</span>')
NOT_REPORTED_HTML = mark_safe('<span class="muted">ยังไม่รายงาน</span>')


FILE_HTML = '<li><a href="{}">{}</a> <span class="muted">({})</span></li>'


def _html(template: str, *args) -> SafeString:
    """``format_html`` for the page's many small pieces: each argument escaped as
    Django escapes it (``html.escape``; safe strings as they are), without the checks
    for lazy strings that ``conditional_escape`` makes on each call (none come here)."""
    return SafeString(template.format(*[a if isinstance(a, SafeData) else html.escape(str(a)) for a in args]))


class _PkUrl:
    """``reverse(name, args=[pk])`` for many pks: the URL is reversed once and the
    pk written into it (a pattern with one integer argument)."""

    MARK = "9876543210"

    def __init__(self, name: str):
        self.head, self.tail = reverse(name, args=[self.MARK]).split(self.MARK)

    def __call__(self, pk: int) -> str:
        return f"{self.head}{pk}{self.tail}"


class _PageRows:
    """The cards and member rows of one directive page (see CARD_HTML)."""

    def __init__(self, request, actor, on: datetime.date):
        self.on, self.secretariat = on, actor.is_secretariat
        self.csrf = csrf_input(request) if self.secretariat else ""
        self.assignment_url = _PkUrl("assignment_detail")
        self.review_url = _PkUrl("report_review")
        self.file_url = _PkUrl("attachment_download")
        self.dates: dict = {}

    def date_short(self, value) -> str:
        if value not in self.dates:
            self.dates[value] = thai.date_short(value)
        return self.dates[value]

    def datetime(self, value) -> str:
        if not value:
            return ""
        local = timezone.localtime(value)
        return f"{self.date_short(local.date())} {thai.time_thai(local.time())}"

    def status(self, a: Assignment) -> SafeString:
        return _html(
            STATUS_HTML + "\n", a.status, a.get_status_display(), OVERDUE_BADGE if a.is_overdue(self.on) else ""
        )

    def source(self, directive: Directive) -> SafeString:
        """includes/source_link.html for the directive's meeting or letter."""
        if directive.letter_id:
            letter = directive.letter
            return _html(SOURCE_LETTER_HTML, reverse("letter_list"), reverse("letter_detail", args=[letter.pk]), letter)
        if directive.meeting_id:
            meeting = directive.meeting
            return _html(
                SOURCE_MEETING_HTML,
                reverse("meeting_detail", args=[meeting.pk]),
                meeting.series.name,
                meeting.number_label,
            )
        return SafeString("\n")

    def directive_status(self, directive: Directive) -> SafeString:
        overdue = OVERDUE_BADGE if directive.is_overdue(self.on) else ""
        return _html(STATUS_HTML + "\n", directive.state, directive.get_state_display(), overdue)

    def card(self, a: Assignment) -> SafeString:
        reports = a.latest_reports
        more = ""
        if a.report_count > len(reports):
            more = _html(
                '<p class="more"><a href="{}">ดูรายงานทั้งหมด ({} รายการ)</a></p>',
                self.assignment_url(a.pk),
                thai.thai_digits(a.report_count),
            )
        timeline = mark_safe("".join([self.report(r) for r in reports])) if reports else NO_REPORTS_HTML
        return _html(
            CARD_HTML,
            a.pk,
            self.assignment_url(a.pk),
            a.agency.name,
            a.get_role_display(),
            self.status(a),
            self.date_short(a.due_date) or "ไม่ได้กำหนด",
            _html("รับทราบ {}", self.datetime(a.acknowledged_at)) if a.acknowledged_at else NOT_ACKNOWLEDGED_HTML,
            _html('<ol class="timeline">\n{}\n</ol>\n', timeline),
            more,
        )

    def report(self, report: ProgressReport) -> SafeString:
        files = report.attachments.all()
        if files:
            files = _html(
                '\n    <ul class="files">{}</ul>\n    ',
                mark_safe(
                    "".join(
                        _html(FILE_HTML, self.file_url(f.pk), f.original_name, filesizeformat(f.size)) for f in files
                    )
                ),
            )
        else:
            files = ""
        form = ""
        if self.secretariat and report.review == "pending":
            url = self.review_url(report.pk)
            form = _html(REVIEW_FORM_HTML, url, self.csrf, url)
        author = report.created_by
        return _html(
            REPORT_HTML,
            report.review,
            report.get_status_display(),
            _html(" · ร้อยละ {}", thai.thai_digits(report.percent)) if report.percent is not None else "",
            self.datetime(report.created_at),
            author.get_full_name() or author.username,
            linebreaksbr(report.text, autoescape=True),
            _html("<p>ขอขยายเวลาถึง {}</p>", thai.date_long(report.requested_due_date))
            if report.requested_due_date
            else "",
            files,
            report.get_review_display(),
            _html(" · {}", self.datetime(report.reviewed_at)) if report.reviewed_at else "",
            _html(": {}", report.review_comment) if report.review_comment else "",
            form,
        )

    def member_row(self, a: Assignment) -> SafeString:
        latest = a.latest_reports[0] if a.latest_reports else None
        if latest:
            review = ""
            if latest.review == "pending" and self.secretariat:
                review = _html(' · <a href="{}">ตรวจ</a>', self.review_url(latest.pk))
            last = _html("{}{}", self.datetime(latest.created_at), review)
        else:
            last = NOT_REPORTED_HTML
        return _html(
            MEMBER_ROW_HTML,
            a.pk,
            self.assignment_url(a.pk),
            a.agency.name,
            self.status(a),
            self.date_short(a.due_date) or "ไม่ได้กำหนด",
            last,
        )


@require_GET
def directive_detail(request, pk: int):
    return _directive_page(request, get_page_directive_for_user(request, pk))


def _directive_page(
    request,
    directive: Directive,
    *,
    close_form: CloseForm | None = None,
    narrow_form: NarrowGroupForm | None = None,
    status: int = 200,
):
    actor = actor_for(request.user)
    narrows = actor.is_secretariat and not directive.is_closed
    # With a group line's members for its narrowing form (below), in the same query.
    parties = parties_of(directive, with_members=narrows)
    is_group = any(p.group_id for p in parties)
    assignments = assignments_with_latest_reports(
        directive, LATEST_REPORTS, agency=actor.agency if actor.is_agency else None
    )
    # A group item's roll-up, from its members' shares (all on the page).
    rollup = Rollup.of(assignments) if is_group and not actor.is_agency else None
    narrow_forms = []
    if narrows:
        narrow_forms = [
            narrow_form if narrow_form is not None and narrow_form.party.pk == p.pk else NarrowGroupForm(party=p)
            for p in parties
            if p.group_id
        ]
    members: list[Assignment] = []
    if is_group and not actor.is_agency:
        # Agencies named on their own keep their full card; a group's members read as
        # one table under the roll-up.
        named = {p.agency_id for p in parties if p.agency_id}
        everyone = assignments
        assignments = [a for a in everyone if a.agency_id in named]
        members = [a for a in everyone if a.agency_id not in named]
    rows = _PageRows(request, actor, today())
    return render(
        request,
        "directives/directive_detail.html",
        {
            "directive": directive,
            "parties": parties,
            "children": directive.children.all() if directive.has_children else (),
            "source_link": rows.source(directive),
            "status": rows.directive_status(directive),
            "assignments": assignments,
            "members": members,
            "cards": [rows.card(a) for a in assignments],
            "member_rows": [rows.member_row(a) for a in members],
            "rollup": rollup,
            "members_table": is_group and not actor.is_agency,
            "narrow_forms": narrow_forms,
            "close_form": close_form or CloseForm(),
        },
        status=status,
    )


@require_POST
def directive_narrow_group(request, pk: int, party_pk: int):
    """เฉพาะหน่วยงานที่…: the secretariat keeps a group line's work with chosen members."""
    directive = get_directive_for_user(request, pk, write=True)
    party = get_object_or_404(directive.parties.select_related("group"), pk=party_pk, group__isnull=False)
    form = NarrowGroupForm(request.POST, party=party)
    if form.is_valid():
        try:
            services.directive_narrow_group(
                directive=directive,
                party=party,
                members=list(form.cleaned_data["members"]),
                label=form.cleaned_data["label"],
                by=request.user,
            )
        except (ValidationError, services.DomainError) as error:
            errors_to_form(form, error)
        else:
            messages.success(request, f"บันทึกหน่วยงานที่รับผิดชอบของ{party.group.name}แล้ว")
            return redirect("directive_detail", pk=directive.pk)
    # The page again (read as the page reads it), with the choices as ticked.
    return _directive_page(request, get_page_directive_for_user(request, pk), narrow_form=form, status=400)


@require_http_methods(["GET", "POST"])
def directive_create(request, meeting_pk: int):
    meeting = get_meeting_for_user(request, meeting_pk, write=True)
    return _directive_create(request, meeting=meeting)


@require_http_methods(["GET", "POST"])
def letter_directive_create(request, letter_pk: int):
    letter = get_letter_for_user(request, letter_pk, write=True)
    return _directive_create(request, letter=letter)


def _directive_create(request, *, meeting=None, letter=None):
    """The directive form of a meeting or of a letter: one flow for both sources."""
    source = {"meeting": meeting, "letter": letter}
    parent = None
    if request.GET.get("parent"):
        parent = get_object_or_404(Directive, pk=parse_id(request.GET["parent"]), **source)
    initial = _proposal(meeting or letter, parent=parent, after=request.GET.get("after", ""))
    form = DirectiveForm(request.POST or None, parent=parent, initial=initial, **source)
    if request.method == "POST" and form.is_valid():
        try:
            directive = services.directive_create(
                parent=parent, parties=form.party_list(), by=request.user, **source, **form.directive_fields()
            )
        except (ValidationError, services.DomainError) as error:
            errors_to_form(form, error)
        else:
            messages.success(request, f"บันทึกข้อ {directive.number_label} แล้ว")
            if "add_another" in request.POST:
                query = {"parent": parent.pk} if parent else {}
                if letter is not None:
                    url = reverse("letter_directive_create", args=[letter.pk])
                else:
                    url = reverse("directive_create", args=[meeting.pk])
                return redirect(f"{url}?{urlencode({**query, 'after': directive.pk})}")
            return redirect(directive.source_url)
    context = {"form": form, **source, "source": meeting or letter, "parent": parent, "suggest": True}
    return render(request, "directives/directive_form.html", context)


def _proposal(source, *, parent: Directive | None, after: str) -> dict:
    """What "บันทึกและเพิ่มข้อถัดไป" offers: the number after the one just saved
    (3 → 4, 7.2 → 7.3) and its due date; otherwise the next free number."""
    taken = set(source.directives.values_list("number", flat=True))
    previous = source.directives.filter(pk=parse_id(after)).first() if after else None
    if previous is not None:
        return {"number": next_free(previous.number, taken), "due_date": previous.due_date}
    if parent is not None:
        return {"number": next_free(f"{parent.number}.0", taken)}
    return {"number": next_top_level(taken)}


@require_http_methods(["GET", "POST"])
def directive_bulk(request, meeting_pk: int):
    """เพิ่มข้อสั่งการหลายข้อ: a whole meeting's table saved in one submit, or nothing."""
    meeting = get_meeting_for_user(request, meeting_pk, write=True)
    matcher = PartyMatcher()
    existing = list(meeting.directives.values_list("number", flat=True))
    kwargs = {"meeting": meeting, "matcher": matcher}
    checked = request.method == "POST" and "add_rows" not in request.POST
    if request.method == "GET":
        formset = BulkFormSet(proposals=bulk_proposals(existing), **kwargs)
    elif not checked:
        formset = BulkFormSet(bulk_with_more_rows(request.POST, existing=existing), quiet=True, **kwargs)
    else:
        formset = BulkFormSet(request.POST, **kwargs)
        if not formset.management_form.is_valid():  # a broken or stale page: start a fresh table
            messages.error(request, "ข้อมูลตารางไม่ครบ กรุณากรอกอีกครั้ง")
            formset = BulkFormSet(proposals=bulk_proposals(existing), **kwargs)
        elif formset.is_valid():
            try:
                made = services.directive_create_many(meeting=meeting, rows=formset.new_directives(), by=request.user)
            except services.RowError as error:
                errors_to_form(formset.filled_forms[error.row], error.error)
                formset.non_form_errors().append("ยังบันทึกไม่ได้ กรุณาแก้ไขช่องที่มีข้อความสีแดง ยังไม่มีข้อใดถูกบันทึก")
            else:
                numbers = ", ".join(d.number_label for d in made)
                messages.success(request, f"บันทึก {thai.thai_digits(len(made))} ข้อแล้ว (ข้อ {numbers})")
                if unmatched := formset.unmatched_labels():
                    messages.info(request, "ไม่ตรงกับหน่วยงานในระบบ จึงพิมพ์ตามที่กรอกโดยไม่มอบหมายงาน: " + ", ".join(unmatched))
                return redirect("meeting_detail", pk=meeting.pk)
    context = {"meeting": meeting, "formset": formset, "matcher": matcher}
    return render(request, "directives/directive_bulk.html", context)


@require_GET
def directive_suggest_agencies(request):
    """Agencies of similar past directives, for the chips under the agency checklist."""
    require_secretariat(request)
    text = request.GET.get("text", "")[: suggest.MAX_TEXT]
    return JsonResponse({"suggestions": suggest.suggest_agencies(text)})


@require_http_methods(["GET", "POST"])
def directive_edit(request, pk: int):
    directive = get_directive_for_user(request, pk, write=True)
    form = DirectiveForm(request.POST or None, instance=directive)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.directive_update(
                directive=directive,
                parties=form.party_list(),
                expected_version=form.loaded_version,
                by=request.user,
                **form.directive_fields(),
            )
        except services.EditConflict as conflict:
            form.show_conflict(conflict)
            status = 409
        except (ValidationError, services.DomainError) as error:
            errors_to_form(form, error)
        else:
            messages.success(request, f"บันทึกการแก้ไขข้อ {directive.number_label} แล้ว")
            return redirect("directive_detail", pk=directive.pk)
    context = {
        "form": form,
        "meeting": directive.meeting,
        "letter": directive.letter,
        "source": directive.source,
        "parent": directive.parent,
        "directive": directive,
    }
    return render(request, "directives/directive_form.html", context, status=status)


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
    return _directive_page(request, get_page_directive_for_user(request, pk), close_form=form, status=400)


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
        .select_related("directive__meeting__series", "directive__letter")
        # Only what the cards show: a hundred rows of four models each, whose other
        # columns (texts, timestamps) would be converted and kept for nothing.
        .only(*INBOX_FIELDS)
        .order_by("due_date", "directive__sort_key")
    )
    on = today()
    soon = on + datetime.timedelta(days=settings.DUE_SOON_DAYS)
    not_overdue = Q(due_date__isnull=True) | Q(due_date__gte=on)
    # Each item appears once, in the most urgent bucket that fits it; plain
    # conditions (no subqueries) so every bucket is an index range of one agency.
    kinds = [
        ("overdue", "เกินกำหนด", mine.overdue(on), "?overdue=true"),
        ("new", "ใหม่ (ยังไม่รับทราบ)", mine.unacknowledged().filter(not_overdue), ""),
        ("due_soon", "ใกล้ครบกำหนด", mine.due_soon(on).filter(acknowledged_at__isnull=False), "?overdue=false"),
        (
            "open",
            "อยู่ระหว่างดำเนินการ",
            mine.open().filter(Q(due_date__isnull=True) | Q(due_date__gt=soon), acknowledged_at__isnull=False),
            "?overdue=false",
        ),
        ("done", "เสร็จแล้ว / ปิดประเด็น", mine.finished().order_by("-updated_at"), "?status=done"),
    ]
    # A busy agency can hold thousands of items: show the first few of each bucket
    # and link to the full, filterable list for the rest.
    buckets = []
    csrf = csrf_input(request)
    for key, title, items, more in kinds:
        first = list(items[:INBOX_BUCKET_SIZE])
        # A bucket that fits on the page is counted by its rows, without a query.
        count = len(first) if len(first) < INBOX_BUCKET_SIZE else items.count()
        cards = [_inbox_card(a, on=on, csrf=csrf) for a in first]
        buckets.append({"key": key, "title": title, "items": first, "cards": cards, "count": count, "more": more})
    return render(request, "directives/inbox.html", {"agency": agency, "buckets": buckets, "today": on})


def _inbox_card(a: Assignment, *, on: datetime.date, csrf: SafeString) -> SafeString:
    """One item of the inbox. Written here rather than in the page's template: a
    hundred cards of a dozen template lookups each were half the page's time."""
    d = a.directive
    source = str(d.letter) if d.letter_id else f"{d.meeting.series.name} ครั้งที่ {d.meeting.number_label}"
    acknowledge = ""
    if not a.acknowledged_at and a.is_open:
        acknowledge = format_html(
            '<form method="post" action="{}" class="inline">{}<input type="hidden" name="next" value="inbox">'
            '<button type="submit">รับทราบ</button></form>',
            reverse("assignment_acknowledge", args=[a.pk]),
            csrf,
        )
    return format_html(
        '<article class="card item"><p class="meta">{} · ข้อ {}</p>'
        '<h3><a href="{}">{}{}</a></h3>'
        "<p>{} · กำหนดเสร็จ {}</p>{}</article>",
        source,
        d.number_label,
        reverse("assignment_detail", args=[a.pk]),
        format_html("<u>{}</u> ", d.heading) if d.heading else "",
        Truncator(d.text).chars(140),
        status_badge(a.status, a.get_status_display(), a.is_overdue(on)),
        thai.date_short(a.due_date) or "ไม่ได้กำหนด",
        acknowledge,
    )


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


# What a user uploaded is shown under a policy of its own: no script at all, sandboxed,
# nothing loaded but the file itself; only inline style, which Chromium's viewer of a
# bare image needs and which cannot run anything.
UPLOAD_POLICY = {"default-src": [NONE], "img-src": [SELF], "style-src": [UNSAFE_INLINE], "sandbox": True}


@require_GET
@csp(UPLOAD_POLICY)
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
