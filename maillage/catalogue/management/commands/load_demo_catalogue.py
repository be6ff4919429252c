from django.core.management.base import BaseCommand

from maillage.catalogue.services.demo import load_demo_catalogue


class Command(BaseCommand):
    help = (
        "Publie des exemples d'offres et de besoins d'organisations réelles de la démonstration "
        "(marqués « Exemple ») ; ne fait rien s'ils existent déjà, sauf avec --force."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Remplacer les exemples.")

    def handle(self, *args, force: bool = False, **options) -> None:
        created = load_demo_catalogue(force=force)
        if created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Catalogue : {created} exemples d'offres et de besoins publiés."
                )
            )
        else:
            self.stdout.write("Exemples du catalogue déjà chargés.")
