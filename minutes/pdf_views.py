"""The minutes as a PDF. Thin: access helper, render function, response."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseBadRequest
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from lampang_tracker import word

from . import documents
from .access import get_minutes_for_user
from .services import DomainError


@require_GET
def minutes_docx(request, pk: int):
    """รายงานการประชุม of meeting ``pk`` as a Word document, to adjust before signing;
    ``?letter=1`` puts the cover letter first, as for the PDF."""
    minutes = get_minutes_for_user(request, pk)
    try:
        filename, data = documents.render_minutes_docx(minutes, with_letter=request.GET.get("letter") == "1")
    except DomainError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type=word.CONTENT_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@require_GET
def minutes_pdf(request, pk: int):
    """รายงานการประชุม of meeting ``pk``; ``?letter=1`` puts the cover letter first."""
    minutes = get_minutes_for_user(request, pk)
    try:
        filename, pdf = documents.render_minutes(minutes, with_letter=request.GET.get("letter") == "1")
    except DomainError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=filename)
    return response
