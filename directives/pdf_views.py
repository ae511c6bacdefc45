"""Printed documents as PDF responses. Thin: access helper, render function, response."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import FileResponse, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from agencies.access import get_agency_for_user, require_known_role
from lampang_tracker import thai, word
from lampang_tracker.forms import BoundedTextMixin
from meetings.access import get_meeting_for_user

from . import documents, services
from .access import get_followup_issue_for_user, require_reads_all


class AsOfForm(BoundedTextMixin, forms.Form):
    """?as_of= as a browser date picker sends it (2017-12-20) or as typed (20/12/2560)."""

    as_of = forms.CharField(required=False, max_length=40)

    def clean_as_of(self):
        value = self.cleaned_data["as_of"].strip()
        if not value:
            return None
        try:
            return thai.parse_thai_date(value)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error


def _pdf_response(filename: str, pdf: bytes) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=filename)
    return response


def docx_response(filename: str, data: bytes) -> HttpResponse:
    """A Word copy, downloaded (Word opens it for editing)."""
    response = HttpResponse(data, content_type=word.CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def bad_as_of(form: AsOfForm) -> HttpResponseBadRequest:
    message = "วันที่ข้อมูล (as_of) ไม่ถูกต้อง: " + " ".join(form.errors["as_of"])
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


@require_GET
def meeting_summary_pdf(request, pk: int):
    meeting = get_meeting_for_user(request, pk)
    return _pdf_response(*documents.render_summary(meeting))


@require_GET
def meeting_summary_docx(request, pk: int):
    meeting = get_meeting_for_user(request, pk)
    return docx_response(*documents.render_summary_docx(meeting))


@require_GET
def meeting_followup_pdf(request, pk: int):
    meeting = get_meeting_for_user(request, pk)
    require_reads_all(request)
    form = AsOfForm(request.GET)
    if not form.is_valid():
        return bad_as_of(form)
    appendix = request.GET.get("appendix") == "1"
    return _pdf_response(*documents.render_followup(meeting, form.cleaned_data["as_of"], appendix=appendix))


@require_GET
def agency_report_pdf(request, pk: int):
    require_known_role(request)
    agency = get_agency_for_user(request, pk)
    return _pdf_response(*documents.render_agency_report(agency))


@require_POST
def meeting_followup_issue(request, pk: int):
    """เผยแพร่รายงานติดตามผล: freeze today's follow-up and send it to every agency."""
    meeting = get_meeting_for_user(request, pk, write=True)
    form = AsOfForm(request.POST)
    if not form.is_valid():
        messages.error(request, "วันที่ข้อมูลไม่ถูกต้อง: " + " ".join(form.errors["as_of"]))
        return redirect("meeting_detail", pk=meeting.pk)
    issue = services.followup_issue(meeting=meeting, as_of=form.cleaned_data["as_of"], by=request.user)
    messages.success(request, f"เผยแพร่รายงานติดตามผล ข้อมูล ณ วันที่ {thai.date_long(issue.as_of)} แล้ว")
    return redirect("meeting_detail", pk=meeting.pk)


@require_GET
def followup_issued_pdf(request, pk: int):
    issue = get_followup_issue_for_user(request, pk)
    response = FileResponse(issue.file.open("rb"), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=issue.filename)
    return response
