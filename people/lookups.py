"""Small read helpers shared by the people pages."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Max

from agencies.models import Profile

LINE_FIELD_NAMES = ("line_user_id", "line_id")


def line_field() -> str | None:
    """The Profile field that holds a LINE link, if the notifications app added one."""
    for name in LINE_FIELD_NAMES:
        try:
            Profile._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        return name
    return None


def people():
    """Every account with its profile and agency, and when it was last invited."""
    return (
        get_user_model()
        .objects.select_related("profile__agency")
        .annotate(invited_at=Max("invitations__sent_at"))
        .order_by("-is_active", "first_name", "last_name")
    )
