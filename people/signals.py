"""Remember which sessions belong to whom (for "my sessions"), and whether this
session still owes a second factor."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.dispatch import receiver

from lampang_tracker.auth import client_ip

from . import twofactor
from .models import UserSession


@receiver(user_logged_in, dispatch_uid="people_session_record")
def record_session(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    if request.session.session_key is None:
        request.session.save()
    UserSession.objects.update_or_create(
        session_key=request.session.session_key,
        defaults={
            "user": user,
            "ip_address": client_ip(request),
            "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
        },
    )
    # Forget this user's sessions that have ended (expired, or cleared by clearsessions).
    UserSession.objects.filter(user=user).exclude(pk__in=UserSession.objects.live().values("pk")).delete()
    twofactor.mark_session(request, user)


@receiver(user_logged_out, dispatch_uid="people_session_forget")
def forget_session(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session") and request.session.session_key:
        UserSession.objects.filter(session_key=request.session.session_key).delete()
