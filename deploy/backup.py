#!/usr/bin/env python3
"""Back up LeadSite's database (and local media), and restore a backup into a fresh database.

    .venv/bin/python deploy/backup.py create /var/backups/leadsite
    .venv/bin/python deploy/backup.py restore /var/backups/leadsite/leadsite-20261203T031500Z.dump

The database is the one the site uses: DATABASE_URL, as in the site's environment (SQLite
db.sqlite3 next to manage.py when it is unset).

- PostgreSQL: `pg_dump --format=custom`, a consistent snapshot taken while the site runs;
  restored with `pg_restore` in one transaction, so a failed restore leaves nothing behind.
- SQLite: SQLite's online backup API, a consistent copy taken while the site writes (WAL),
  checked with `PRAGMA integrity_check` before it is kept.
- Media on local disk (MEDIA_ROOT): a .tar.gz next to the database backup; the files readers
  uploaded with lead forms (LEAD_PRIVATE_ROOT, var/private/ by default): another. Files on S3
  are left to the bucket's versioning or replication (docs/deploy.md).

`restore` refuses a database that already has tables or a SQLite file that exists: it restores
into a fresh database, which the operator then points DATABASE_URL at. Exit status 1 with the
reason on any failure.
"""

import argparse
import contextlib
import datetime
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why."""


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or f"sqlite:///{REPO_ROOT / 'db.sqlite3'}"


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def sqlite_path(url: str) -> Path:
    if not url.startswith("sqlite:///"):
        raise BackupError(f"not a PostgreSQL or SQLite database URL: {url.split(':', 1)[0]}:...")
    return Path(url.removeprefix("sqlite:///"))


def libpq_url(url: str) -> str:
    """pg_dump and pg_restore take postgresql:// URLs (dj-database-url also allows postgres://)."""
    return "postgresql://" + url.split("://", 1)[1]


def run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=6 * 3600)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()[-2000:]}")


def create(
    folder: Path, *, url: str, media_root: Path | None, private_root: Path | None = None
) -> list[Path]:
    """Write the backup files into `folder`; returns their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    written = []
    if is_postgres(url):
        target = folder / f"leadsite-{stamp}.dump"
        run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
             f"--file={target}", libpq_url(url)])  # fmt: skip
    else:
        source = sqlite_path(url)
        if not source.exists():
            raise BackupError(f"no SQLite database at {source}")
        target = folder / f"leadsite-{stamp}.sqlite3"
        copy_sqlite(source, target)
    written.append(target)
    for name, root in (("media", media_root), ("private", private_root)):
        if root is not None and root.is_dir():
            archive = folder / f"leadsite-{name}-{stamp}.tar.gz"
            with tarfile.open(archive, "w:gz") as tar:
                tar.add(root, arcname=name)
            written.append(archive)
    return written


def copy_sqlite(source: Path, target: Path) -> None:
    """Copy a SQLite database with the online backup API, then check the copy."""
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    with (
        contextlib.closing(
            sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
        ) as reader,
        contextlib.closing(sqlite3.connect(partial)) as writer,
    ):
        reader.backup(writer)
        (verdict,) = writer.execute("PRAGMA integrity_check").fetchone()
        writer.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
    if verdict != "ok":
        partial.unlink()
        raise BackupError(f"the copy failed SQLite's integrity check: {verdict}")
    partial.rename(target)


def restore(
    backup: Path,
    *,
    url: str,
    media_root: Path | None,
    media: Path | None,
    private_root: Path | None = None,
    private: Path | None = None,
) -> None:
    """Restore `backup` into the fresh database of `url` (and `media` into media_root, the
    uploaded lead files `private` into private_root)."""
    if not backup.is_file():
        raise BackupError(f"no backup file at {backup}")
    if is_postgres(url):
        if backup.suffix != ".dump":
            raise BackupError("a PostgreSQL database is restored from a .dump file")
        if postgres_has_tables(url):
            raise BackupError("the target database is not empty: restore into a fresh one")
        run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
             "--single-transaction", f"--dbname={libpq_url(url)}", str(backup)])  # fmt: skip
    else:
        if backup.suffix != ".sqlite3":
            raise BackupError("a SQLite database is restored from a .sqlite3 file")
        target = sqlite_path(url)
        if target.exists():
            raise BackupError(f"{target} exists: restore into a new file")
        target.parent.mkdir(parents=True, exist_ok=True)
        copy_sqlite(backup, target)
    if media is not None:
        if media_root is None:
            raise BackupError("MEDIA_ROOT is not set: nowhere to restore the media to")
        restore_folder(media, media_root, "media")
    if private is not None:
        if private_root is None:
            raise BackupError("LEAD_PRIVATE_ROOT is not set: nowhere to restore the files to")
        restore_folder(private, private_root, "private")


def restore_folder(archive: Path, root: Path, name: str) -> None:
    """Unpack a folder archive (`name`/ inside) into `root`, which must be new or empty."""
    if root.exists() and any(root.iterdir()):
        raise BackupError(f"{root} is not empty: restore {name} into a fresh folder")
    root.parent.mkdir(parents=True, exist_ok=True)
    unpacked = Path(tempfile.mkdtemp(prefix=".restoring-", dir=root.parent))
    try:
        with tarfile.open(archive) as tar:
            tar.extractall(unpacked, filter="data")
        if root.exists():
            root.rmdir()
        (unpacked / name).rename(root)
    finally:
        shutil.rmtree(unpacked, ignore_errors=True)


def postgres_has_tables(url: str) -> bool:
    import psycopg

    with psycopg.connect(libpq_url(url), connect_timeout=10) as connection:
        query = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
        return connection.execute(query).fetchone()[0] > 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("create", help="back up the database and local media")
    make.add_argument("folder", type=Path, help="where to write the backup files")
    make.add_argument(
        "--no-media", action="store_true", help="database only (no media, no uploaded files)"
    )
    back = commands.add_parser("restore", help="restore a backup into a fresh database")
    back.add_argument("backup", type=Path, help="a .dump (PostgreSQL) or .sqlite3 file")
    back.add_argument("--media", type=Path, help="a leadsite-media-*.tar.gz to restore too")
    back.add_argument(
        "--private", type=Path, help="a leadsite-private-*.tar.gz (uploaded lead files) too"
    )
    args = parser.parse_args(argv)
    media_root = Path(os.environ["MEDIA_ROOT"]) if os.environ.get("MEDIA_ROOT") else None
    media_root = media_root or REPO_ROOT / "media"
    private_root = Path(os.environ.get("LEAD_PRIVATE_ROOT") or REPO_ROOT / "var" / "private")
    try:
        if args.command == "create":
            for path in create(
                args.folder,
                url=database_url(),
                media_root=None if args.no_media else media_root,
                private_root=None if args.no_media else private_root,
            ):
                print(path)
        else:
            restore(
                args.backup,
                url=database_url(),
                media_root=media_root,
                media=args.media,
                private_root=private_root,
                private=args.private,
            )
            print(f"Restored {args.backup.name}.")
    except BackupError as error:
        print(f"backup.py {args.command}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
