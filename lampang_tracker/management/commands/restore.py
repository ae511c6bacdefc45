"""python manage.py restore FILE [--database-url URL] [--uploads DIR]"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from lampang_tracker import backup


class Command(BaseCommand):
    help = (
        "Restore an archive written by `backup` into an EMPTY database and an EMPTY upload "
        "folder (by default the configured ones). Stop the server first."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="the .tar.gz written by `manage.py backup`")
        parser.add_argument(
            "--database-url",
            help="restore into this database instead of the configured one (e.g. to try a backup)",
        )
        parser.add_argument("--uploads", help="restore the uploaded evidence into this folder instead")

    def handle(self, *args, archive: str, database_url: str | None, uploads: str | None, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"No such backup file: {path}")
        settings_dict = dj_database_url.parse(database_url) if database_url else connection.settings_dict
        upload_folder = Path(uploads) if uploads else backup.upload_root()
        try:
            manifest = backup.restore(path, settings_dict=settings_dict, uploads=upload_folder)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        files = len(manifest["uploads"]["files"])
        self.stdout.write(
            f"Restored the backup of {manifest['created_at']}: {rows} rows, {files} uploaded files (checked)"
        )
