import pytest
from django.contrib.auth import get_user_model

from maillage.membership.services.demo import DEMO_ANIMATION_EMAIL, load_demo_animation
from maillage.territory.models import Region

pytestmark = pytest.mark.django_db


def test_the_demo_animation_animates_every_region_once_and_cannot_sign_in():
    assert load_demo_animation() is True
    assert load_demo_animation() is False

    user = get_user_model().objects.get(email=DEMO_ANIMATION_EMAIL)
    assert not user.has_usable_password()
    assert sorted(user.platform_roles.values_list("region_id", flat=True)) == sorted(
        Region.objects.values_list("pk", flat=True)
    )
