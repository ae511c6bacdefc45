"""pytest's entry to the Django suite, for mutation testing only (make mutate).

The suite runs with Django's runner (manage.py test); mutmut runs tests through
pytest, so this sets Django up and builds the test database once per session, as the
runner does (lampang_tracker/test_runner.py: plain HTTP), and removes it after.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lampang_tracker.settings")
for name, value in {"DEBUG": "0", "STATIC_MANIFEST": "0", "SECRET_KEY": "test-only", "PYTHAINLP_OFFLINE": "1"}.items():
    os.environ.setdefault(name, value)


def pytest_configure(config):
    import django

    # mutmut runs pytest again in each process it forks for a mutant; the test database
    # built by the first run is already there (a forked copy), so build it once only.
    if getattr(django, "lampang_test_databases", None) is not None:
        return
    django.setup()
    from django.conf import settings
    from django.test.utils import setup_databases, setup_test_environment

    settings.SECURE_SSL_REDIRECT = False
    setup_test_environment()
    django.lampang_test_databases = setup_databases(verbosity=0, interactive=False)


def pytest_unconfigure(config):
    import django

    if os.environ.get("MUTANT_UNDER_TEST"):  # the mutants' processes still need it
        return
    from django.test.utils import teardown_databases, teardown_test_environment

    if (databases := getattr(django, "lampang_test_databases", None)) is not None:
        teardown_databases(databases, verbosity=0)
        teardown_test_environment()
        django.lampang_test_databases = None
