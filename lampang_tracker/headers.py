"""The Content-Security-Policy middleware, with a policy of its own for PDFs."""

from __future__ import annotations

from csp.constants import NONE, SELF, UNSAFE_INLINE
from csp.middleware import CSPMiddleware, PolicyParts
from django.http import HttpRequest, HttpResponseBase

# Our printed documents open in the browser's PDF viewer, which Chromium builds as a
# page embedding the file (object-src) and styling it inline; nothing runs script.
PDF_POLICY = {
    "default-src": [NONE],
    "object-src": [SELF],
    "img-src": [SELF],
    "style-src": [UNSAFE_INLINE],
    "base-uri": [NONE],
    "form-action": [NONE],
    "frame-ancestors": [NONE],
}


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware (settings.CONTENT_SECURITY_POLICY for pages), giving a
    PDF response PDF_POLICY unless its view chose a policy itself."""

    def get_policy_parts(
        self, request: HttpRequest, response: HttpResponseBase, report_only: bool = False
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if not report_only and parts.config is None and response.get("Content-Type", "").startswith("application/pdf"):
            parts.config = PDF_POLICY
        return parts


class PrivateCacheMiddleware:
    """What a signed-in user is shown (pages, exports, PDFs, attachments) is theirs
    alone: no shared cache may keep it and the browser may not store it
    (``Cache-Control: private, no-store``), so it is gone from a shared computer once
    they sign out. A response that chose its own caching (/healthz, a public page,
    static files) keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response
