"""An index of the ``search_text`` columns on SQLite: FTS5 with the trigram tokenizer.

``thai.search_condition`` asks for each query word with the ``search_contains``
lookup. On PostgreSQL it is ``LIKE '%word%'``, which the pg_trgm GIN index on the
column serves (directives/0009). SQLite has no such index, so without one every
search reads every row; with FTS5's trigram tokenizer a quoted phrase finds exactly
the rows whose column holds that text (the same rows as ``LIKE``, case folded) from
the index, for any text of three characters or more (a short word is asked for with
a space on each side, `` ตา ``, so it is long enough).

Each table with a search column has an external-content FTS5 table ``<table>_fts``
(no second copy of the text) kept in step by SQLite triggers on insert, update of
the column and delete, so bulk writes (``generate_demo_data``) and every service
alike keep it right. Migrating a model on SQLite can rebuild its table, which drops
the triggers: :func:`ensure` (after every ``migrate``) puts back what is missing and
rebuilds that index; ``manage.py rebuild_search_index`` rebuilds them all.

:func:`newest` reads the newest rows that meet a :class:`Term` condition (site search
reads its ranked hits level by level that way): on SQLite from the index in ``rowid``
order, in growing batches, so a word in every tenth row costs a few dozen index
entries rather than all of its thousands of rows; elsewhere one query ordered by
the primary key.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections
from django.db.models import Q, TextField
from django.db.models.expressions import RawSQL
from django.db.models.lookups import Contains

# Tables with a ``search_text`` column (their models' SEARCH_FIELDS fill it).
TABLES = (
    "directives_directive",
    "directives_progressreport",
    "meetings_letter",
    "minutes_agendasection",
    "minutes_agendaitem",
)
COLUMN = "search_text"
# The trigram tokenizer indexes text of three characters or more.
SHORTEST = 3


def _statements(table: str) -> list[str]:
    fts = f"{table}_fts"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5("
        f"{COLUMN}, content='{table}', content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {COLUMN}) VALUES (new.id, new.{COLUMN}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {COLUMN}) VALUES ('delete', old.id, old.{COLUMN}); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF {COLUMN} ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {COLUMN}) VALUES ('delete', old.id, old.{COLUMN}); "
        f"INSERT INTO {fts}(rowid, {COLUMN}) VALUES (new.id, new.{COLUMN}); END",
    ]


def _triggers(cursor, table: str) -> set[str]:
    cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table])
    return {row[0] for row in cursor.fetchall()}


def ensure(using: str = "default", *, rebuild: bool = False) -> list[str]:
    """Create the missing FTS tables and triggers (SQLite only); rebuild an index
    that was missing any of them, or every index with ``rebuild``. Returns the
    tables whose index was rebuilt."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    rebuilt = []
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        for table in TABLES:
            if table not in existing:
                continue
            fts = f"{table}_fts"
            complete = fts in existing and _triggers(cursor, table) >= {f"{fts}_ai", f"{fts}_ad", f"{fts}_au"}
            for statement in _statements(table):
                cursor.execute(statement)
            if rebuild or not complete:
                cursor.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")
                rebuilt.append(table)
    return rebuilt


def after_migrate(sender, using="default", **kwargs) -> None:
    ensure(using)


@TextField.register_lookup
class SearchContains(Contains):
    """``search_text__search_contains=word``: ``contains``, answered from the FTS5 index
    on SQLite (see the module's docstring)."""

    lookup_name = "search_contains"

    def get_rhs_op(self, connection, rhs):
        return connection.operators["contains"] % rhs

    def as_sqlite(self, compiler, connection):
        target = getattr(self.lhs, "target", None)
        model = getattr(target, "model", None)
        if (
            model is None
            or target.column != COLUMN
            or model._meta.db_table not in TABLES
            or not isinstance(self.rhs, str)
            or len(self.rhs) < SHORTEST
        ):
            return super().as_sql(compiler, connection)
        quote = connection.ops.quote_name
        fts = quote(f"{model._meta.db_table}_fts")
        pk = f"{quote(self.lhs.alias)}.{quote(model._meta.pk.column)}"
        phrase = '"' + self.rhs.replace('"', '""') + '"'
        return f"{pk} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)", [phrase]


@dataclass(frozen=True)
class Term:
    """The search column holds every one of ``needles`` and none of ``excluded``
    (each a text of :data:`SHORTEST` characters or more, found as ``contains`` finds it)."""

    needles: tuple[str, ...]
    excluded: tuple[str, ...] = ()


def _phrase(needle: str) -> str:
    return '"' + needle.replace('"', '""') + '"'


def match_expression(terms: list[Term]) -> str:
    """FTS5 query for rows meeting any of ``terms`` (the trigram index's phrases are substrings)."""
    parts = []
    for term in terms:
        part = "(" + " AND ".join(_phrase(n) for n in term.needles) + ")"
        if term.excluded:
            part = f"({part} NOT (" + " OR ".join(_phrase(n) for n in term.excluded) + "))"
        parts.append(part)
    return " OR ".join(parts)


def condition(terms: list[Term], field: str = COLUMN) -> Q:
    """The same as a Q: rows meeting any of ``terms``."""
    result = Q(pk__in=[])
    for term in terms:
        q = Q()
        for needle in term.needles:
            q &= Q(**{f"{field}__search_contains": needle})
        for needle in term.excluded:
            q &= ~Q(**{f"{field}__search_contains": needle})
        result |= q
    return result


# Rows of the index read in a first batch for each row wanted, and how a batch grows
# when the query's other conditions (an agency's own rows) leave too few.
BATCH_PER_ROW = 2
BATCH_MIN = 32
BATCH_GROWTH = 8
BATCH_MAX = 4096  # past this, the rest of the index's rows at once


def indexed(queryset, terms: list[Term]) -> str | None:
    """The FTS table that can answer ``terms`` for ``queryset`` (SQLite), else None."""
    connection = connections[queryset.db]
    table = queryset.model._meta.db_table
    if connection.vendor != "sqlite" or table not in TABLES or not terms:
        return None
    if any(len(n) < SHORTEST for t in terms for n in (*t.needles, *t.excluded)):
        return None
    return connection.ops.quote_name(f"{table}_fts")


def newest_ids(queryset, terms: list[Term], limit: int | None, *, before: int | None = None) -> list[int]:
    """The ids of the index's rows meeting ``terms``, newest first (below ``before``),
    at most ``limit``: FTS5 walks its rowids in order and stops there. The
    queryset's own conditions are not applied. SQLite only (see :func:`indexed`)."""
    fts = indexed(queryset, terms)
    sql = f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s"
    params: list = [match_expression(terms)]
    if before is not None:
        sql += " AND rowid < %s"
        params.append(before)
    sql += " ORDER BY rowid DESC"
    if limit is not None:
        sql += " LIMIT %s"
        params.append(limit)
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def newest(queryset, terms: list[Term], limit: int) -> list:
    """Up to ``limit`` rows of ``queryset`` meeting any of ``terms``, newest (highest
    primary key) first: ``queryset.filter(condition(terms)).order_by("-pk")[:limit]``.

    On SQLite the index is read newest first in batches (:func:`newest_ids`), each
    batch's rows checked against the queryset's own conditions, until ``limit``
    rows are found or the index has no more."""
    if limit <= 0 or not terms:
        return []
    fts = indexed(queryset, terms)
    if fts is None:
        return list(queryset.filter(condition(terms)).order_by("-pk")[:limit])
    rows: list = []
    before = None
    batch = max(BATCH_MIN, BATCH_PER_ROW * limit)
    while batch <= BATCH_MAX:
        ids = newest_ids(queryset, terms, batch, before=before)
        if ids:
            rows.extend(queryset.filter(pk__in=ids).order_by("-pk")[: limit - len(rows)])
        if len(rows) >= limit or len(ids) < batch:
            return rows
        before = ids[-1]
        batch *= BATCH_GROWTH
    # The rest at once, the index's rows as a subquery.
    sql, params = f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s", [match_expression(terms)]
    if before is not None:
        sql, params = f"{sql} AND rowid < %s", [*params, before]
    rest = RawSQL(sql, params)
    rows.extend(queryset.filter(pk__in=rest).order_by("-pk")[: limit - len(rows)])
    return rows
