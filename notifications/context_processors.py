from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from agencies.roles import actor_for

from . import services
from .models import Notification


def notify(request):
    """The unread count in the header and the calendar feed links of the home and
    inbox pages: lazy, so each costs a query only on a page that shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def user_feed() -> str:
        token = services.preference_for(user).calendar_token
        return request.build_absolute_uri(reverse("calendar_user", args=[token]))

    def agency_feed() -> str:
        agency = actor_for(user).agency
        if agency is None:
            return ""
        token = services.agency_setting_for(agency).calendar_token
        return request.build_absolute_uri(reverse("calendar_agency", args=[token]))

    return {
        "notify_unread": SimpleLazyObject(lambda: Notification.objects.for_user(user).unread().count()),
        "notify_user_feed": SimpleLazyObject(user_feed),
        "notify_agency_feed": SimpleLazyObject(agency_feed),
    }
