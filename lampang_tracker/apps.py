from django.apps import AppConfig, apps
from django.db import connections
from django.db.models.signals import post_migrate


def analyze_sqlite(sender, using="default", **kwargs) -> None:
    """SQLite plans without statistics until ANALYZE is run (PostgreSQL's autovacuum
    gathers its own): after every migrate, so a migrated database plans with them."""
    connection = connections[using]
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


class LampangTrackerConfig(AppConfig):
    name = "lampang_tracker"
    verbose_name = "ระบบติดตามข้อสั่งการ"

    def ready(self):
        from lampang_tracker import (
            auth,  # noqa: F401  (connects the login signal)
            fulltext,  # registers the search_contains lookup
        )

        # post_migrate is sent per app with models (this one has none): once, for directives.
        # The SQLite search index first (its tables and triggers), then the statistics.
        post_migrate.connect(
            fulltext.after_migrate, sender=apps.get_app_config("directives"), dispatch_uid="lampang_fulltext"
        )
        post_migrate.connect(
            analyze_sqlite, sender=apps.get_app_config("directives"), dispatch_uid="lampang_analyze_sqlite"
        )
