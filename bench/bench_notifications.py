"""Time of ``send_notifications`` at scale: the reminders are found by queries, not by
a loop over every directive.

    .venv/bin/python bench/bench_notifications.py [--directives 100000] [--db PATH]

On a SQLite database (default ``var/bench/bench-notify-<N>.sqlite3``, kept and reused
while it holds N directives) filled by ``generate_demo_data``, with one agency user with
an e-mail address per agency: a full run (``send_notifications --digest``: due in
7/3/1 days, reporting days, overdue bands, the วิกฤต digest, then e-mail through the
locmem backend), a second run (must queue and send nothing), and a ``--dry-run``.
Prints seconds, rows queued, messages sent and the query count. Target: a full run
≤ 10 s at 100 000 directives. Figures, not pass/fail.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_S = 10


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--directives", type=int, default=100000)
    parser.add_argument("--db", default="")
    args = parser.parse_args(argv)

    db = Path(args.db or ROOT / "var" / "bench" / f"bench-notify-{args.directives}.sqlite3")
    db.parent.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("VAR_DIR", str(db.parent))
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lampang_tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from agencies.models import Agency, Profile
    from directives.models import Assignment, Directive
    from notifications.models import Notification

    setup_test_environment()  # the locmem backend's mail.outbox
    call_command("migrate", verbosity=0)
    if Directive.objects.count() < args.directives:
        print(f"generating {args.directives} directives (once; a few minutes) …", flush=True)
        start = time.perf_counter()
        call_command("generate_demo_data", directives=args.directives - Directive.objects.count(), seed=1)
        print(f"  generated in {time.perf_counter() - start:.0f} s")
    have = set(Profile.objects.filter(role=Profile.Role.AGENCY).values_list("agency_id", flat=True))
    new = [a for a in Agency.objects.all() if a.pk not in have]
    users = User.objects.bulk_create(
        [User(username=f"notify{a.pk}", email=f"notify{a.pk}@bench.example", password="!") for a in new]
    )
    Profile.objects.bulk_create(
        [Profile(user=u, role=Profile.Role.AGENCY, agency=a) for u, a in zip(users, new, strict=True)]
    )
    User.objects.filter(email="").update(email="bench@bench.example")
    Notification.objects.all().delete()

    print(
        f"notifications benchmark: {Directive.objects.count()} directives, "
        f"{Assignment.objects.count()} assignments ({Assignment.objects.open().count()} open), "
        f"{Agency.objects.count()} agencies"
    )

    def timed(label: str, *options: str) -> float:
        out = io.StringIO()
        connection.queries_log.clear()
        mail.outbox = []
        with CaptureQueriesContext(connection) as queries:
            start = time.perf_counter()
            call_command("send_notifications", *options, stdout=out)
            elapsed = time.perf_counter() - start
        first = out.getvalue().splitlines()[0] if out.getvalue() else ""
        flag = "" if elapsed <= TARGET_S else "  (over target)"
        print(f"  {label}: {elapsed:.2f} s, {len(queries)} queries, {len(mail.outbox)} e-mails — {first}{flag}")
        return elapsed

    timed("dry run             ", "--dry-run", "--digest")
    timed("full run (--digest) ", "--digest", "--limit", "10000")
    timed("second run          ", "--digest", "--limit", "10000")
    print(f"  outbox rows: {Notification.objects.count()}")


if __name__ == "__main__":
    main()
