"""Cron entry point: `send_alert_digests --frequency daily` every day, `weekly` once a week."""

from django.core.management.base import BaseCommand

from maillage.catalogue.models import SavedSearch
from maillage.catalogue.tasks import send_alert_digests


class Command(BaseCommand):
    help = "Envoie les alertes (nouvelles offres et nouveaux besoins) dues à cette fréquence."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--frequency", choices=SavedSearch.Frequency.values, default=SavedSearch.Frequency.DAILY
        )

    def handle(self, *args, frequency: str, **options) -> None:
        result = send_alert_digests.enqueue(frequency)
        sent = result.return_value if result.is_finished else "?"
        self.stdout.write(
            self.style.SUCCESS(f"Alertes « {frequency} » : {sent} e-mail(s) envoyé(s).")
        )
