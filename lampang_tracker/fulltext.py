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
"""

from __future__ import annotations

from django.db import connections
from django.db.models import TextField
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
