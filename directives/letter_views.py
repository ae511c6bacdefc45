"""หนังสือสั่งการ pages: list, page, create, edit, and their PDFs.

They live here, not in ``meetings`` (where the Letter model is), because a letter's
page shows its directives and ``meetings`` never imports ``directives``. Access
follows the meeting pages: every signed-in role reads, the secretariat writes.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from agencies.access import require_known_role, require_secretariat
from agencies.roles import actor_for
from lampang_tracker.forms import errors_to_form
from meetings.access import get_letter_for_user, openable_directive_ids
from meetings.forms import LetterForm
from meetings.models import Letter
from meetings.services import letter_create, letter_update

from . import documents
from .access import require_reads_all
from .filters import LetterFilter
from .models import Status
from .pdf_views import AsOfForm, _pdf_response, bad_as_of, docx_response
from .tables import LetterTable


def letters_with_counts():
    """Letters with ``directive_count`` and ``open_count`` (not done, not closed)."""
    live = Q(directives__is_archived=False)
    return Letter.objects.active().annotate(
        directive_count=Count("directives", filter=live),
        open_count=Count("directives", filter=live & ~Q(directives__state__in=[Status.DONE, Status.CLOSED])),
    )


class LetterListView(SingleTableMixin, FilterView):
    table_class = LetterTable
    filterset_class = LetterFilter
    template_name = "directives/letter_list.html"
    table_pagination = {"per_page": 25}
    http_method_names = ["get"]

    def get_queryset(self):
        require_known_role(self.request)
        return letters_with_counts().defer("body", "reference", "enclosures").order_by("-date", "-id")


letter_list = LetterListView.as_view()


@require_GET
def letter_detail(request, pk: int):
    letter = get_letter_for_user(request, pk)
    directives = (
        letter.directives.filter(is_archived=False)
        .prefetch_related("parties__agency", "parties__group")
        .order_by("sort_key")
    )
    linked = openable_directive_ids(actor_for(request.user), directives)
    context = {"letter": letter, "directives": directives, "linked": linked}
    return render(request, "directives/letter_detail.html", context)


@require_http_methods(["GET", "POST"])
def letter_create_view(request):
    require_secretariat(request)
    form = LetterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            letter = letter_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, f"บันทึกหนังสือ ที่ {letter.number_label} แล้ว เพิ่มข้อสั่งการของหนังสือได้เลย")
            return redirect("letter_detail", pk=letter.pk)
    return render(request, "directives/letter_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
def letter_edit(request, pk: int):
    letter = get_letter_for_user(request, pk, write=True)
    form = LetterForm(request.POST or None, instance=letter)
    if request.method == "POST" and form.is_valid():
        try:
            letter_update(letter=letter, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_to_form(form, error)
        else:
            messages.success(request, "บันทึกการแก้ไขแล้ว")
            return redirect("letter_detail", pk=letter.pk)
    return render(request, "directives/letter_form.html", {"form": form, "letter": letter})


@require_GET
def letter_summary_pdf(request, pk: int):
    letter = get_letter_for_user(request, pk)
    return _pdf_response(*documents.render_letter_summary(letter))


@require_GET
def letter_summary_docx(request, pk: int):
    letter = get_letter_for_user(request, pk)
    return docx_response(*documents.render_letter_summary_docx(letter))


@require_GET
def letter_followup_pdf(request, pk: int):
    letter = get_letter_for_user(request, pk)
    require_reads_all(request)
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return bad_as_of(form)
    return _pdf_response(*documents.render_letter_followup(letter, form.cleaned_data["as_of"]))
