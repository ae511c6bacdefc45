"""Who may read and change minutes. Like meetings, minutes are circulated to every
agency, so every signed-in role reads them; only the secretariat writes them, and
only agency users send correction requests."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from agencies.access import require_known_role, require_secretariat
from agencies.roles import actor_for
from meetings.access import get_meeting_for_user

from .models import AgendaItem, AgendaSection, CorrectionRequest, Minutes, State


def get_minutes_for_user(request, meeting_pk: int, *, write: bool = False) -> Minutes:
    """Draft minutes carry every agency's progress as it stands: until they are
    circulated only the secretariat and executives read them (agency users get 404)."""
    meeting = get_meeting_for_user(request, meeting_pk, write=write)
    try:
        minutes = Minutes.objects.select_related("meeting__series", "certified_in").get(meeting=meeting)
    except Minutes.DoesNotExist:
        raise Http404("การประชุมนี้ยังไม่มีรายงานการประชุม") from None
    if not visible_to(actor_for(request.user), minutes):
        raise Http404("รายงานการประชุมนี้ยังไม่ได้เวียนให้หน่วยงาน")
    return minutes


def visible_to(actor, minutes: Minutes) -> bool:
    return actor.reads_all or minutes.state != State.DRAFT


def get_section_for_user(request, meeting_pk: int, number: int) -> AgendaSection:
    require_secretariat(request)
    minutes = get_minutes_for_user(request, meeting_pk, write=True)  # pragma: no mutate (refused just above)
    return get_object_or_404(AgendaSection.objects.select_related("minutes__meeting"), minutes=minutes, number=number)


def get_item_for_user(request, pk: int) -> AgendaItem:
    """Agenda items are changed by the secretariat only (every role reads them on the
    minutes page)."""
    require_known_role(request)
    require_secretariat(request)
    return get_object_or_404(AgendaItem.objects.select_related("section__minutes__meeting__series", "parent"), pk=pk)


def require_agency_user(request):
    actor = actor_for(request.user)
    require_known_role(request)
    if not actor.is_agency:
        raise PermissionDenied("คำขอแก้ไขรายงานการประชุมส่งโดยผู้ใช้ของหน่วยงาน")
    return actor


def get_correction_for_decision(request, pk: int) -> CorrectionRequest:
    require_known_role(request)
    require_secretariat(request)
    return get_object_or_404(CorrectionRequest.objects.select_related("minutes__meeting"), pk=pk)
