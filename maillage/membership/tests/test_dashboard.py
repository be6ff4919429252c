"""The animation dashboard opens on what needs attention: counted cards, scoped to the territory."""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from maillage.catalogue.models import ContactMessage, NeedReport
from maillage.catalogue.tests.factories import BORDEAUX, organisation_in
from maillage.directory.models import Organisation
from maillage.directory.tests.factories import located_organisation
from maillage.membership.tests.factories import ClaimFactory, SuggestionFactory, UserFactory
from maillage.opendata.models import ImportRun
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db


def _cards(page: str) -> dict[str, int]:
    """« label » → count, for every card of the page."""
    found = re.findall(
        r'class="attention-count">(\d+)</span> <span class="attention-label">([^<]+)<', page
    )
    return {html.unescape(label): int(count) for count, label in found}


def _fill_territory(organisation, *, in_commune: str) -> None:
    ClaimFactory(organisation=organisation)
    SuggestionFactory(organisation=organisation)
    SuggestionFactory(organisation=organisation)
    Organisation.objects.filter(pk=organisation.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=3)
    )
    NeedReport.objects.create(
        what="Pas de laverie.",
        commune=Commune.objects.get(pk=in_commune),
        for_whom="les habitants",
        frequency="often",
        reporter_kind="citizen",
    )
    ContactMessage.objects.create(
        sender=UserFactory(),
        recipient=organisation,
        message="Bonjour, un devis ?",
        delivery=ContactMessage.Delivery.ANIMATION,
    )


def test_the_dashboard_counts_what_needs_attention_in_the_animators_territory(
    client, organisation, animator
):
    _fill_territory(organisation, in_commune="86194")
    _fill_territory(organisation_in(BORDEAUX, name="Ailleurs"), in_commune="33063")
    ImportRun.objects.create(file_name="a.csv", format="csv", source="x", started_by=animator)
    ImportRun.objects.create(
        file_name="b.csv", format="csv", source="x", started_by=animator, status="failed"
    )
    client.force_login(animator)

    cards = _cards(client.get(reverse("membership:dashboard")).content.decode())

    assert cards == {
        "demande de gestion de fiche": 1,
        "suggestions de correction en attente": 2,
        "besoin signalé à qualifier": 1,
        "message confié à l'animation (30 jours)": 1,
        "fiche expirée ou expirant sous 30 jours": 1,
        "import à vérifier ou en cours": 1,
    }


def test_each_card_links_to_where_it_is_handled(client, animator):
    client.force_login(animator)
    page = client.get(reverse("membership:dashboard")).content.decode()
    for url in (
        reverse("membership:claim_queue"),
        "#suggestions",
        reverse("catalogue:report_queue") + "?etat=received",
        reverse("catalogue:contacts"),
        "#attention",
        reverse("opendata:import_list"),
    ):
        assert f'href="{url}"' in page


def test_the_stale_list_is_paginated(client, animator):
    stale = timezone.localdate() - datetime.timedelta(days=3)
    for number in range(30):
        located_organisation(name=f"Fiche {number:02}", valid_until=stale)
    client.force_login(animator)

    first = client.get(reverse("membership:dashboard"))
    second = client.get(reverse("membership:dashboard") + "?page=2")

    assert len(first.context["attention"]) == 25 and len(second.context["attention"]) == 5
    assert "Page 1 sur 2" in first.content.decode()
