"""Trigram indexes so the list's text search (icontains → UPPER(col) LIKE UPPER(%…%))
does not scan every directive on PostgreSQL. SQLite has no equivalent; it skips this."""

from django.db import migrations

INDEXES = {
    "directive_text_trgm": "text",
    "directive_heading_trgm": "heading",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, column in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON directives_directive USING gin (UPPER("{column}") gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("directives", "0003_assignment_recent_index")]

    operations = [migrations.RunPython(create, drop)]
