"""Backup and restore of the whole tracker: the database and the uploaded evidence.

One ``.tar.gz`` archive holds

- ``manifest.json``: format version, database engine, row count of every model, SHA-256
  of every uploaded file;
- ``database.sqlite3`` (SQLite, taken with SQLite's online backup API, safe while the
  server writes) or ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom`` of
  the same snapshot the counts were taken in);
- ``uploads/``: the evidence files, as in the upload folder.

A restore goes only into an empty database and an empty upload folder, and checks the
counts and digests of the manifest afterwards. The management commands ``backup`` and
``restore`` are thin wrappers around :func:`backup` and :func:`restore`.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from django.apps import apps
from django.core.files.storage import FileSystemStorage, storages
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import load_backend

FORMAT = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
# Filled by `migrate` itself, so a freshly migrated database still counts as empty.
# directives.dataversion: the token of the kept numbers (directives.datacache), one row
# written by its migration and replaced with the backup's.
FILLED_BY_MIGRATE = {"contenttypes.contenttype", "auth.permission", "directives.dataversion"}


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


# -- databases -------------------------------------------------------------------


def engine_of(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        return "sqlite"
    if engine == "django.db.backends.postgresql":
        return "postgresql"
    raise BackupError(f"Backup supports SQLite and PostgreSQL, not {engine}")


def full_settings(settings_dict: dict) -> dict:
    """A database settings dict with every key Django's connection classes expect."""
    return connections.configure_settings({"default": dict(settings_dict)})["default"]


def open_wrapper(settings_dict: dict) -> BaseDatabaseWrapper:
    """A connection of its own (never the request's), closed by the caller."""
    settings_dict = full_settings(settings_dict)
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias="backup")


def counted_tables() -> dict[str, str]:
    """label → table of every model whose rows live in a table of their own."""
    tables: dict[str, str] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.managed and not meta.proxy and meta.db_table not in tables.values():
            tables[meta.label_lower] = meta.db_table
    return dict(sorted(tables.items()))


def count_rows(cursor, existing: set[str]) -> dict[str, int]:
    counts = {}
    for label, table in counted_tables().items():
        if table in existing:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
            counts[label] = cursor.fetchone()[0]
    return counts


def sqlite_counts(path: Path) -> dict[str, int]:
    if not path.exists():
        return {}
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        cursor = db.cursor()
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        return count_rows(cursor, {row[0] for row in cursor.fetchall()})


def postgres_counts(cursor) -> dict[str, int]:
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    return count_rows(cursor, {row[0] for row in cursor.fetchall()})


def database_counts(settings_dict: dict) -> dict[str, int]:
    wrapper = open_wrapper(settings_dict)
    if engine_of(settings_dict) == "sqlite" and not wrapper.is_in_memory_db():
        # A plain file: read it without creating it (a missing file is an empty database).
        return sqlite_counts(Path(settings_dict["NAME"]))
    try:
        with wrapper.cursor() as cursor:
            if wrapper.vendor == "sqlite":
                cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                return count_rows(cursor, {row[0] for row in cursor.fetchall()})
            return postgres_counts(cursor)
    finally:
        wrapper.close()


def postgres_command(program: str, settings_dict: dict) -> tuple[list[str], dict[str, str]]:
    """``program`` with the connection settings as arguments and libpq variables."""
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed (Debian package postgresql-client)")
    args = [program, "--no-password"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings_dict.get(key):
            args += [option, str(settings_dict[key])]
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings_dict["PASSWORD"])
    options = settings_dict.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"), ("service", "PGSERVICE")):
        if options.get(option):
            env[variable] = str(options[option])
    return args, env


def run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{args[0]} failed (exit {done.returncode}): {done.stderr.strip()}")


def dump_database(settings_dict: dict, directory: Path) -> tuple[Path, dict[str, int]]:
    """Write the database into ``directory``; return the file and the row counts *of
    that copy* (not of a moment before or after)."""
    engine = engine_of(settings_dict)
    target = directory / DATABASE_FILES[engine]
    if engine == "sqlite":
        # SQLite's online backup API: a consistent copy while other connections write.
        wrapper = open_wrapper(settings_dict)
        try:
            wrapper.ensure_connection()
            with closing(sqlite3.connect(target)) as copy:
                wrapper.connection.backup(copy)
        finally:
            wrapper.close()
        return target, sqlite_counts(target)
    # PostgreSQL: count inside one repeatable-read snapshot and let pg_dump dump that
    # very snapshot, so the manifest matches the dump even while the server writes.
    wrapper = open_wrapper(settings_dict)
    try:
        with wrapper.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = postgres_counts(cursor)
            args, env = postgres_command("pg_dump", settings_dict)
            run(
                [*args, "--format=custom", "--no-owner", "--no-acl", f"--snapshot={snapshot}", f"--file={target}"]
                + [str(settings_dict["NAME"])],
                env,
            )
            cursor.execute("COMMIT")
    finally:
        wrapper.close()
    return target, counts


def database_is_empty(settings_dict: dict) -> list[str]:
    """The models that already have rows in the target (empty list: empty)."""
    counts = database_counts(settings_dict)
    return [label for label, count in counts.items() if count and label not in FILLED_BY_MIGRATE]


def load_database(settings_dict: dict, dump: Path) -> None:
    if engine_of(settings_dict) == "sqlite":
        # Copy the file into place while no connection of this process is open; the
        # server must be stopped (README). Stale WAL files would be replayed onto the
        # new database, so they go first.
        if open_wrapper(settings_dict).is_in_memory_db():
            raise BackupError("Cannot restore into an in-memory SQLite database: give a database file")
        connections.close_all()
        path = Path(settings_dict["NAME"])
        path.parent.mkdir(parents=True, exist_ok=True)
        for stale in (Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
            stale.unlink(missing_ok=True)
        partial = path.with_name(f".{path.name}.restoring")
        shutil.copyfile(dump, partial)
        os.replace(partial, path)
        return
    args, env = postgres_command("pg_restore", settings_dict)
    # --clean drops the tables `migrate` may have created (they hold no rows: checked).
    run(
        [*args, "--clean", "--if-exists", "--no-owner", "--no-acl", "--single-transaction", "--exit-on-error"]
        + [f"--dbname={settings_dict['NAME']}", str(dump)],
        env,
    )


# -- uploads ---------------------------------------------------------------------


def upload_root() -> Path | None:
    """The folder of the uploaded evidence, or None when it lives on object storage
    (which keeps its own versions; docs/scaling.md)."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        return Path(storage.location)
    return None


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def upload_files(root: Path | None) -> Iterator[tuple[str, Path]]:
    if root is None or not root.is_dir():
        return
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            yield path.relative_to(root).as_posix(), path


def file_digests(root: Path | None) -> dict[str, str]:
    return {name: sha256(path) for name, path in upload_files(root)}


# -- archive ---------------------------------------------------------------------


def backup(output: Path, *, settings_dict: dict, uploads: Path | None) -> dict:
    """Write the archive to ``output`` (atomically, mode 0600: it holds password
    hashes) and return its manifest."""
    engine = engine_of(settings_dict)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lampang-backup-") as scratch:
        dump, counts = dump_database(settings_dict, Path(scratch))
        files = file_digests(uploads)
        manifest = {
            "format": FORMAT,
            "app": "lampang-tracker",
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "engine": engine,
            "database": dump.name,
            "counts": counts,
            "uploads": {"included": uploads is not None, "files": files},
        }
        partial = output.with_name(f".{output.name}.partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
                data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime, info.mode = len(data), int(datetime.datetime.now().timestamp()), 0o600
                archive.addfile(info, io.BytesIO(data))
                archive.add(dump, arcname=dump.name)
                for name, path in upload_files(uploads):
                    if name in files:
                        archive.add(path, arcname=f"{UPLOADS}/{name}")
            os.replace(partial, output)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return manifest


def read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.extractfile(MANIFEST)
    except KeyError:
        member = None
    if member is None:
        raise BackupError("Not a Lampang Tracker backup: no manifest.json in the archive")
    manifest = json.load(member)
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Backup format {manifest.get('format')!r} is not supported (this version reads {FORMAT})")
    return manifest


@contextmanager
def unpacked(path: Path) -> Iterator[tuple[dict, Path]]:
    with tempfile.TemporaryDirectory(prefix="lampang-restore-") as scratch:
        try:
            with tarfile.open(path, "r:gz") as archive:
                manifest = read_manifest(archive)
                # The "data" filter refuses absolute paths, links out of the folder and devices.
                archive.extractall(scratch, filter="data")
        except (OSError, EOFError, ValueError, tarfile.TarError) as exc:
            raise BackupError(f"Cannot read the archive {path}: {exc}") from exc
        yield manifest, Path(scratch)


def restore(path: Path, *, settings_dict: dict, uploads: Path | None) -> dict:
    """Restore the archive at ``path`` into the (empty) database of ``settings_dict``
    and the (empty) folder ``uploads``; check it against the manifest."""
    engine = engine_of(settings_dict)
    with unpacked(path) as (manifest, scratch):
        if manifest["engine"] != engine:
            raise BackupError(
                f"This backup is of a {manifest['engine']} database; the target is {engine}. "
                "Restore it into the same kind of database."
            )
        filled = database_is_empty(settings_dict)
        if filled:
            raise BackupError(
                "The target database is not empty (rows in "
                + ", ".join(filled[:5])
                + (", …" if len(filled) > 5 else "")
                + "). Restore goes only into an empty database: create a new one (or "
                "delete the SQLite file) and try again. (ฐานข้อมูลปลายทางมีข้อมูลอยู่แล้ว)"
            )
        files = manifest["uploads"]["files"]
        if files and uploads is None:
            raise BackupError("The uploads of this backup need a folder, but uploads are on object storage")
        if uploads is not None and any(upload_files(uploads)):
            raise BackupError(
                f"The upload folder {uploads} is not empty. Restore goes only into an empty "
                "folder: move its files away and try again. (โฟลเดอร์ไฟล์แนบมีไฟล์อยู่แล้ว)"
            )
        extracted = scratch / UPLOADS
        if file_digests(extracted if files else None) != files:
            raise BackupError("The archive is damaged: its uploaded files differ from its manifest")
        load_database(settings_dict, scratch / manifest["database"])
        if files:
            shutil.copytree(extracted, uploads, dirs_exist_ok=True)
    counts = database_counts(settings_dict)
    if counts != manifest["counts"]:
        wrong = sorted(label for label in manifest["counts"] if counts.get(label) != manifest["counts"][label])
        raise BackupError(f"Restored, but the row counts differ from the manifest: {', '.join(wrong)}")
    if uploads is not None and file_digests(uploads) != files:
        raise BackupError("Restored, but the uploaded files differ from the manifest")
    return manifest
