"""Small read helpers shared by the people pages."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Exists, Max, OuterRef

from notifications.models import Preference


def people():
    """Every account with its profile and agency, and when it was last invited."""
    return (
        get_user_model()
        .objects.select_related("profile__agency")
        .annotate(
            invited_at=Max("invitations__sent_at"),
            # Linked through the bot's one-time code (notifications.Preference).
            line_linked=Exists(Preference.objects.filter(user=OuterRef("pk")).exclude(line_user_id="")),
        )
        .order_by("-is_active", "first_name", "last_name")
    )
