"""Backups of the whole database: SQLite's online backup API, or pg_dump / pg_restore.

A backup taken while the site runs is consistent (SQLite copies pages under a read lock;
pg_dump reads one snapshot). A restore replaces every table of the target with the backup's.
"""

import datetime
import os
import sqlite3
import subprocess
from pathlib import Path

import dj_database_url
from django.db import DEFAULT_DB_ALIAS, connections


class BackupError(Exception):
    """What went wrong, for the person running the command."""


def _engine(settings_dict: dict) -> str:
    engine = settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"Moteur de base de données non pris en charge : {engine}.")


def _pg_environment(settings_dict: dict) -> dict[str, str]:
    """libpq variables, so that no password appears on a command line."""
    environment = dict(os.environ)
    for variable, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if settings_dict.get(key):
            environment[variable] = str(settings_dict[key])
    return environment


def _run(command: list[str], environment: dict[str, str]) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} a échoué : {result.stderr.strip()[-2000:]}")


def default_backup_path(directory: Path, alias: str = DEFAULT_DB_ALIAS) -> Path:
    suffix = ".sqlite3" if _engine(connections[alias].settings_dict) == "sqlite" else ".dump"
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return directory / f"maillage-{stamp}{suffix}"


def backup_database(path: Path, alias: str = DEFAULT_DB_ALIAS) -> Path:
    """Write a backup of database `alias` to `path` (created with its folder, mode 600)."""
    connection = connections[alias]
    path.parent.mkdir(parents=True, exist_ok=True)
    if _engine(connection.settings_dict) == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    else:
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-acl", f"--file={path}"],
            _pg_environment(connection.settings_dict),
        )
    path.chmod(0o600)
    return path


def restore_database(path: Path, *, alias: str = DEFAULT_DB_ALIAS, into: str = "") -> None:
    """Replace the tables of database `alias` (or of the database at URL `into`) with the
    backup's; the backup must come from the same engine."""
    if not path.is_file():
        raise BackupError(f"Le fichier de sauvegarde {path} n'existe pas.")
    settings_dict = dj_database_url.parse(into) if into else connections[alias].settings_dict
    if _engine(settings_dict) == "sqlite":
        with path.open("rb") as backup:  # the header only: backups can weigh gigabytes
            header = backup.read(16)
        if header != b"SQLite format 3\x00":
            raise BackupError(f"{path} n'est pas une sauvegarde SQLite.")
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            if into:
                target = sqlite3.connect(settings_dict["NAME"])
                source.backup(target)
                target.close()
            else:
                connection = connections[alias]
                connection.close()
                connection.ensure_connection()
                source.backup(connection.connection)
        finally:
            source.close()
        return
    with path.open("rb") as dump:
        if dump.read(5) != b"PGDMP":
            raise BackupError(f"{path} n'est pas une sauvegarde pg_dump (format custom).")
    if not into:
        connections[alias].close()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={settings_dict['NAME']}",
            str(path),
        ],
        _pg_environment(settings_dict),
    )
