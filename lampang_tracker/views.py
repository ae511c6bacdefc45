"""Views that belong to no app: the health check a load balancer or monitor polls."""

from __future__ import annotations

import logging
import tempfile

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("healthz: the database does not answer")
        return False


def var_dir_ok() -> bool:
    """The database file (SQLite) and the uploads live in VAR_DIR: it must take a new file."""
    try:
        with tempfile.NamedTemporaryFile(dir=settings.VAR_DIR, prefix=".healthz-") as probe:
            probe.write(b"ok")
            probe.flush()
        return True
    except OSError:
        logger.exception("healthz: VAR_DIR is not writable")
        return False


@login_not_required
@never_cache
@require_GET
def healthz(request):
    """200 {"status": "ok"} when the database answers and VAR_DIR is writable,
    otherwise 503 naming what failed (details go to the log, not to the caller)."""
    checks = {"database": database_ok(), "var_dir": var_dir_ok()}
    failed = [name for name, ok in checks.items() if not ok]
    if failed:
        return JsonResponse({"status": "error", "failed": failed}, status=503)
    return JsonResponse({"status": "ok"})
