"""Where one page's time goes: cProfile over requests to the bench data set.

    .venv/bin/python bench/profile_page.py /directives/ [--user bench_secretariat]
        [--db sqlite|postgres] [--runs 30] [--sort cumulative|tottime] [--lines 60]

Uses the database bench_pages.py built (it is not generated here), with the same
settings (DEBUG off, cached templates) and Django's test Client logged in as
``--user``. Prints the page's CPU time per request without the profiler first
(cProfile slows small Python calls more than big ones: read its shares with that in
mind), then the profile.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time

import bench_pages


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("--user", default="bench_secretariat")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--directives", type=int, default=100_000)
    parser.add_argument("--postgres-url", default=bench_pages.DEFAULT_POSTGRES_URL)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=60)
    args = parser.parse_args(argv)

    bench_pages.configure_django(bench_pages.database_url(args, args.db))
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username=args.user))
    for _ in range(3):
        status = client.get(args.url).status_code
    started = time.process_time()
    for _ in range(args.runs):
        client.get(args.url)
    cpu = (time.process_time() - started) * 1000 / args.runs
    print(f"{args.url} as {args.user} ({args.db}): status {status}, {cpu:.1f} ms CPU a request without the profiler")

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(args.runs):
        client.get(args.url)
    profile.disable()
    pstats.Stats(profile, stream=sys.stdout).sort_stats(args.sort).print_stats(args.lines)


if __name__ == "__main__":
    main()
