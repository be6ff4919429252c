"""Cron entry point (daily): remind reviewers a week before an application's deadline. Safe to rerun."""

from django.core.management.base import BaseCommand

from maillage.membership.services.validation import send_review_reminders


class Command(BaseCommand):
    help = (
        "Rappelle aux membres des collèges les votes attendus (J-7) ; rien n'est envoyé deux fois."
    )

    def handle(self, *args, **options) -> None:
        sent = send_review_reminders()
        for reminder in sent:
            self.stdout.write(f"{reminder.application.organisation} → {reminder.reviewer.email}")
        self.stdout.write(self.style.SUCCESS(f"{len(sent)} rappel(s) envoyé(s)."))
