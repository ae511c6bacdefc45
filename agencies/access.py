from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from agencies.roles import actor_for

from .models import Agency


def require_secretariat(request) -> None:
    if not actor_for(request.user).is_secretariat:
        raise PermissionDenied("เฉพาะฝ่ายเลขานุการเท่านั้น")


def require_known_role(request) -> None:
    if actor_for(request.user).role is None:
        raise PermissionDenied("บัญชีนี้ยังไม่ได้กำหนดบทบาท กรุณาติดต่อฝ่ายเลขานุการ")


def get_agency_for_user(request, pk: int) -> Agency:
    """Secretariat and executives read every agency; an agency user only their own
    (another agency answers 404, so its existence is not revealed)."""
    actor = actor_for(request.user)
    require_known_role(request)
    agency = get_object_or_404(Agency, pk=pk)
    if actor.reads_all or (actor.is_agency and actor.agency.pk == agency.pk):
        return agency
    raise Http404("ไม่พบหน่วยงาน")
