from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from . import twofactor


class TwoFactorMiddleware:
    """Until a code is accepted, a session marked at login ("verify"/"setup") may
    open only the two-factor pages, the privacy notice and logout."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        state = request.session.get(twofactor.SESSION_KEY) if hasattr(request, "session") else None
        if state and request.user.is_authenticated:
            if request.user.is_verified():
                del request.session[twofactor.SESSION_KEY]
            else:
                target = reverse("two_factor_verify" if state == twofactor.VERIFY else "two_factor_setup")
                open_paths = {
                    target,
                    reverse("logout"),
                    reverse("privacy"),
                    reverse("two_factor_setup"),
                    reverse("two_factor_verify"),
                }
                static = "/" + settings.STATIC_URL.lstrip("/")
                if request.path not in open_paths and not request.path.startswith(static):
                    query = urlencode({"next": request.get_full_path()}) if request.method == "GET" else ""
                    return redirect(f"{target}?{query}" if query else target)
        return self.get_response(request)
