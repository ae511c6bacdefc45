"""manage.py backup / restore: one archive with the database and the uploaded evidence,
restored into an empty database and folder with every row and every file intact."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import tarfile
import tempfile
from contextlib import closing
from pathlib import Path
from unittest import skipUnless
from urllib.parse import quote

import dj_database_url
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import TransactionTestCase, override_settings

from agencies.models import Agency, Profile
from directives import services
from directives.models import Assignment, Attachment, ProgressReport
from lampang_tracker import backup
from tests.base import FAST_HASHER, TempMediaMixin, png_upload


def model_tables() -> dict[str, str]:
    """label → table of every concrete model (what the round trip must keep)."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            tables.setdefault(model._meta.label_lower, model._meta.db_table)
    return tables


def orm_counts() -> dict[str, int]:
    return {
        model._meta.label_lower: model._base_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }


def digests(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


class Target:
    """A fresh, empty database of the engine the tests run on, dropped afterwards."""

    def __init__(self, directory: Path):
        self.settings = connection.settings_dict
        self.vendor = connection.vendor
        if self.vendor == "sqlite":
            self.path = directory / "restored.sqlite3"
            self.url = f"sqlite:///{self.path}"
        else:
            self.name = f"{self.settings['NAME']}_restore"[:63]
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"')
            self._admin(f'CREATE DATABASE "{self.name}"')
            credentials = quote(self.settings["USER"] or "", safe="")
            if self.settings["PASSWORD"]:
                credentials += ":" + quote(self.settings["PASSWORD"], safe="")
            host = f"{self.settings['HOST'] or 'localhost'}:{self.settings['PORT'] or 5432}"
            self.url = f"postgres://{credentials}@{host}/{self.name}"

    def _admin(self, statement: str) -> None:
        import psycopg

        with psycopg.connect(
            dbname="postgres",
            user=self.settings["USER"] or None,
            password=self.settings["PASSWORD"] or None,
            host=self.settings["HOST"] or None,
            port=self.settings["PORT"] or None,
            autocommit=True,
        ) as admin:
            admin.execute(statement)

    def drop(self) -> None:
        if self.vendor != "sqlite":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    def counts(self) -> dict[str, int]:
        if self.vendor == "sqlite":
            with closing(sqlite3.connect(self.path)) as db:
                return {
                    label: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
                    for label, table in model_tables().items()
                }
        import psycopg

        with psycopg.connect(self.url) as db:
            return {
                label: db.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
                for label, table in model_tables().items()
            }


@override_settings(PASSWORD_HASHERS=FAST_HASHER)
class BackupRestoreTests(TempMediaMixin, TransactionTestCase):
    """Committed data (pg_dump reads it from another connection), on the database the
    suite runs on: SQLite or PostgreSQL."""

    def setUp(self):
        # The upload folder belongs to the class; each test starts with it empty.
        for entry in Path(self.media_root).iterdir():
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
        self.scratch = Path(tempfile.mkdtemp(prefix="lampang-backup-test-"))
        self.addCleanup(shutil.rmtree, self.scratch, True)
        self.archive = self.scratch / "backup.tar.gz"
        self.target = Target(self.scratch)
        self.addCleanup(self.target.drop)

    def fill_and_back_up(self) -> None:
        """The demo data (every app) plus two reports with two photos each, then a backup."""
        with override_settings(DEBUG=True):
            call_command("load_demo", stdout=io.StringIO())
        assignment = Assignment.objects.filter(is_open=True).select_related("agency").first()
        reporter = Profile.objects.filter(agency=assignment.agency).first().user
        for n in range(2):
            services.progress_report(
                assignment=assignment,
                text=f"รายงานพร้อมรูปถ่าย {n}",
                status="in_progress",
                percent=40 + n,
                files=[png_upload(f"รูป{n}.png"), png_upload(f"แผนที่{n}.png")],
                by=reporter,
            )
        call_command("backup", output=str(self.archive), stdout=io.StringIO())

    def test_it_restores_every_row_and_every_uploaded_file(self):
        self.fill_and_back_up()
        counts = orm_counts()
        files = digests(Path(self.media_root))
        self.assertEqual(Attachment.objects.count(), 4)
        self.assertEqual(len(files), 4)
        self.assertGreater(counts["directives.directive"], 10)
        self.assertGreater(counts["minutes.minutes"], 0)
        uploads = self.scratch / "restored-uploads"

        out = io.StringIO()
        call_command("restore", str(self.archive), database_url=self.target.url, uploads=str(uploads), stdout=out)

        self.assertIn("(checked)", out.getvalue())
        self.assertEqual(self.target.counts(), counts)
        self.assertEqual(digests(uploads), files)
        self.assertEqual(set(files), {a.file.name for a in Attachment.objects.all()})

    def test_it_writes_one_archive_with_a_manifest(self):
        self.fill_and_back_up()
        with tarfile.open(self.archive) as archive:
            names = archive.getnames()
            manifest = json.load(archive.extractfile("manifest.json"))
        database = "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"
        self.assertEqual(names[:2], ["manifest.json", database])
        self.assertEqual(len([n for n in names if n.startswith("uploads/")]), 4)
        self.assertEqual(manifest["format"], 1)
        self.assertEqual(manifest["engine"], connection.vendor if connection.vendor == "sqlite" else "postgresql")
        self.assertEqual(manifest["counts"]["directives.progressreport"], ProgressReport.objects.count())
        self.assertEqual(manifest["uploads"]["files"], digests(Path(self.media_root)))
        self.assertEqual(self.archive.stat().st_mode & 0o777, 0o600)

    def test_it_refuses_a_database_or_folder_that_is_not_empty(self):
        call_command("backup", output=str(self.archive), stdout=io.StringIO())  # of the empty database
        Agency.objects.create(name="สำนักงานจังหวัดลำปาง", print_order=1)
        (Path(self.media_root) / "reports").mkdir()
        (Path(self.media_root) / "reports" / "photo.png").write_bytes(png_upload().read())

        with self.assertRaisesMessage(CommandError, "The target database is not empty (rows in agencies.agency"):
            call_command("restore", str(self.archive), uploads=str(self.scratch / "empty"))
        with self.assertRaisesMessage(CommandError, "is not empty. Restore goes only into an empty folder"):
            call_command("restore", str(self.archive), database_url=self.target.url, uploads=self.media_root)

        self.assertEqual(backup.database_counts(dj_database_url.parse(self.target.url)), {}, "target untouched")
        self.assertFalse((self.scratch / "empty").exists())

    @skipUnless(connection.vendor == "sqlite", "an in-memory database is a SQLite thing")
    def test_it_never_writes_an_in_memory_database_name_as_a_file(self):
        call_command("backup", output=str(self.archive), stdout=io.StringIO())  # of the empty database
        name = connection.settings_dict["NAME"]
        self.assertTrue(connection.is_in_memory_db())
        with self.assertRaisesMessage(CommandError, "Cannot restore into an in-memory SQLite database"):
            call_command("restore", str(self.archive), uploads=str(self.scratch / "empty"))
        self.assertFalse(Path(name).exists())

    def test_it_refuses_a_file_that_is_not_a_backup(self):
        bogus = self.scratch / "bogus.tar.gz"
        bogus.write_bytes(b"not a tarball")
        with self.assertRaisesMessage(CommandError, "Cannot read the archive"):
            call_command("restore", str(bogus), database_url=self.target.url, uploads=str(self.scratch / "u"))
        with self.assertRaisesMessage(CommandError, "No such backup file"):
            call_command("restore", str(self.scratch / "missing.tar.gz"))
