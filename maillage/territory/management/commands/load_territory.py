from django.core.management.base import BaseCommand

from maillage.territory.services import load_territory


class Command(BaseCommand):
    help = (
        "Charge régions, départements, EPCI, communes et codes postaux depuis data/ (idempotent)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Recharger même si inchangé.")

    def handle(self, *args, force: bool = False, **options) -> None:
        report = load_territory(force=force)
        if report.skipped:
            self.stdout.write("Territoires déjà chargés, fichiers inchangés : rien à faire.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Territoires chargés : {report.regions} régions, {report.departements} départements, "
                f"{report.epcis} EPCI, {report.communes} communes, {report.postal_codes} codes postaux."
            )
        )
