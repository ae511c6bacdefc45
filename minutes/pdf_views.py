"""The minutes as a PDF. Thin: access helper, render function, response."""

from __future__ import annotations

from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from meetings.access import get_meeting_for_user

from . import documents
from .models import Minutes
from .services import DomainError


@require_GET
def minutes_pdf(request, pk: int):
    """รายงานการประชุม of meeting ``pk``; ``?letter=1`` puts the cover letter first."""
    meeting = get_meeting_for_user(request, pk)
    minutes = Minutes.objects.filter(meeting=meeting).first()
    if minutes is None:
        raise Http404("การประชุมนี้ยังไม่มีรายงานการประชุม")
    try:
        filename, pdf = documents.render_minutes(minutes, with_letter=request.GET.get("letter") == "1")
    except DomainError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(as_attachment=False, filename=filename)
    return response
