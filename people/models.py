"""Who may sign in, beyond agencies.Profile: the sessions a person has open, the
invitations sent to them, and the audit trail of their account (User history)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import models
from django.utils import timezone
from simple_history import register

# Every change to an account (name, e-mail, active) is kept, as Profile's already are.
# The password hash never goes into the history.
register(get_user_model(), app="people", excluded_fields=["password"])


class UserSessionQuerySet(models.QuerySet):
    def live(self) -> UserSessionQuerySet:
        """Sessions that still exist and have not expired."""
        live_keys = Session.objects.filter(expire_date__gt=timezone.now()).values("session_key")
        return self.filter(session_key__in=live_keys)


class UserSession(models.Model):
    """One signed-in browser of a user, recorded on login, so the user can see (and end)
    their sessions; Django's session table does not say whose a session is."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="login_sessions")
    session_key = models.CharField(max_length=40, unique=True)
    created_at = models.DateTimeField("เข้าสู่ระบบเมื่อ", default=timezone.now)
    ip_address = models.GenericIPAddressField("ที่อยู่ IP", null=True, blank=True)
    user_agent = models.CharField("เบราว์เซอร์", max_length=300, blank=True)

    objects = UserSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user} @ {self.created_at:%Y-%m-%d %H:%M}"


class Invitation(models.Model):
    """An invitation e-mail sent (a set-password link); resending adds another."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations")
    sent_at = models.DateTimeField("ส่งเมื่อ", default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="ผู้ส่ง"
    )

    class Meta:
        ordering = ["-sent_at"]

    def __str__(self) -> str:
        return f"{self.user} {self.sent_at:%Y-%m-%d}"
