"""gunicorn settings for Lampang Tracker (`make serve`, deploy/lampang-tracker.service).

Every value can be changed from the environment; see "Running on a server" in README.md.
"""

import multiprocessing
import os

# Address nginx proxies to. Behind nginx on the same machine, loopback only.
bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]

# Synchronous workers: one request each. gunicorn reads WEB_CONCURRENCY itself too; the
# default is the usual 2 × cores + 1 (docs/scaling.md has the measured figures).
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
worker_class = "sync"

# A request taking longer than this (e.g. a runaway PDF) is killed and its worker replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5

# Recycle workers now and then, so memory a large PDF took is given back.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "1000"))
max_requests_jitter = 100

# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None

# Logs to stdout/stderr: journald (systemd) or the terminal keeps them.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = '%(h)s %({x-forwarded-for}i)s "%(r)s" %(s)s %(b)s %(M)sms'

# X-Forwarded-* are trusted from the local nginx only.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "lampang-tracker"

# gunicorn's control socket (for `gunicornc`) defaults to a path under $HOME shared by
# every instance of the user; off unless a path is given.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
