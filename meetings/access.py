"""Who may read and change meetings. Meetings and their summaries are circulated
to every agency, so every signed-in role reads them; only the secretariat writes."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from agencies.roles import actor_for

from .models import Meeting


def require_secretariat(request) -> None:
    if not actor_for(request.user).is_secretariat:
        raise PermissionDenied("เฉพาะฝ่ายเลขานุการเท่านั้น")


def require_known_role(request) -> None:
    if actor_for(request.user).role is None:
        raise PermissionDenied("บัญชีนี้ยังไม่ได้กำหนดบทบาท กรุณาติดต่อฝ่ายเลขานุการ")


def get_meeting_for_user(request, pk: int, *, write: bool = False) -> Meeting:
    require_known_role(request)
    meeting = get_object_or_404(Meeting.objects.select_related("series"), pk=pk)
    if write:
        require_secretariat(request)
    return meeting
