"""Load test: gunicorn with 50 logged-in clients, on SQLite and on PostgreSQL.

    .venv/bin/python bench/load.py [--db sqlite|postgres|both] [--seconds 60] [--clients 50]

For each database it prepares a throw-away data set (SQLite: a file in a temporary
VAR_DIR; PostgreSQL: the database ``lampang_load``, dropped and created again), runs
``migrate`` and ``load_demo``, starts gunicorn (``gunicorn.conf.py``, 4 workers, DEBUG
off) on a free loopback port, and lets ``--clients`` threads log in through the login
form (CSRF token and all) and then work for ``--seconds``: agency users read the home
page, the directive list, their directives, their inbox and site search, and send progress reports
on their own assignments (the report page, then the form POST with its CSRF token,
then the page it redirects to); the secretariat and executives read. No think time:
each client sends its next request when the last one answered, so this measures what
the server can take, and the latencies include waiting for a free worker.

It also reads the CPU time the gunicorn workers (and, on PostgreSQL, the database's
server processes of this database) spent during the run from /proc: CPU per request is
the per-core basis that does not depend on what else the machine was doing.

Afterwards it stops gunicorn, counts the reports carrying this run's marker in the
database (every POST that was answered with a redirect must be there), and looks for
"database is locked" in the answers and the server log. Prints requests/s, p50 and p95
per database and exits non-zero on any error. Loopback only; it stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/lampang_load"
PASSWORD = "load-test-password"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LOCKED = "database is locked"

PLAN_CODE = """
import json
from agencies.models import Profile
from directives.models import Assignment, Directive
plan = {"agency": {}, "readers": [], "directives": list(Directive.objects.values_list("pk", flat=True))}
for profile in Profile.objects.select_related("user").order_by("user__username"):
    if profile.role == "agency" and profile.agency_id:
        mine = Assignment.objects.filter(agency_id=profile.agency_id)
        writable = mine.filter(is_open=True, directive__closed_at__isnull=True)
        plan["agency"][profile.user.username] = {
            "assignments": list(writable.values_list("pk", flat=True)),
            "directives": sorted(set(mine.values_list("directive_id", flat=True))),
        }
    elif profile.role in ("secretariat", "executive"):
        plan["readers"].append(profile.user.username)
print(json.dumps(plan))
"""

COUNT_CODE = """
from directives.models import ProgressReport
print(ProgressReport.objects.filter(text__startswith={marker!r}).count())
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the timed run (default 60)")
    parser.add_argument("--clients", type=int, default=50, help="logged-in clients (default 50)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--think", type=float, default=0.0, help="pause between a client's requests, seconds")
    parser.add_argument("--postgres-url", default=os.environ.get("LOAD_POSTGRES_URL", DEFAULT_POSTGRES_URL))
    parser.add_argument("--keep", action="store_true", help="keep the temporary VAR_DIR (database, server log)")
    args = parser.parse_args(argv)
    if not 0 < args.seconds <= 3600 or not 0 < args.clients <= 500:
        parser.error("--seconds must be in (0, 3600] and --clients in (0, 500]")
    return args


# --- the server -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_recreate(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def server_env(db: str, var_dir: Path, args: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DEBUG")}
    env.update(
        PYTHAINLP_OFFLINE="1",
        DEBUG="0",
        SECRET_KEY="load-test-only-" + uuid.uuid4().hex,
        ALLOWED_HOSTS="127.0.0.1",
        VAR_DIR=str(var_dir),
        STATIC_MANIFEST="0",
        # Plain HTTP on loopback: no redirect to HTTPS, cookies without the Secure flag.
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        DEMO_PASSWORD=PASSWORD,
        WEB_CONCURRENCY=str(args.workers),
        GUNICORN_ACCESS_LOG="",  # the figures come from the clients; keep the log for errors
        CONN_MAX_AGE="60",  # as in deploy/lampang-tracker.env
    )
    if db == "postgres":
        env["DATABASE_URL"] = args.postgres_url
    return env


def manage(env: dict[str, str], *command: str, debug: bool = False) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env={**env, "DEBUG": "1" if debug else "0"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(command[:1])} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


class Server:
    def __init__(self, env: dict[str, str], port: int, log: Path):
        self.port, self.log = port, log
        self.handle = log.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "lampang_tracker.wsgi"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=self.handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped with its workers
        )

    def wait_healthy(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped:\n{self.log.read_text()}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer /healthz within {timeout:.0f}s:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.handle.close()


# --- CPU used by the server (independent of what else runs on the machine) -----------


def _stat(pid: int) -> list[str] | None:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None


def cpu_seconds(pid: int, *, ended_children: bool = False) -> float | None:
    """utime + stime of ``pid``; or, with ``ended_children``, of its children that have
    ended and been waited for (cutime + cstime)."""
    fields = _stat(pid)
    if fields is None:
        return None
    first = 13 if ended_children else 11
    return (int(fields[first]) + int(fields[first + 1])) / os.sysconf("SC_CLK_TCK")


def parent_pid(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[1]) if fields else None


def server_cpu(master: int | None, pids: list[int]) -> dict[int, float]:
    """CPU of the running ``pids`` and, under the key ``-master``, of the master's ended
    children: gunicorn recycles a worker after ``max_requests`` and PostgreSQL's backend
    of a closed connection ends, and their CPU would be lost from a snapshot of the
    running processes alone. (For PostgreSQL the postmaster's ended children include
    other databases' backends and autovacuum workers: on a machine running only this
    bench, few.)"""
    snapshot = cpu_snapshot(pids)
    if master is not None and (ended := cpu_seconds(master, ended_children=True)) is not None:
        snapshot[-master] = ended
    return snapshot


def worker_pids(master: int) -> list[int]:
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    except OSError:
        return []
    return [int(pid) for pid in children]


def postgres_backend_pids(url: str) -> list[int]:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", [name]
        ).fetchall()
    return [row[0] for row in rows]


def postgres_postmaster_pid(url: str) -> int | None:
    """The parent of every backend (ours included), which waits for them as they end."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        (own,) = conn.execute("SELECT pg_backend_pid()").fetchone()
        return parent_pid(own)


def cpu_snapshot(pids: list[int]) -> dict[int, float]:
    return {pid: used for pid in pids if (used := cpu_seconds(pid)) is not None}


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two snapshots of ``server_cpu``: a process that started in
    between counts in full, one that ended is in its parent's ended-children count."""
    return sum(after.values()) - sum(before.values())


# --- the clients ------------------------------------------------------------------


@dataclass
class Tally:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    locked: int = 0
    reports_sent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, label: str, seconds: float) -> None:
        with self.lock:
            self.times.setdefault(label, []).append(seconds)

    def error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)


class Client:
    def __init__(self, port: int, username: str, tally: Tally):
        self.port, self.username, self.tally = port, username, tally
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=90)
        self.cookies: dict[str, str] = {}

    def request(self, label: str, method: str, path: str, fields: dict | None = None, expect: int = 200):
        headers = {"Host": f"127.0.0.1:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.conn.request(method, path, body=body, headers=headers)
            response = self.conn.getresponse()
            content = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            self.tally.error(f"{self.username} {method} {path}: {exc!r}")
            return None, b""
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if LOCKED.encode() in content:
            with self.tally.lock:
                self.tally.locked += 1
        if response.status != expect:
            self.tally.error(f"{self.username} {method} {path}: HTTP {response.status}")
            return response, content
        self.tally.add(label, elapsed)
        return response, content

    def form_token(self, content: bytes) -> str | None:
        match = TOKEN.search(content.decode(errors="replace"))
        return match.group(1) if match else None

    def login(self) -> bool:
        response, content = self.request("login page", "GET", "/accounts/login/")
        token = self.form_token(content) if response else None
        if not token:
            self.tally.error(f"{self.username}: no CSRF token on the login page")
            return False
        fields = {"username": self.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        response, _ = self.request("login", "POST", "/accounts/login/", fields, expect=302)
        return response is not None and response.status == 302 and "sessionid" in self.cookies


# Site-search queries in the mix: spellings as typed (one with nikhahit + sara aa).
SEARCH_WORDS = ["ลำปาง", "ลําปาง", "ท่องเที่ยว", "ประชุม", "ยุทธศาสตร์", "๒๕๖๐"]


def agency_work(client: Client, plan: dict, marker: str, rng: random.Random, tally: Tally, stop: float, think: float):
    count = 0
    while time.monotonic() < stop:
        action = rng.choices(["home", "list", "detail", "inbox", "report", "search"], weights=[2, 2, 2, 2, 2, 1])[0]
        if action == "home":
            client.request("home", "GET", "/")
        elif action == "search":
            client.request("search", "GET", "/search/?" + urlencode({"q": rng.choice(SEARCH_WORDS)}))
        elif action == "list":
            client.request("directive list", "GET", "/directives/")
        elif action == "detail":
            client.request("directive detail", "GET", f"/directives/{rng.choice(plan['directives'])}/")
        elif action == "inbox":
            client.request("inbox", "GET", "/inbox/")
        elif plan["assignments"]:
            pk = rng.choice(plan["assignments"])
            response, content = client.request("report page", "GET", f"/assignments/{pk}/")
            token = client.form_token(content) if response is not None and response.status == 200 else None
            if token:
                count += 1
                fields = {
                    "csrfmiddlewaretoken": token,
                    "status": "in_progress",
                    "percent": str(rng.randint(1, 99)),
                    "text": f"{marker} {client.username} {count} รายงานความคืบหน้าจากการทดสอบโหลด",
                }
                response, _ = client.request("report POST", "POST", f"/assignments/{pk}/", fields, expect=302)
                if response is not None and response.status == 302:
                    with tally.lock:
                        tally.reports_sent += 1
                    client.request("report redirect", "GET", urlsplit(response.getheader("Location")).path)
        if think:
            time.sleep(think)


def reader_work(client: Client, directives: list[int], rng: random.Random, stop: float, think: float):
    while time.monotonic() < stop:
        action = rng.choices(["home", "list", "detail", "search"], weights=[3, 3, 4, 1])[0]
        if action == "home":
            client.request("home", "GET", "/")
        elif action == "search":
            client.request("search", "GET", "/search/?" + urlencode({"q": rng.choice(SEARCH_WORDS)}))
        elif action == "list":
            client.request("directive list", "GET", "/directives/")
        else:
            client.request("directive detail", "GET", f"/directives/{rng.choice(directives)}/")
        if think:
            time.sleep(think)


# --- one run ----------------------------------------------------------------------


def percentile(values: list[float], q: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def run(db: str, args: argparse.Namespace) -> dict:
    var_dir = Path(tempfile.mkdtemp(prefix=f"lampang-load-{db}-"))
    env = server_env(db, var_dir, args)
    print(f"== {db}: preparing (migrate, load_demo) in {var_dir}", flush=True)
    if db == "postgres":
        postgres_recreate(args.postgres_url)
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo", debug=True)
    plan = json.loads(manage(env, "shell", "-c", PLAN_CODE).strip().splitlines()[-1])
    agency_users = sorted(name for name, mine in plan["agency"].items() if mine["assignments"])
    if not agency_users or not plan["readers"]:
        raise SystemExit("the demo data has no agency user with an open assignment")

    port = free_port()
    server = Server(env, port, var_dir / "server.log")
    tally = Tally()
    marker = f"LOADTEST-{uuid.uuid4().hex[:12]}"
    try:
        server.wait_healthy()
        # Four in five clients are agency users (the ones who write); the rest read.
        readers = max(1, args.clients // 5)
        names = [agency_users[i % len(agency_users)] for i in range(args.clients - readers)]
        names += [plan["readers"][i % len(plan["readers"])] for i in range(readers)]
        clients = [Client(port, name, tally) for name in names]

        print(f"== {db}: {len(clients)} clients logging in", flush=True)
        logged_in = [False] * len(clients)

        def log_in(index: int) -> None:
            logged_in[index] = clients[index].login()

        threads = [threading.Thread(target=log_in, args=(i,)) for i in range(len(clients))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if not all(logged_in):
            raise SystemExit(f"{logged_in.count(False)} clients could not log in: {tally.errors[:5]}")
        tally.times.clear()  # the figures are of the timed run only

        print(f"== {db}: {args.seconds:.0f}s of load", flush=True)
        load_before = os.getloadavg()[0]
        postgres = (lambda: postgres_backend_pids(args.postgres_url)) if db == "postgres" else list
        master = server.process.pid
        postmaster = postgres_postmaster_pid(args.postgres_url) if db == "postgres" else None
        app_before = server_cpu(master, worker_pids(master))
        db_before = server_cpu(postmaster, postgres())
        client_cpu_before = time.process_time()
        started = time.monotonic()
        stop = started + args.seconds
        threads = []
        for index, client in enumerate(clients):
            rng = random.Random(index)
            if client.username in plan["agency"]:
                mine = {**plan["agency"][client.username]}
                target = agency_work
                work_args = (client, mine, marker, rng, tally, stop, args.think)
            else:
                target = reader_work
                work_args = (client, plan["directives"], rng, stop, args.think)
            threads.append(threading.Thread(target=target, args=work_args))
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=args.seconds + 120)
        elapsed = time.monotonic() - started
        client_cpu = time.process_time() - client_cpu_before
        load_after = os.getloadavg()[0]
        app_cpu = cpu_spent(app_before, server_cpu(master, worker_pids(master)))
        db_cpu = cpu_spent(db_before, server_cpu(postmaster, postgres()))
    finally:
        server.stop()

    in_db = int(manage(env, "shell", "-c", COUNT_CODE.format(marker=marker)).strip().splitlines()[-1])
    log = server.log.read_text(errors="replace")
    all_times = [t for times in tally.times.values() for t in times]
    result = {
        "db": db,
        "seconds": round(elapsed, 1),
        "requests": len(all_times),
        "rps": len(all_times) / elapsed,
        "p50_ms": percentile(all_times, 50) * 1000,
        "p95_ms": percentile(all_times, 95) * 1000,
        "errors": len(tally.errors),
        "error_samples": tally.errors[:5],
        "locked": tally.locked + log.count(LOCKED),
        "server_tracebacks": log.count("Traceback"),
        "reports_posted": tally.reports_sent,
        "reports_in_db": in_db,
        "load": (round(load_before, 1), round(load_after, 1)),
        "app_cpu_ms": app_cpu * 1000 / max(1, len(all_times)),
        "db_cpu_ms": db_cpu * 1000 / max(1, len(all_times)),
        "client_cpu_share": client_cpu / elapsed,
        "pages": {
            label: (len(times), percentile(times, 50) * 1000, percentile(times, 95) * 1000)
            for label, times in sorted(tally.times.items())
        },
    }
    if args.keep:
        print(f"   kept {var_dir}")
    else:
        shutil.rmtree(var_dir, ignore_errors=True)
    return result


def report(result: dict) -> bool:
    ok = (
        result["errors"] == 0
        and result["locked"] == 0
        and result["server_tracebacks"] == 0
        and result["reports_in_db"] == result["reports_posted"]
    )
    print(f"\n== {result['db']}: {'OK' if ok else 'FAILED'}")
    print(
        f"   {result['requests']} requests in {result['seconds']}s = {result['rps']:.1f} requests/s; "
        f"p50 {result['p50_ms']:.0f} ms, p95 {result['p95_ms']:.0f} ms "
        f"(load average {result['load'][0]} before, {result['load'][1]} after)"
    )
    print(
        f"   errors {result['errors']}, 'database is locked' {result['locked']}, "
        f"server tracebacks {result['server_tracebacks']}, reports posted {result['reports_posted']}, "
        f"in the database {result['reports_in_db']}"
    )
    cpu_ms = result["app_cpu_ms"] + result["db_cpu_ms"]
    print(
        f"   server CPU per request {cpu_ms:.0f} ms (gunicorn workers {result['app_cpu_ms']:.0f} ms, "
        f"PostgreSQL {result['db_cpu_ms']:.0f} ms) = {1000 / cpu_ms if cpu_ms else float('nan'):.1f} "
        f"requests/s per fully used core; the clients used {result['client_cpu_share']:.2f} of a core"
    )
    for sample in result["error_samples"]:
        print(f"   error: {sample}")
    print(f"   {'page':<18} {'count':>6} {'p50 ms':>8} {'p95 ms':>8}")
    for label, (count, p50, p95) in result["pages"].items():
        print(f"   {label:<18} {count:>6} {p50:>8.0f} {p95:>8.0f}")
    return ok


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    print(
        f"Load test: {args.clients} clients, {args.seconds:.0f}s, gunicorn {args.workers} workers, "
        f"{os.cpu_count()} cores, think time {args.think}s",
        flush=True,
    )
    results = [run(db, args) for db in dbs]
    oks = [report(result) for result in results]
    return 0 if all(oks) else 1


if __name__ == "__main__":
    sys.exit(main())
