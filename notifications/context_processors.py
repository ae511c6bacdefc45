from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from agencies.roles import actor_for

from .models import AgencySetting, Notification, Preference


def notify(request):
    """The unread count in the header and the calendar feed links of the home and
    inbox pages: lazy, so each costs a query only on a page that shows it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    # A read page writes nothing: without a token yet, the link goes to the
    # preferences page, which makes one.
    def user_feed() -> str:
        token = Preference.objects.filter(user=user).values_list("calendar_token", flat=True).first()
        return request.build_absolute_uri(reverse("calendar_user", args=[token])) if token else ""

    def agency_feed() -> str:
        agency = actor_for(user).agency
        if agency is None:
            return ""
        token = AgencySetting.objects.filter(agency=agency).values_list("calendar_token", flat=True).first()
        return request.build_absolute_uri(reverse("calendar_agency", args=[token])) if token else ""

    return {
        "notify_unread": SimpleLazyObject(lambda: Notification.objects.for_user(user).unread().count()),
        "notify_user_feed": SimpleLazyObject(user_feed),
        "notify_agency_feed": SimpleLazyObject(agency_feed),
    }
