from django.core.management.base import BaseCommand

from maillage.membership.services.demo import DEMO_ANIMATION_EMAIL, load_demo_animation


class Command(BaseCommand):
    help = (
        "Crée l'équipe d'animation de la démonstration (« Exemple », sans mot de passe), animatrice "
        "de toutes les régions : les messages aux organisations de démonstration lui parviennent."
    )

    def handle(self, *args, **options) -> None:
        if load_demo_animation():
            self.stdout.write(
                self.style.SUCCESS(f"Animation de démonstration : {DEMO_ANIMATION_EMAIL}.")
            )
        else:
            self.stdout.write("Animation de démonstration déjà créée.")
