"""The demo's animation team: without it, a message to a demo organisation (none has a member
or an e-mail) would have nobody to reach, and a visitor of `make run` could not see contact
routing at work. Its address is fictitious: the development server prints what it receives."""

from django.contrib.auth import get_user_model
from django.db import transaction

from maillage.membership.models import PlatformRole
from maillage.territory.models import Region

DEMO_ANIMATION_EMAIL = "animation.exemple@maillage.localhost"


@transaction.atomic
def load_demo_animation() -> bool:
    """An animator of every région, who cannot sign in; False when it is already there."""
    user, created = get_user_model().objects.get_or_create(
        username="animation-exemple",
        defaults={
            "email": DEMO_ANIMATION_EMAIL,
            "first_name": "Équipe d'animation",
            "last_name": "(Exemple)",
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    covered = set(
        PlatformRole.objects.filter(user=user, kind=PlatformRole.Kind.ANIMATOR).values_list(
            "region_id", flat=True
        )
    )
    PlatformRole.objects.bulk_create(
        PlatformRole(user=user, kind=PlatformRole.Kind.ANIMATOR, region=region)
        for region in Region.objects.exclude(pk__in=covered)
    )
    return created
