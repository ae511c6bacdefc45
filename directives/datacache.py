"""Whole-table numbers (the home pages of the secretariat and the executives, the
dashboard) kept between requests until the data they count changes.

Every statement that writes a table of ``agencies``, ``meetings`` or ``directives``
(a service, the admin, an import, a ``QuerySet.update()``, ``bulk_create``, raw SQL
through Django's connection: all pass through the connection's execute wrapper
installed here) gives the one row of ``DataVersion`` a new random token once its
transaction has committed. A number is cached under the token it was read after,
today's date and what it counts, so:

- a write is seen by the first request that reads the new token: the numbers are
  counted again from the tables (the "cold" cost, as before the cache);
- a number computed after a token was visible cannot miss a write committed before
  it, and every later commit moves the token on; between a commit and its new token
  (a few statements) a request may still read the numbers of a moment before;
- "overdue" depends on the day: the date is part of the key, so midnight counts again;
- a connection that has written in its still open transaction reads no cache (it
  would miss its own writes), nor does one without the version row (a flushed test
  database);
- a token that was never moved (the process died between commit and token, or SQLite
  stayed busy past its timeout: logged) keeps old numbers at most ``TTL`` seconds.

The token moves after the commit, in a statement of its own, not inside the writing
transaction: there every writer would hold the one row's lock until it commits, which
serialises all writers and, on PostgreSQL, can deadlock with the row locks they take
in another order.

The cache is Django's default cache (per process unless a shared one is
configured); the token lives in the database, so several processes or machines stay
right either way.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
import secrets
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import DatabaseError, connections

logger = logging.getLogger(__name__)

TTL = 300  # seconds: the longest a lost token change can keep old numbers
WATCHED_APPS = ("agencies_", "meetings_", "directives_")
VERSION_TABLE = "directives_dataversion"
_WRITE = re.compile(r'^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)

T = TypeVar("T")


def writes_watched_table(sql: str) -> bool:
    match = _WRITE.match(sql)
    if not match:
        return False
    table = match.group(1).lower()
    return table.startswith(WATCHED_APPS) and "historical" not in table and table != VERSION_TABLE


def _pending(connection) -> bool:
    """This connection's open transaction has written a watched table: its token
    moves when it commits (rolled back with a savepoint, the write is forgotten)."""
    marker = getattr(connection, "_datacache_bump", None)
    return marker is not None and any(func is marker for _sids, func, _robust in connection.run_on_commit)


def bump(using: str = "default") -> None:
    """Give the data a new token (after a commit, or after rows were changed outside
    the application: ``manage.py forget_kept_numbers``)."""
    _bump(connections[using])


def _bump(connection) -> None:
    token = secrets.randbits(62)
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'UPDATE "{VERSION_TABLE}" SET "token" = %s WHERE "id" = 1', [token])
            if cursor.rowcount == 0:
                cursor.execute(f'INSERT INTO "{VERSION_TABLE}" ("id", "token") VALUES (1, %s)', [token])
    except DatabaseError:
        if VERSION_TABLE not in connection.introspection.table_names():
            return  # a migration before the one that makes it: nothing is cached there either
        # SQLite busy past its timeout, say: the numbers may be old for up to TTL seconds.
        logger.warning("the data token of %s was not moved", connection.alias, exc_info=True)


def _watch(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    if isinstance(sql, str) and writes_watched_table(sql):
        _written(context["connection"])
    return result


def _written(connection) -> None:
    if not connection.in_atomic_block:
        if connection.get_autocommit():
            _bump(connection)  # the statement has committed already
        return
    if _pending(connection):
        return  # this transaction already moves the token when it commits
    if getattr(connection, "_datacache_bump", None) is None:
        connection._datacache_bump = functools.partial(_bump, connection)
    connection.on_commit(connection._datacache_bump)


def install(sender=None, connection=None, **kwargs) -> None:
    """Watch every statement of ``connection`` (connected to ``connection_created``)."""
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def _token(connection) -> int | None:
    if _pending(connection):
        return None  # our own uncommitted writes: count them
    try:
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT "token" FROM "{VERSION_TABLE}" WHERE "id" = 1')
            row = cursor.fetchone()
    except DatabaseError:
        if connection.in_atomic_block:
            raise  # a failed statement inside a transaction must not pass unnoticed
        return None
    return row[0] if row else None


def cached(name: str, parts: tuple, compute: Callable[[], T], using: str = "default") -> T:
    """``compute()``, or what it gave for the same ``name`` and ``parts`` (include the
    date it counts on) since the data last changed."""
    connection = connections[using]
    token = _token(connection)
    if token is None:
        return compute()
    database = hashlib.blake2b(str(connection.settings_dict["NAME"]).encode(), digest_size=8).hexdigest()
    key = "datacache:" + ":".join(str(part) for part in (database, using, token, name, *parts))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TTL)
    return value
