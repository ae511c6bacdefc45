"""lampang_tracker/settings.py: read from the environment, failing loudly on bad values."""

from __future__ import annotations

import os
import runpy
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.test import SimpleTestCase

SETTINGS_FILE = Path(settings.BASE_DIR) / "lampang_tracker" / "settings.py"
SETTINGS_ENV = ("DATABASE_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "VAR_DIR", "STATIC_MANIFEST", "SQLITE_TIMEOUT")


def load_settings(**env: str) -> dict:
    """Run settings.py afresh with exactly these settings variables set."""
    clean = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV}
    with mock.patch.dict(os.environ, {**clean, **env}, clear=True):
        return runpy.run_path(str(SETTINGS_FILE))


class SettingsTests(SimpleTestCase):
    def test_it_defaults_to_a_sqlite_file_in_var(self):
        loaded = load_settings(SECRET_KEY="x")
        database = loaded["DATABASES"]["default"]
        self.assertEqual(database["ENGINE"], "django.db.backends.sqlite3")
        self.assertEqual(Path(database["NAME"]), Path(settings.BASE_DIR) / "var" / "db.sqlite3")

    def test_it_turns_on_wal_and_immediate_transactions_for_sqlite(self):
        options = load_settings(SECRET_KEY="x")["DATABASES"]["default"]["OPTIONS"]
        self.assertIn("PRAGMA journal_mode=WAL", options["init_command"])
        self.assertEqual(options["transaction_mode"], "IMMEDIATE")
        self.assertEqual(options["timeout"], 20)

    def test_it_reads_a_postgresql_database_url(self):
        database = load_settings(SECRET_KEY="x", DATABASE_URL="postgres://tracker:pw@db.example:5432/lampang")[
            "DATABASES"
        ]["default"]
        self.assertEqual(database["ENGINE"], "django.db.backends.postgresql")
        self.assertEqual((database["NAME"], database["HOST"], database["PORT"]), ("lampang", "db.example", 5432))
        self.assertNotIn("init_command", database.get("OPTIONS", {}))

    def test_it_needs_a_secret_key_when_debug_is_off(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "SECRET_KEY must be set"):
            load_settings(DEBUG="0")
        self.assertTrue(load_settings(DEBUG="1")["SECRET_KEY"])

    def test_it_fails_loudly_on_a_value_it_cannot_read(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "DEBUG must be a boolean"):
            load_settings(DEBUG="maybe", SECRET_KEY="x")
        with self.assertRaisesMessage(ImproperlyConfigured, "SQLITE_TIMEOUT must be an integer"):
            load_settings(SQLITE_TIMEOUT="twenty", SECRET_KEY="x")

    def test_it_is_safe_by_default(self):
        loaded = load_settings(SECRET_KEY="x")
        self.assertFalse(loaded["DEBUG"])
        self.assertEqual(loaded["ALLOWED_HOSTS"], [])
        self.assertTrue(loaded["SESSION_COOKIE_SECURE"])
        self.assertTrue(loaded["CSRF_COOKIE_SECURE"])

    def test_it_speaks_thai_in_bangkok_time(self):
        self.assertEqual(settings.LANGUAGE_CODE, "th")
        self.assertEqual(settings.TIME_ZONE, "Asia/Bangkok")
        self.assertTrue(settings.USE_TZ)

    def test_it_keeps_uploads_out_of_the_static_tree(self):
        loaded = load_settings(SECRET_KEY="x")
        uploads = Path(loaded["STORAGES"]["default"]["OPTIONS"]["location"]).resolve()
        self.assertEqual(uploads, Path(loaded["MEDIA_ROOT"]).resolve())
        for static_dir in (loaded["STATIC_ROOT"], *loaded["STATICFILES_DIRS"]):
            self.assertFalse(uploads.is_relative_to(Path(static_dir).resolve()))
        self.assertIsNone(loaded["STORAGES"]["default"]["OPTIONS"]["base_url"])
        self.assertEqual(loaded["MAX_UPLOAD_BYTES"], 10 * 1024 * 1024)


@unittest.skipUnless(connection.vendor == "sqlite", "WAL is a SQLite setting; PostgreSQL has its own journal")
class SqliteWalTests(SimpleTestCase):
    databases = {"default"}

    def test_it_opens_sqlite_databases_in_wal_mode(self):
        # The test database lives in memory, which SQLite cannot put in WAL mode, so open
        # a file database with exactly the project's connection settings.
        from django.db.backends.sqlite3.base import DatabaseWrapper

        with tempfile.TemporaryDirectory() as directory:
            settings_dict = {**connection.settings_dict, "NAME": str(Path(directory) / "wal.sqlite3")}
            wrapper = DatabaseWrapper(settings_dict, alias="wal_check")
            try:
                with wrapper.cursor() as cursor:
                    cursor.execute("PRAGMA journal_mode")
                    self.assertEqual(cursor.fetchone()[0].lower(), "wal")
            finally:
                wrapper.close()
