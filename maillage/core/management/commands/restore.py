from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from maillage.core.backups import BackupError, restore_database


class Command(BaseCommand):
    help = (
        "Restaure une sauvegarde de `backup` : remplace toutes les tables de la base "
        "(ou de celle donnée par --into, pour vérifier une sauvegarde à part)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="Fichier .sqlite3 ou .dump écrit par `backup`")
        parser.add_argument("--into", default="", help="URL d'une autre base où restaurer")
        parser.add_argument("--database", default="default")
        parser.add_argument(
            "--force", action="store_true", help="Remplacer les données sans demander"
        )

    def handle(self, *args, file: str, into: str, database: str, force: bool, **options) -> None:
        if not force and not into:
            raise CommandError(
                "La restauration remplace toutes les données de la base : relancez avec --force "
                "(ou restaurez à part avec --into URL)."
            )
        try:
            restore_database(Path(file), alias=database, into=into)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Sauvegarde restaurée : {file}")
