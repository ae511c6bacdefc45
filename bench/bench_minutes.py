"""Time of the minutes (รายงานการประชุม): their page and their PDF, in-process.

    .venv/bin/python bench/bench_minutes.py [--runs 5]

On a throw-away SQLite database filled by ``load_demo``:

1. the real minutes of ครั้งที่ ๔/๒๕๖๓ (36 attendees, 33 items, circulated): the page
   as the secretariat sees it, and the PDF with its cover letter (13 A4 pages);
2. the draft minutes of ครั้งที่ ๑๑/๒๕๖๐, whose ระเบียบวาระที่ ๓ is read live from the
   tracker (the 13 open directives of ๑๐/๒๕๖๐ and their agencies): page and PDF.

Median and slowest of ``--runs`` after one warm-up, with the page's query count and the
process's peak resident memory. Targets (as for the other pages and documents): page
≤ 150 ms, PDF ≤ 1 s a few pages. Figures, not pass/fail.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_TARGET_MS = 150


def timed(fn, runs: int) -> tuple[float, float, object]:
    result = fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times), result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="bench-minutes-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["VAR_DIR"] = str(tmp)
    os.environ["DEBUG"] = "1"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lampang_tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from pypdf import PdfReader

    from minutes.documents import render_minutes
    from minutes.models import Minutes

    call_command("migrate", verbosity=0)
    with open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)
    # As in tests: keep one connection across requests, so its queries can be counted.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client = Client()
    client.force_login(User.objects.get(username="secretariat"))

    print(f"minutes benchmark, {args.runs} runs after a warm-up (ms: median / slowest)")
    for label, number, with_letter in (("๔/๒๕๖๓ seed, circulated", 4, True), ("๑๑/๒๕๖๐ draft, live ๓", 11, False)):
        minutes = Minutes.objects.select_related("meeting__series").get(meeting__number=number)
        url = f"/meetings/{minutes.meeting_id}/minutes/"
        connection.queries_log.clear()  # a full log (load_demo's) would hide new queries
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        page_median, page_max, response = timed(lambda url=url: client.get(url), args.runs)
        assert response.status_code == 200, response.status_code
        flag = "" if page_median <= PAGE_TARGET_MS else "  (over target)"
        print(f"  page {label}: {page_median:.0f} / {page_max:.0f} ms, {len(queries)} queries{flag}")
        pdf_median, pdf_max, (_, pdf) = timed(
            lambda m=minutes, w=with_letter: render_minutes(m, with_letter=w), args.runs
        )
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        letter = " with letter" if with_letter else ""
        print(f"  pdf  {label}{letter}: {pdf_median:.0f} / {pdf_max:.0f} ms, {pages} pages, {len(pdf) // 1024} KB")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak resident memory: {peak:.0f} MB")


if __name__ == "__main__":
    main()
