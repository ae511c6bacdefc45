"""python manage.py backup --output FILE|DIR [--keep N]"""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from lampang_tracker import backup

PREFIX = "lampang-tracker-"


class Command(BaseCommand):
    help = (
        "Write one archive (.tar.gz) with the database (PostgreSQL: pg_dump; SQLite: online "
        "backup, safe while the server runs) and the uploaded evidence, plus a manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            required=True,
            help="archive file to write, or an existing folder: a dated file is written into it",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=0,
            help="with a folder as --output: keep only the newest N archives of the folder (0: keep all)",
        )

    def handle(self, *args, output: str, keep: int, **options):
        target = Path(output)
        folder = target if target.is_dir() else None
        if folder is not None:
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            target = folder / f"{PREFIX}{stamp}.tar.gz"
        elif keep:
            raise CommandError("--keep needs a folder as --output")
        if keep < 0:
            raise CommandError("--keep must be 0 or more")
        try:
            manifest = backup.backup(target, settings_dict=connection.settings_dict, uploads=backup.upload_root())
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        files = len(manifest["uploads"]["files"])
        self.stdout.write(f"{target}: {manifest['engine']} database ({rows} rows), {files} uploaded files")
        if folder is not None and keep:
            archives = sorted(folder.glob(f"{PREFIX}*.tar.gz"), reverse=True)
            for old in archives[keep:]:
                old.unlink()
                self.stdout.write(f"removed old backup {old}")
