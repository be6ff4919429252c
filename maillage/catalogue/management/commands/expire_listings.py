"""Cron entry point (daily): remind a week before an offer or need expires, then expire it."""

from django.core.management.base import BaseCommand

from maillage.catalogue.tasks import expire_listings


class Command(BaseCommand):
    help = "Rappelle les annonces qui expirent dans 7 jours et ferme celles qui ont expiré."

    def handle(self, *args, **options) -> None:
        result = expire_listings.enqueue()
        expired = result.return_value if result.is_finished else "?"
        self.stdout.write(self.style.SUCCESS(f"{expired} annonce(s) expirée(s)."))
