"""Time and memory of the printed documents, in-process.

    .venv/bin/python bench/bench_pdf.py [--meetings 12] [--directives 25] [--runs 5]

1. The seed meeting's summary (๑๐/๒๕๖๐, rebuilt from shared/seeds through the
   services): the first render of the process (font files read, fontconfig set up)
   and the median of ``--runs`` more. Target: ≤ 1 s.
2. A yearly follow-up report (``render_followup_year``): ``--meetings`` meetings of
   one series in one Buddhist-Era year, ``--directives`` items each (every fourth a
   heading with sub-items), two to five agencies an item, most of them with a
   report — about 200 A4 pages with the defaults. Time and the process's peak
   resident memory (``ru_maxrss``; WeasyPrint's memory is mostly outside Python's
   allocator, which ``tracemalloc`` would not see). Targets: ≤ 15 s, ≤ 300 MB.

Everything lives in a throw-away SQLite database in a temporary directory; nothing
touches var/ or another database. Figures, not pass/fail: a figure over its target
is flagged.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUMMARY_TARGET_S = 1.0
YEAR_TARGET_S = 15.0
YEAR_TARGET_MB = 300.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--meetings", type=int, default=12, help="meetings in the year (default 12)")
    parser.add_argument("--directives", type=int, default=9, help="items a meeting, sub-items counted (default 9)")
    parser.add_argument("--runs", type=int, default=5, help="timed summary renders after the first (default 5)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="also write the PDFs into this directory")
    return parser.parse_args(argv)


def peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    scale = 1 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale / 1024 / 1024


def setup_django(tmp: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench-pdf.sqlite3'}"
    os.environ["VAR_DIR"] = str(tmp)
    os.environ.setdefault("DEBUG", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lampang_tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


class Timer:
    """Wall-clock and CPU seconds of a block: on a busy machine the CPU time is
    what the render would take alone."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def bench_summary(args, user) -> tuple[Timer, list[Timer], int]:
    from directives.documents import render_summary
    from tests.test_pdf_text import build_seed_meeting

    meeting, _ = build_seed_meeting(by=user)
    with Timer() as first:
        _, pdf = render_summary(meeting)
    timers = []
    for _ in range(args.runs):
        with Timer() as timer:
            _, pdf = render_summary(meeting)
        timers.append(timer)
    if args.keep:
        (args.keep / "summary-seed.pdf").write_bytes(pdf)
    return first, timers, page_count(pdf)


def build_year(args, user):
    """A year of meetings with items, agencies and reports, through the services."""
    from django.utils import timezone

    from agencies.models import Agency, AgencyGroup
    from directives import services
    from directives.models import ProgressReport
    from meetings.models import MeetingSeries
    from meetings.services import meeting_create
    from tests.test_pdf_text import parse_seed

    rng = random.Random(args.seed)
    seed = parse_seed()
    sentences = [p for item in seed.all_items() for p in item.paragraphs]
    words = " ".join(sentences).split()
    agencies = [Agency.objects.create(name=f"สำนักงานทดสอบที่ {n} จังหวัดลำปาง", print_order=100 + n) for n in range(40)]
    districts = AgencyGroup.objects.create(name="ทุกอำเภอ (ทดสอบ)")
    districts.members.set(agencies[:6])
    series = MeetingSeries.objects.create(
        name="การประชุมหัวหน้าส่วนราชการจังหวัดลำปาง (ทดสอบ)",
        summary_title="สรุปประเด็นสืบเนื่องจากการประชุมหัวหน้าส่วนราชการ",
        office_line=seed.office_line,
    )

    def text(low: int, high: int) -> str:
        start = rng.randrange(len(words) - high)
        return " ".join(words[start : start + rng.randint(low, high)])

    year_be = 2567
    as_of = datetime.date(2024, 12, 31)
    for month in range(1, args.meetings + 1):
        day = datetime.date(2024, (month - 1) % 12 + 1, 25)
        meeting = meeting_create(by=user, series=series, number=month, year_be=year_be, date=day, venue=seed.venue)
        number = 0
        made = 0
        while made < args.directives:
            number += 1
            with_children = number % 4 == 0
            parent = services.directive_create(
                meeting=meeting,
                number=str(number),
                heading=text(3, 8),
                text="" if with_children else "\n".join(text(15, 45) for _ in range(rng.randint(1, 2))),
                due_date=day + datetime.timedelta(days=rng.randint(15, 120)),
                parties=[] if with_children else parties(rng, agencies, districts, services),
                parties_bulleted=rng.random() < 0.5,
                by=user,
            )
            made += 1
            for sub in range(1, rng.randint(2, 4) + 1 if with_children else 1):
                services.directive_create(
                    meeting=meeting,
                    parent=parent,
                    number=f"{number}.{sub}",
                    text=text(15, 40),
                    due_date=day + datetime.timedelta(days=rng.randint(15, 120)),
                    parties=parties(rng, agencies, districts, services),
                    by=user,
                )
                made += 1
        for directive in meeting.directives.all():
            for assignment in directive.assignments.all():
                for _ in range(rng.choice([0, 1, 1, 2])):
                    report = services.progress_report(
                        assignment=assignment,
                        text="\n".join(text(10, 35) for _ in range(rng.randint(1, 2))),
                        status=rng.choice(["in_progress", "in_progress", "done"]),
                        percent=rng.choice([None, 25, 50, 80]),
                        by=user,
                    )
                    written = datetime.datetime.combine(
                        day + datetime.timedelta(days=rng.randint(5, 60)), datetime.time(10)
                    )

                    ProgressReport.objects.filter(pk=report.pk).update(created_at=timezone.make_aware(written))
    return series, year_be, as_of


def parties(rng, agencies, group, services) -> list:
    chosen = rng.sample(agencies, rng.randint(2, 5))
    lines = [services.Party(agency=agency) for agency in chosen]
    if rng.random() < 0.15:
        lines.append(services.Party(group=group))
    if rng.random() < 0.3:
        lines.append(services.Party(label="ส่วนราชการ/หน่วยงานที่เกี่ยวข้อง"))
    return lines


def bench_year(args, user) -> tuple[Timer, int, float, float, dict]:
    from directives.documents import render_followup_year
    from directives.models import Assignment, Directive, ProgressReport

    started = time.perf_counter()
    series, year_be, as_of = build_year(args, user)
    built = time.perf_counter() - started
    counts = {
        "directives": Directive.objects.count(),
        "assignments": Assignment.objects.count(),
        "reports": ProgressReport.objects.count(),
        "generated in s": round(built, 1),
    }
    before = peak_rss_mb()
    with Timer() as timer:
        _, pdf = render_followup_year(series, year_be, as_of)
    after = peak_rss_mb()
    if args.keep:
        (args.keep / "followup-year.pdf").write_bytes(pdf)
    return timer, page_count(pdf), before, after, counts


def flag(value: float, target: float) -> str:
    return "ok" if value <= target else "OVER TARGET"


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    print(f"load average before: {' '.join(f'{n:.2f}' for n in os.getloadavg())} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        setup_django(Path(tmp))
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_user("bench")

        first, timers, pages = bench_summary(args, user)
        wall = statistics.median(t.wall for t in timers)
        cpu = statistics.median(t.cpu for t in timers)
        print(f"summary of the seed meeting ({pages} pages)")
        print(f"  first render   {first.wall:6.2f} s wall {first.cpu:6.2f} s CPU")
        print(
            f"  median of {args.runs:<3}  {wall:6.2f} s wall {cpu:6.2f} s CPU   target ≤ {SUMMARY_TARGET_S} s: {flag(wall, SUMMARY_TARGET_S)}"
        )

        timer, pages, before, after, counts = bench_year(args, user)
        print(f"yearly follow-up report: {pages} pages, {args.meetings} meetings, {counts}")
        print(
            f"  render         {timer.wall:6.2f} s wall {timer.cpu:6.2f} s CPU   target ≤ {YEAR_TARGET_S} s: {flag(timer.wall, YEAR_TARGET_S)}"
        )
        print(
            f"  peak RSS       {after:6.0f} MB (before rendering {before:.0f} MB)   target ≤ {YEAR_TARGET_MB:.0f} MB: {flag(after, YEAR_TARGET_MB)}"
        )
    print(f"load average after: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")


if __name__ == "__main__":
    main()
