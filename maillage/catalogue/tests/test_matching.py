"""Ranking on hand-made scenarios where the right order is known (run on both databases)."""

import datetime

import pytest
from django.utils import timezone

from maillage.catalogue.matching import matches_for
from maillage.catalogue.models import ExchangeMode, Listing, Status
from maillage.catalogue.services.listings import close_listing
from maillage.catalogue.tests.factories import (
    BORDEAUX,
    CHATELLERAULT,
    GAP,
    POITIERS,
    need,
    offer,
    organisation_in,
    sector,
)
from maillage.directory.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True, params=["off", "sync"], ids=["database", "memory"])
def matching_path(request, settings):
    """Every scenario through the database path and through the in-memory index."""
    from maillage.catalogue.match_index import keeper

    settings.MATCHING_MEMORY_INDEX = settings.DIRECTORY_MEMORY_INDEX = request.param
    keeper.forget()
    yield request.param
    keeper.forget()


CHAUVIGNY = "86070"  # about 23 km east of Poitiers; Châtellerault is about 32 km north


def _ranked(listing: Listing) -> list[int]:
    return [match.listing_id for match in matches_for(listing).listings]


def test_a_closer_offer_outranks_a_farther_one_of_the_same_sector():
    far = offer(commune=CHATELLERAULT, radius_km=60)
    near = offer(commune=CHAUVIGNY, radius_km=60)
    wanted = need(commune=POITIERS, radius_km=60)

    assert _ranked(wanted) == [near.pk, far.pk]


def test_the_same_sector_outranks_a_sibling_sector_at_the_same_place():
    sibling = offer(sectors=[sector("entretien-restauration-amenagement-des-espaces-naturels")])
    same = offer()
    wanted = need()

    assert _ranked(wanted) == [same.pk, sibling.pk]


def test_an_unrelated_sector_never_matches():
    offer(sectors=[sector("blanchisserie")])

    assert _ranked(need()) == []


def test_an_offer_outside_its_own_area_served_is_excluded():
    offer(commune=CHATELLERAULT, radius_km=5)  # Poitiers is 32 km away
    wanted = need(commune=POITIERS, radius_km=60)

    assert _ranked(wanted) == []


def test_an_offer_serving_the_need_departement_matches_without_a_radius():
    serving = offer(commune=CHATELLERAULT, radius_km=None, area_departements=["86"])
    wanted = need(commune=POITIERS, radius_km=60)

    assert _ranked(wanted) == [serving.pk]


def test_an_offer_beyond_the_need_area_is_excluded_even_if_it_serves_all_france():
    offer(commune=BORDEAUX, radius_km=1000)
    wanted = need(commune=POITIERS, radius_km=50)

    assert _ranked(wanted) == []


def test_an_expired_offer_never_matches():
    stale = offer()
    Listing.objects.filter(pk=stale.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    fulfilled = offer()
    close_listing(listing=fulfilled, user=None, status=Status.FULFILLED)

    assert _ranked(need()) == []


def test_an_expired_need_has_no_matches():
    offer()
    wanted = need()
    Listing.objects.filter(pk=wanted.pk).update(status=Status.EXPIRED)
    wanted.refresh_from_db()

    assert _ranked(wanted) == []


@pytest.mark.parametrize(
    ("reserved", "eligible"),
    [
        ("ea_esat", {"EA", "ESAT"}),
        ("siae", {"ACI", "EI"}),
        ("inclusive", {"EA", "ESAT", "ACI", "EI"}),
    ],
)
def test_the_reserved_market_filter_keeps_only_eligible_structures(reserved, eligible):
    by_kind = {}
    for kind in ("EA", "ESAT", "ACI", "EI", "GEIQ", None):
        organisation = organisation_in(POITIERS, kinds=[kind] if kind else [])
        by_kind[kind] = offer(organisation=organisation).pk
    wanted = need(reserved_market=reserved)

    assert set(_ranked(wanted)) == {by_kind[kind] for kind in eligible}


def test_an_offer_ranks_needs_and_respects_their_reservation():
    supplier = organisation_in(POITIERS, kinds=["ACI"])
    for_disabled_only = need(reserved_market="ea_esat")
    open_to_all = need(commune=CHAUVIGNY)
    for_insertion = need(reserved_market="siae")
    proposal = offer(organisation=supplier)

    assert _ranked(proposal) == [for_insertion.pk, open_to_all.pk]
    assert for_disabled_only.pk not in _ranked(proposal)


def test_periods_that_do_not_overlap_do_not_match():
    today = timezone.localdate()
    offer(available_from=today + datetime.timedelta(days=100))
    wanted = need(
        available_from=today + datetime.timedelta(days=10),
        available_until=today + datetime.timedelta(days=40),
    )

    assert _ranked(wanted) == []


def test_a_compatible_exchange_mode_outranks_another_mode():
    priced = offer()
    free = offer(exchange_mode=ExchangeMode.FREE, price_on_quote=False)
    wanted = need(exchange_mode=ExchangeMode.FREE)

    assert _ranked(wanted) == [free.pk, priced.pk]


def test_enough_capacity_outranks_part_of_it():
    small = offer(quantity=20, unit="m²")
    large = offer(quantity=5000, unit="m²")
    wanted = need(quantity=3000, unit="m²")

    assert _ranked(wanted) == [large.pk, small.pk]


def test_a_fresh_profile_outranks_a_stale_one():
    stale_org = organisation_in(POITIERS)
    Organisation.objects.filter(pk=stale_org.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=10)
    )
    stale = offer(organisation=stale_org)
    fresh = offer()

    assert _ranked(need()) == [fresh.pk, stale.pk]


def test_every_match_is_explained_in_french():
    today = timezone.localdate()
    supplier = organisation_in(CHAUVIGNY, kinds=["ACI"])
    offer(organisation=supplier, available_from=today + datetime.timedelta(days=60))
    wanted = need(commune=POITIERS, radius_km=50)

    [match] = matches_for(wanted).listings

    assert match.explanation.startswith("même filière · 2")
    assert " km · disponible en " in match.explanation
    assert "structure d'insertion" in match.explanation


def test_a_need_also_finds_organisations_without_an_offer_but_not_its_own():
    author = organisation_in(POITIERS, sectors=[sector()])
    neighbour = organisation_in(CHAUVIGNY, sectors=[sector()])
    organisation_in(GAP, sectors=[sector()])
    wanted = need(organisation=author, radius_km=50)

    result = matches_for(wanted)

    assert [m.organisation_id for m in result.organisations] == [neighbour.pk]
    assert "même filière" in result.organisations[0].explanation


def test_a_listing_never_matches_its_own_organisation():
    author = organisation_in(POITIERS)
    offer(organisation=author)

    assert _ranked(need(organisation=author)) == []
