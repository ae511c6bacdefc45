from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from agencies.roles import actor_for


def require_people_reader(request) -> None:
    """The people pages: the secretariat manages, executives read, agency users never."""
    if not actor_for(request.user).reads_all:
        raise PermissionDenied("เฉพาะฝ่ายเลขานุการและผู้บริหารเท่านั้น")


def get_person_for_user(request, pk: int, *, write: bool = False):
    """One account; executives may read it, only the secretariat may change it."""
    require_people_reader(request)
    if write and not actor_for(request.user).is_secretariat:
        raise PermissionDenied("เฉพาะฝ่ายเลขานุการเท่านั้นที่แก้ไขข้อมูลผู้ใช้ได้")
    return get_object_or_404(get_user_model().objects.select_related("profile__agency"), pk=pk)
