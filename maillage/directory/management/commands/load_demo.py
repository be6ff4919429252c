from django.core.management.base import BaseCommand

from maillage.directory.services.demo import load_demo_organisations
from maillage.directory.services.reference import load_reference_data
from maillage.territory.services import load_territory


class Command(BaseCommand):
    help = (
        "Charge les territoires, les nomenclatures et les entreprises inclusives réelles de "
        "data/siae.csv ; saute ce qui est déjà chargé et inchangé."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--force", action="store_true", help="Recharger même si inchangé.")

    def handle(self, *args, force: bool = False, **options) -> None:
        territory = load_territory(force=force)
        if not territory.skipped:
            self.stdout.write(
                f"Territoires : {territory.communes} communes, "
                f"{territory.postal_codes} codes postaux, {territory.epcis} EPCI."
            )
        reference = load_reference_data(force=force)
        if not reference.skipped:
            self.stdout.write(
                f"Nomenclatures : {reference.naf_codes} codes NAF, "
                f"{reference.legal_forms} catégories juridiques, "
                f"{reference.sectors} filières, {reference.naf_rules} règles NAF → filière."
            )
        report = load_demo_organisations(force=force)
        if report.skipped:
            self.stdout.write("Données de démonstration déjà chargées et inchangées.")
            return
        for problem in report.rejected:
            self.stdout.write(
                self.style.WARNING(f"  rejetée  ligne {problem.line} : {problem.reason}")
            )
        for problem in report.warnings:
            self.stdout.write(f"  averti   ligne {problem.line} : {problem.reason}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Démonstration : {report.read} lignes lues, {report.organisations_created} organisations "
                f"créées, {report.organisations_unchanged} déjà présentes (jamais écrasées), {len(report.rejected)} lignes "
                f"rejetées, {len(report.warnings)} avertissements, {report.approximate} placées au "
                "centre de leur commune (sans point, ou point à plus de 40 km : position approximative)."
            )
        )
