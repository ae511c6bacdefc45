"""Time and memory of the printed documents, in-process.

    .venv/bin/python bench/bench_pdf.py [--meetings 12] [--directives 9] [--runs 5] [--year-runs 3]

1. The seed meeting's summary (๑๐/๒๕๖๐, rebuilt from shared/seeds through the
   services): the first render of the process (font files read, fontconfig set up)
   and the median of ``--runs`` more. Target: ≤ 1 s.
2. A yearly follow-up report (``render_followup_year``): ``--meetings`` meetings of
   one series in one Buddhist-Era year, ``--directives`` items each (every fourth a
   heading with sub-items), two to five agencies an item, most of them with a
   report — about 200 A4 pages with the defaults. Rendered ``--year-runs`` times in
   one process (``PDF_PROCESSES=1``, as before sections were laid out side by side)
   and as many times as it is served (one process per CPU); the median of each.
   Wall and CPU time (this process and its children together) and memory of all
   the processes involved, sampled every 20 ms from /proc while it renders: the
   peak of the summed resident memory (RSS, which counts the pages a forked child
   shares with its parent twice) and of the summed proportional memory (PSS, which
   shares them out). WeasyPrint's memory is mostly outside Python's allocator,
   which ``tracemalloc`` would not see. Targets: ≤ 8 s, ≤ 300 MB.

Everything lives in a throw-away SQLite database in a temporary directory; nothing
touches var/ or another database. The data is built in this process and the
documents are rendered in a new one for each mode, which has done nothing else
before (like a server worker): its memory is what serving them takes. Figures, not pass/fail: a figure over its target
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
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SUMMARY_TARGET_S = 1.0
YEAR_TARGET_S = 8.0
YEAR_TARGET_MB = 300.0


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--meetings", type=int, default=12, help="meetings in the year (default 12)")
    parser.add_argument("--directives", type=int, default=9, help="items a meeting, sub-items counted (default 9)")
    parser.add_argument("--runs", type=int, default=5, help="timed summary renders after the first (default 5)")
    parser.add_argument(
        "--year-runs", type=int, default=3, help="renders of the yearly report in each mode (default 3)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", type=Path, help="also write the PDFs into this directory")
    return parser.parse_args(argv)


def setup_django(tmp: Path, *, migrate: bool = True) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench-pdf.sqlite3'}"
    os.environ["VAR_DIR"] = str(tmp)
    # DEBUG off: with it on, Django keeps every query of the generated year in memory.
    os.environ.setdefault("DEBUG", "0")
    os.environ.setdefault("STATIC_MANIFEST", "0")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lampang_tracker.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    if migrate:
        call_command("migrate", verbosity=0, interactive=False)


def page_count(pdf: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(pdf)).pages)


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class Timer:
    """Wall-clock and CPU seconds of a block (children's included): on a busy
    machine the CPU time is what the render would take alone."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), cpu_seconds()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, cpu_seconds() - self.cpu


def _memory_kb(pid: int) -> tuple[int, int]:
    """(RSS, PSS) of a process in kB, (0, 0) once it is gone."""
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0, 0
    fields = dict(line.split(":", 1) for line in text.splitlines()[1:] if ":" in line)
    return int(fields["Rss"].split()[0]), int(fields["Pss"].split()[0])


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


class MemorySampler(threading.Thread):
    """Peak summed RSS and PSS (MB) of this process and its children, sampled from
    /proc every ``interval`` seconds until stopped."""

    def __init__(self, interval: float = 0.02):
        super().__init__(daemon=True)
        self.interval, self.peak_rss, self.peak_pss, self.most_processes = interval, 0.0, 0.0, 1
        self.done = threading.Event()

    def sample(self) -> None:
        pids = [os.getpid(), *_children(os.getpid())]
        rss = pss = 0
        for pid in pids:
            one_rss, one_pss = _memory_kb(pid)
            rss, pss = rss + one_rss, pss + one_pss
        self.peak_rss, self.peak_pss = max(self.peak_rss, rss / 1024), max(self.peak_pss, pss / 1024)
        self.most_processes = max(self.most_processes, len(pids))

    def run(self) -> None:
        while not self.done.is_set():
            self.sample()
            self.done.wait(self.interval)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.done.set()
        self.join()
        self.sample()


def bench_summary(args, meeting) -> tuple[Timer, list[Timer], int]:
    from directives.documents import render_summary

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


def bench_year(args, series, year_be, as_of) -> dict[int, list]:
    """The report rendered ``--year-runs`` times with one process and with one per
    CPU: ``{processes: [(Timer, MemorySampler, pages), …]}``."""
    from django.test import override_settings

    from directives.documents import render_followup_year

    try:
        from lampang_tracker.pdf import cpu_count
    except ImportError:  # a checkout from before sections (to compare with)

        def cpu_count() -> int:
            return 1

    results: dict[int, list] = {}
    modes = sorted({1, cpu_count()})
    if "BENCH_PDF_PROCESSES" in os.environ:
        modes = [min(int(os.environ["BENCH_PDF_PROCESSES"]), cpu_count())]
    for processes in modes:
        with override_settings(PDF_PROCESSES=processes):
            for _ in range(args.year_runs):
                with MemorySampler() as memory, Timer() as timer:
                    _, pdf = render_followup_year(series, year_be, as_of)
                results.setdefault(processes, []).append((timer, memory, page_count(pdf)))
        if args.keep:
            (args.keep / f"followup-year-{processes}p.pdf").write_bytes(pdf)
    return results


def flag(value: float, target: float) -> str:
    return "ok" if value <= target else "OVER TARGET"


def build(args) -> None:
    """The data, in this process; then the renders in a new one."""
    from django.contrib.auth import get_user_model
    from django.db import connections

    from directives.models import Assignment, Directive, ProgressReport
    from tests.test_pdf_text import build_seed_meeting

    user = get_user_model().objects.create_user("bench")
    meeting, _ = build_seed_meeting(by=user)
    started = time.perf_counter()
    series, year_be, as_of = build_year(args, user)
    counts = {
        "directives": Directive.objects.count(),
        "assignments": Assignment.objects.count(),
        "reports": ProgressReport.objects.count(),
        "generated in s": round(time.perf_counter() - started, 1),
    }
    print(f"yearly follow-up data: {args.meetings} meetings, {counts}")
    connections.close_all()
    os.environ["BENCH_PDF_TARGETS"] = f"{meeting.pk},{series.pk},{year_be},{as_of.isoformat()}"


def render(args) -> None:
    """The renders, in a process that has done nothing else (as a server worker)."""
    from directives.models import Meeting
    from meetings.models import MeetingSeries

    meeting_pk, series_pk, year_be, as_of = os.environ["BENCH_PDF_TARGETS"].split(",")
    meeting = Meeting.objects.get(pk=meeting_pk)
    first, timers, pages = bench_summary(args, meeting)
    wall = statistics.median(t.wall for t in timers)
    cpu = statistics.median(t.cpu for t in timers)
    print(f"summary of the seed meeting ({pages} pages)")
    print(f"  first render   {first.wall:6.2f} s wall {first.cpu:6.2f} s CPU")
    print(
        f"  median of {args.runs:<3}  {wall:6.2f} s wall {cpu:6.2f} s CPU   target ≤ {SUMMARY_TARGET_S} s: {flag(wall, SUMMARY_TARGET_S)}"
    )

    idle = MemorySampler()
    idle.sample()
    print("yearly follow-up report")
    print(f"  memory of this process before rendering: {idle.peak_rss:.0f} MB RSS, {idle.peak_pss:.0f} MB PSS")
    series = MeetingSeries.objects.get(pk=series_pk)
    results = bench_year(args, series, int(year_be), datetime.date.fromisoformat(as_of))
    for processes, runs in results.items():
        wall = statistics.median(timer.wall for timer, _, _ in runs)
        cpu = statistics.median(timer.cpu for timer, _, _ in runs)
        rss = statistics.median(memory.peak_rss for _, memory, _ in runs)
        pss = statistics.median(memory.peak_pss for _, memory, _ in runs)
        pages = runs[-1][2]
        label = "1 process " if processes == 1 else f"{processes} processes"
        print(f"  {label} ({pages} pages), median of {len(runs)}:")
        print(
            f"    render     {wall:6.2f} s wall {cpu:6.2f} s CPU (all processes)   "
            f"target ≤ {YEAR_TARGET_S} s: {flag(wall, YEAR_TARGET_S)}"
        )
        print(
            f"    peak memory of the {max(memory.most_processes for _, memory, _ in runs)} processes "
            f"{rss:6.0f} MB RSS {pss:6.0f} MB PSS   target ≤ {YEAR_TARGET_MB:.0f} MB: {flag(rss, YEAR_TARGET_MB)} (RSS) "
            f"{flag(pss, YEAR_TARGET_MB)} (PSS)"
        )
        print(
            f"    each run: {', '.join(f'{timer.wall:.1f} s {memory.peak_pss:.0f} MB PSS' for timer, memory, _ in runs)}"
        )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
    if "BENCH_PDF_TARGETS" in os.environ:  # the rendering process
        setup_django(Path(os.environ["VAR_DIR"]), migrate=False)
        render(args)
        return
    print(f"load average before: {' '.join(f'{n:.2f}' for n in os.getloadavg())} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="bench-pdf-") as tmp:
        setup_django(Path(tmp))
        build(args)
        # Each mode in a process of its own: what one leaves in memory does not weigh
        # on the other.
        for processes in (1, os.cpu_count() or 1):
            subprocess.run(
                [sys.executable, __file__, *(argv if argv is not None else sys.argv[1:])],
                check=True,
                env={**os.environ, "BENCH_PDF_PROCESSES": str(processes)},
            )
    print(f"load average after: {' '.join(f'{n:.2f}' for n in os.getloadavg())}")


if __name__ == "__main__":
    main()
