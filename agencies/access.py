from django.http import Http404
from django.shortcuts import get_object_or_404

from agencies.roles import actor_for

from .models import Agency


def get_agency_for_user(request, pk: int) -> Agency:
    """Secretariat and executives read every agency; an agency user only their own
    (another agency answers 404, so its existence is not revealed)."""
    actor = actor_for(request.user)
    agency = get_object_or_404(Agency, pk=pk)
    if actor.reads_all or (actor.is_agency and actor.agency.pk == agency.pk):
        return agency
    raise Http404("ไม่พบหน่วยงาน")
