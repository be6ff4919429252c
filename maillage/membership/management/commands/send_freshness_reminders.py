"""Cron entry point (daily): remind profiles 30 and 7 days before they expire. Safe to rerun."""

from django.core.management.base import BaseCommand

from maillage.membership.services.freshness import send_freshness_reminders


class Command(BaseCommand):
    help = (
        "Envoie les rappels de mise à jour des fiches (J-30 et J-7) ; rien n'est envoyé deux fois."
    )

    def handle(self, *args, **options) -> None:
        sent = send_freshness_reminders()
        for reminder in sent:
            self.stdout.write(
                f"J-{reminder.days_before} · {reminder.organisation} → {', '.join(reminder.recipients)}"
            )
        self.stdout.write(self.style.SUCCESS(f"{len(sent)} rappel(s) envoyé(s)."))
