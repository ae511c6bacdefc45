"""Server time of the busiest pages on a large data set, in-process.

    .venv/bin/python bench/bench_pages.py [--directives 100000] [--db sqlite|postgres|both]

For each database: migrate, generate the data set once with ``generate_demo_data``
(kept and reused while it has the asked-for number of directives), then request
each page with Django's test ``Client`` as the right user (``force_login``):
warm-up runs, timed runs, median and p95 in milliseconds, the number of SQL
queries of one extra run (``CaptureQueriesContext``) and its SQL time. Figures,
not pass/fail: a page over TARGET_MS or with a query count that grows with rows
is flagged. ``--explain`` prints the plan of each page's slowest queries.

SQLite lives in var/bench/; PostgreSQL in the database ``lampang_bench``
(``--postgres-url``), created when missing. With ``--db both`` each database runs
in its own process (settings are read once per process) and a comparison follows.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(os.environ.get("VAR_DIR") or ROOT / "var") / "bench"
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/lampang_bench"
TARGET_MS = 50.0  # median of each page (issue 13)
TARGET_P95_MS = 150.0
TARGET_CSV_MS = 300.0  # the CSV export of about 1,000 rows
SEARCH_WORD = "ท่องเที่ยว"  # ท่องเที่ยว: in a tenth of the generated texts


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--directives", type=int, default=100_000)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page (default 30)")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first (default 3)")
    parser.add_argument("--seed", type=int, default=1, help="seed of generate_demo_data")
    parser.add_argument("--postgres-url", default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    parser.add_argument("--regenerate", action="store_true", help="throw the data set away and build it again")
    parser.add_argument("--explain", action="store_true", help="print the plans of each page's slowest queries")
    parser.add_argument("--only", default="", help="run only pages whose label contains this text")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    return parser.parse_args(argv)


def database_url(args: argparse.Namespace, db: str) -> str:
    if db == "sqlite":
        return f"sqlite:///{BENCH_DIR / f'bench-{args.directives}.sqlite3'}"
    return args.postgres_url


# --- PostgreSQL housekeeping (before Django connects) ------------------------------


def _admin_url(url: str) -> tuple[str, str]:
    """The URL of the server's ``postgres`` database and the name of ours."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    return urlunsplit(parts._replace(path="/postgres")), name


def postgres_create(url: str, *, drop: bool = False) -> None:
    import psycopg
    from psycopg import sql

    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        if drop:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# --- one database, in this process -------------------------------------------------


def configure_django(url: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "lampang_tracker.settings"
    # Production-like: DEBUG off (no debug pages, cached templates), but plain static
    # file URLs so no collectstatic manifest is needed.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ["STATIC_MANIFEST"] = "0"
    os.environ["SESSION_COOKIE_SECURE"] = "0"
    os.environ["CSRF_COOKIE_SECURE"] = "0"
    os.environ["SECURE_SSL_REDIRECT"] = "0"  # the test client speaks plain HTTP
    os.environ.setdefault("LOG_LEVEL", "ERROR")
    import django

    django.setup()


def prepare_data(args: argparse.Namespace, db: str, url: str) -> float | None:
    """Migrate and generate; the generation time in seconds, or None if reused."""
    from django.core.management import call_command
    from django.db import connection

    from directives.models import Directive

    call_command("migrate", verbosity=0, interactive=False)
    count = Directive.objects.count()
    if count == args.directives and not args.regenerate:
        print(f"[{db}] reusing the data set: {count:,} directives")
        return None
    if count:
        print(f"[{db}] rebuilding the database (it has {count:,} directives, want {args.directives:,})")
        connection.close()
        if db == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(url.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)
        else:
            postgres_create(url, drop=True)
        call_command("migrate", verbosity=0, interactive=False)
    print(f"[{db}] generating {args.directives:,} directives …", flush=True)
    started = time.perf_counter()
    call_command("generate_demo_data", directives=args.directives, seed=args.seed, verbosity=1)
    seconds = time.perf_counter() - started
    # Fresh statistics, as autovacuum (PostgreSQL) would gather them soon after a
    # bulk load (generate_demo_data runs ANALYZE itself on SQLite).
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return seconds


# Our page -> the Django admin page that shows the same rows (the naive peer).
ADMIN_PEER = {
    "list unfiltered": "admin list",
    "list status+year": "admin filtered",
    "list search q": "admin search",
    "list middle page": "admin deep page",
    "directive page": "admin directive",
    "meeting page": "admin meeting",
}


def _export_range() -> tuple[str, int]:
    """A due-date range holding about 1,000 active directives (Thai dates, as typed)."""
    from directives.models import Directive
    from lampang_tracker.thai import date_numeric

    dates = Directive.objects.active().filter(due_date__isnull=False).order_by("due_date")
    total = dates.count()
    first = dates.values_list("due_date", flat=True)[total // 2]
    last = dates.values_list("due_date", flat=True)[total // 2 + 999]
    count = dates.filter(due_date__gte=first, due_date__lte=last).count()
    return f"due_from={date_numeric(first)}&due_to={date_numeric(last)}", count


def pages() -> list[tuple[str, str, str]]:
    """(label, username, url) of each measured request."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from agencies.models import Profile
    from directives.models import Directive
    from meetings.models import Meeting

    middle_page = max(1, Directive.objects.active().count() // 25 // 2)
    admin = get_user_model().objects.filter(username="bench_admin").first()
    if admin is None:
        get_user_model().objects.create_superuser("bench_admin", password=None)
    # A directive with many reports, and the meeting with the most directives (ties:
    # the first, so that both databases show the same one).
    directive_id = (
        Directive.objects.annotate(n=Count("assignments__reports"))
        .order_by("-n", "pk")
        .values_list("pk", flat=True)[:1][0]
    )
    meeting_id = (
        Meeting.objects.annotate(n=Count("directives")).order_by("-n", "pk").values_list("pk", flat=True)[:1][0]
    )
    export_filter, export_rows = _export_range()
    agency_id = Profile.objects.get(user__username="bench_agency").agency_id
    # The least busy of the bench agencies: the same page with fewer rows must cost
    # the same number of queries.
    small = (
        Profile.objects.filter(user__username__startswith="bench_agency_")
        .order_by("-user__username")
        .values_list("user__username", flat=True)
        .first()
    )
    rows = [
        ("list unfiltered", "bench_secretariat", "/directives/"),
        ("list status+year", "bench_secretariat", "/directives/?status=in_progress&year=2566"),
        ("list overdue+agency", "bench_secretariat", f"/directives/?overdue=true&agency={agency_id}"),
        ("list search q", "bench_secretariat", f"/directives/?q={SEARCH_WORD}"),
        ("list middle page", "bench_secretariat", f"/directives/?page={middle_page}"),
        ("list as agency", "bench_agency", "/directives/"),
        ("inbox agency", "bench_agency", "/inbox/"),
        ("home secretariat", "bench_secretariat", "/"),
        ("home executive", "bench_executive", "/"),
        ("home agency", "bench_agency", "/"),
        ("directive page", "bench_secretariat", f"/directives/{directive_id}/"),
        ("meeting page", "bench_secretariat", f"/meetings/{meeting_id}/"),
        ("dashboard", "bench_executive", "/dashboard/"),
        # The same pages as the first request after a write (the kept numbers counted
        # again; directives.datacache): the token is moved before each request.
        ("home secretariat (cold)", "bench_secretariat", "/"),
        ("home executive (cold)", "bench_executive", "/"),
        ("dashboard (cold)", "bench_executive", "/dashboard/"),
        # The list's "พบ … รายการ" is kept the same way (DirectiveQuerySet._kept_count).
        ("list unfiltered (cold)", "bench_secretariat", "/directives/"),
        ("list search q (cold)", "bench_secretariat", f"/directives/?q={SEARCH_WORD}"),
        ("site search", "bench_secretariat", f"/search/?q={SEARCH_WORD}"),
        ("site search agency", "bench_agency", f"/search/?q={SEARCH_WORD}"),
        (f"csv {export_rows} rows", "bench_secretariat", f"/directives/?{export_filter}&_export=csv"),
        ("admin list", "bench_admin", "/admin/directives/directive/"),
        ("admin filtered", "bench_admin", "/admin/directives/directive/?state__exact=in_progress"),
        ("admin search", "bench_admin", f"/admin/directives/directive/?q={SEARCH_WORD}"),
        # The admin shows 100 rows a page: the same rows as our page middle_page of 25.
        ("admin deep page", "bench_admin", f"/admin/directives/directive/?p={(middle_page - 1) // 4 + 1}"),
        ("admin directive", "bench_admin", f"/admin/directives/directive/{directive_id}/change/"),
        ("admin meeting", "bench_admin", f"/admin/meetings/meeting/{meeting_id}/change/"),
    ]
    if small:
        rows.insert(7, ("inbox small agency", small, "/inbox/"))
    return rows


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(pct / 100 * len(ordered)) - 1)]


def measure(args: argparse.Namespace, db: str) -> list[dict]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from directives import datacache

    clients: dict[str, Client] = {}
    results = []
    for label, username, url in pages():
        if args.only and args.only not in label:
            continue
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(get_user_model().objects.get(username=username))
        client = clients[username]
        cold = label.endswith("(cold)")
        statuses = set()
        for _ in range(args.warmup):
            statuses.add(client.get(url).status_code)
        times, cpu = [], []
        for _ in range(args.runs):
            if cold:
                datacache.bump()
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            statuses.add(response.status_code)
        if cold:
            datacache.bump()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        statuses.add(response.status_code)
        queries = captured.captured_queries
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        row = {
            "db": db,
            "page": label,
            "user": username,
            "url": url,
            "status": ",".join(str(s) for s in sorted(statuses)),
            "median_ms": statistics.median(times),
            "p95_ms": percentile(times, 95),
            # This process's CPU only (Python, and SQLite's work; not the PostgreSQL
            # server's): less disturbed than wall time when the machine is busy.
            "cpu_ms": statistics.median(cpu),
            "load": os.getloadavg()[0],
            "queries": len(queries),
            "sql_ms": sql_ms,
            "kb": len(response.content) / 1024,
            "slowest": sorted(queries, key=lambda q: float(q["time"]), reverse=True)[:3],
        }
        results.append(row)
        print(f"[{db}] {label:24} {row['median_ms']:8.1f} ms  {row['queries']:3} queries", flush=True)
        if args.explain:
            explain(row)
    return results


def explain(row: dict) -> None:
    from django.db import connection

    print(f"    slowest queries of {row['url']}:")
    for query in row["slowest"]:
        sql = query["sql"]
        print(f"    -- {float(query['time']) * 1000:.1f} ms: {sql[:600]}")
        prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
        try:
            with connection.cursor() as cursor:
                cursor.execute(prefix + sql)
                for line in cursor.fetchall():
                    print("       ", " | ".join(str(part) for part in line))
        except Exception as error:  # a plan is a help, not a requirement
            print(f"       (no plan: {error})")


def print_table(results: list[dict], generation: dict[str, float | None]) -> None:
    columns = "db       page                     user               status   median      p95      cpu queries   sql ms      KB  load"
    print()
    print(columns)
    print("-" * len(columns))
    for r in results:
        flags = []
        if r["page"].startswith("csv"):
            if r["median_ms"] > TARGET_CSV_MS:
                flags.append(f"> {TARGET_CSV_MS:.0f} ms")
        elif not r["page"].startswith("admin"):
            if r["median_ms"] > TARGET_MS:
                flags.append(f"median > {TARGET_MS:.0f} ms")
            if r["p95_ms"] > TARGET_P95_MS:
                flags.append(f"p95 > {TARGET_P95_MS:.0f} ms")
        if r["status"] != "200":
            flags.append("NOT 200")
        print(
            f"{r['db']:8} {r['page']:24} {r['user']:18} {r['status']:6} {r['median_ms']:8.1f} {r['p95_ms']:8.1f} "
            f"{r['cpu_ms']:8.1f} {r['queries']:7} {r['sql_ms']:8.1f} {r['kb']:7.1f} {r['load']:5.1f}  {'  '.join(flags)}"
        )
    by_page = {(r["db"], r["page"]): r for r in results}
    ratios = []
    for (db, page), r in by_page.items():
        peer = by_page.get((db, ADMIN_PEER.get(page, "")))
        if peer:
            ratios.append(
                f"{db:8} {page:20} / {peer['page']:16} {r['median_ms'] / peer['median_ms']:5.2f}"
                f" {r['cpu_ms'] / max(peer['cpu_ms'], 0.001):9.2f}"
            )
    if ratios:
        print("\nours / Django admin (< 1 means ours is faster):   wall    cpu (this process)")
        print("\n".join(ratios))
    for db, seconds in generation.items():
        if seconds is not None:
            print(f"generation on {db}: {seconds:.0f} s")
    print(
        "median/p95: wall ms over the timed runs; cpu: median ms of this process's CPU (Python, and SQLite's "
        "work; not the PostgreSQL server's); queries, sql ms: one more run (sql ms counts execute() only: SQLite "
        "work done while rows are fetched is missing); load: 1-minute load average after the page "
        f"({os.cpu_count()} CPUs; higher means other work competed). Targets: median ≤ {TARGET_MS:.0f} ms and "
        f"p95 ≤ {TARGET_P95_MS:.0f} ms per page, CSV of ~1,000 rows ≤ {TARGET_CSV_MS:.0f} ms, ours/admin < 1."
    )


def run_one(args: argparse.Namespace, db: str) -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    url = database_url(args, db)
    if db == "postgres":
        postgres_create(url)
    configure_django(url)
    seconds = prepare_data(args, db, url)
    results = measure(args, db)
    for row in results:
        row["slowest"] = [{"sql": q["sql"][:2000], "time": q["time"]} for q in row["slowest"]]
    if args.json:
        args.json.write_text(json.dumps({"generation": {db: seconds}, "results": results}, ensure_ascii=False))
    print_table(results, {db: seconds})


def run_both(args: argparse.Namespace) -> None:
    """Each database in a child process; then one table for both."""
    results, generation = [], {}
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    passthrough = [
        f"--directives={args.directives}",
        f"--runs={args.runs}",
        f"--warmup={args.warmup}",
        f"--seed={args.seed}",
        f"--postgres-url={args.postgres_url}",
        f"--only={args.only}",
        *(["--regenerate"] if args.regenerate else []),
        *(["--explain"] if args.explain else []),
    ]
    for db in ("sqlite", "postgres"):
        out = BENCH_DIR / f"results-{db}.json"
        out.unlink(missing_ok=True)
        subprocess.run([sys.executable, __file__, "--db", db, "--json", str(out), *passthrough], check=True)
        data = json.loads(out.read_text())
        results += data["results"]
        generation.update(data["generation"])
    print("\n=== both databases ===")
    print_table(results, generation)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    if args.db == "both":
        run_both(args)
    else:
        run_one(args, args.db)


if __name__ == "__main__":
    main()
