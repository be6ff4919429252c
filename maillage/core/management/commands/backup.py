from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from maillage.core.backups import BackupError, backup_database, default_backup_path


class Command(BaseCommand):
    help = "Sauvegarde la base (API de sauvegarde SQLite, ou pg_dump -Fc pour PostgreSQL)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--output", help="Fichier à écrire (sinon BACKUP_DIR/maillage-…)")
        parser.add_argument("--dir", default="", help="Dossier des sauvegardes (BACKUP_DIR)")
        parser.add_argument("--database", default="default")

    def handle(self, *args, output: str, dir: str, database: str, **options) -> None:
        directory = Path(dir or settings.BACKUP_DIR)
        path = Path(output) if output else default_backup_path(directory, database)
        try:
            backup_database(path, database)
        except BackupError as error:
            raise CommandError(str(error)) from error
        size = path.stat().st_size
        self.stdout.write(f"Sauvegarde écrite : {path} ({size / 1_048_576:.1f} Mio)")
