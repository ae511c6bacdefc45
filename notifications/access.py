"""One access helper per object (see directives/access.py)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from agencies.access import get_agency_for_user, require_known_role, require_secretariat
from agencies.roles import actor_for

from .models import Notification


def get_notification_for_user(request, pk: int) -> Notification:
    """A user opens only their own in-app notifications (another's answers 404)."""
    require_known_role(request)
    return get_object_or_404(Notification.objects.for_user(request.user), pk=pk)


def get_outbox_row(request, pk: int) -> Notification:
    require_secretariat(request)
    return get_object_or_404(Notification, pk=pk)


def get_agency_for_calendar(request, pk: int):
    """The secretariat or the agency's own users may renew its calendar link."""
    agency = get_agency_for_user(request, pk)
    actor = actor_for(request.user)
    if not (actor.is_secretariat or (actor.is_agency and actor.agency.pk == agency.pk)):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("เฉพาะฝ่ายเลขานุการหรือผู้ใช้ของหน่วยงานนี้")
    return agency
