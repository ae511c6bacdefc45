"""The test runner: Django's, with the HTTPS redirect off.

Tests run with DEBUG off, where settings.py redirects every plain-HTTP request to
HTTPS (SECURE_SSL_REDIRECT). The test client and the browser tests' live server speak
plain HTTP, so the runner turns the redirect off, as Django's own test set-up widens
ALLOWED_HOSTS. Everything else stays as in production.
"""

from __future__ import annotations

import django
from django.conf import settings
from django.test.runner import DiscoverRunner, ParallelTestSuite


def _plain_http() -> None:
    settings.SECURE_SSL_REDIRECT = False


class PlainHttpParallelTestSuite(ParallelTestSuite):
    def process_setup(*args) -> None:
        # Called as a plain function (Django passes ``process_setup.__func__``) in
        # workers started with "spawn", which import the settings afresh (with "fork"
        # they inherit the parent's); Django sets them up again right after, harmlessly.
        django.setup()
        _plain_http()


class TestRunner(DiscoverRunner):
    parallel_test_suite = PlainHttpParallelTestSuite

    def setup_test_environment(self, **kwargs):
        super().setup_test_environment(**kwargs)
        _plain_http()
