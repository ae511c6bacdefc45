"""Logins: sessions that end after a time without activity, the page django-axes
shows after too many wrong passwords, the client address it counts failures by, and
the admin's login sent to the app's own login page."""

from __future__ import annotations

import ipaddress
import math

from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME, user_logged_in
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

LOCKED_OUT_STATUS = 429
# When the session was last saved (seconds since the epoch), kept in the session.
SESSION_STAMP = "_idle_refreshed"


def _now() -> int:
    return int(timezone.now().timestamp())


@receiver(user_logged_in)
def stamp_new_session(sender, request, user, **kwargs) -> None:
    """A fresh login is a fresh session: it needs no refresh for a while."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_STAMP] = _now()


class IdleSessionMiddleware:
    """A login ends after SESSION_COOKIE_AGE seconds without a request.

    The database session expires SESSION_COOKIE_AGE after it was last saved. Saving
    it on every request (SESSION_SAVE_EVERY_REQUEST) would turn every page view into
    a database write; this saves it at most once every SESSION_REFRESH_SECONDS, so
    the idle limit holds to within that much and reads stay reads.
    Sits after SessionMiddleware (so it runs before the session is saved).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.get("_auth_user_id") is not None:
            stamp = session.get(SESSION_STAMP)
            now = _now()
            if not isinstance(stamp, int) or now - stamp >= settings.SESSION_REFRESH_SECONDS:
                session[SESSION_STAMP] = now  # modified: SessionMiddleware saves it, expiry moves on
        return response


def login_locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page again, with the wait in Thai (429)."""
    cool_off = get_cool_off(request)
    minutes = math.ceil(cool_off.total_seconds() / 60) if cool_off else None
    next_url = request.POST.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = ""
    form = AuthenticationForm(request, initial={"username": get_client_username(request, credentials) or ""})
    context = {"form": form, "next": next_url, "locked_out": True, "locked_out_minutes": minutes}
    return render(request, "registration/login.html", context, status=LOCKED_OUT_STATUS)


def client_ip(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the address failures are counted by.

    With TRUSTED_PROXY_COUNT proxies in front (nginx appends the address it saw to
    X-Forwarded-For), the client is that many entries from the right; anything the
    client wrote further left is ignored. A value that is not an address falls back
    to REMOTE_ADDR.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-count]))
    except ValueError:
        return remote


@login_not_required
def admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """Replaces ``admin.site.login``: the admin has no login form of its own, so one
    login page (with its throttling and Thai messages) guards everything."""
    if request.user.is_authenticated:
        if admin.site.has_permission(request):
            return redirect("admin:index")
        raise PermissionDenied("บัญชีนี้ไม่มีสิทธิ์ใช้หน้าผู้ดูแลระบบ")
    next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("admin:index")
    return redirect_to_login(next_url)
