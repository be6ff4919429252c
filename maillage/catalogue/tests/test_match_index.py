"""The in-memory matching index answers exactly like the database path: same listings, same
scores, same explanations, before and after writes it catches up with (both databases)."""

import datetime
import random
from decimal import Decimal

import pytest
from django.utils import timezone

from maillage.catalogue.match_index import keeper
from maillage.catalogue.matching import match_organisations, match_party, party_of
from maillage.catalogue.models import ExchangeMode, Kind, Listing, ReservedMarket, Side, Status
from maillage.catalogue.services.listings import close_listing, update_listing
from maillage.catalogue.tests.factories import listing, organisation_in, sector
from maillage.directory.models import EssFamily, Label, Organisation
from maillage.directory.search.memory import build_index_now
from maillage.directory.search.memory import current_index as directory_index
from maillage.directory.services.profile import refresh_search_text

pytestmark = pytest.mark.django_db

COMMUNES = ["86194", "86066", "86070", "86137", "86165", "86078", "79191", "79202", "37261"]
KINDS = ["EA", "ESAT", "ACI", "EI", "GEIQ", None]
WHOLE_AREA = 1000  # larger than any candidate set: the database path then reads every candidate


def _answers(source: Listing, path: str, settings) -> list[tuple]:
    settings.MATCHING_MEMORY_INDEX = path
    return [
        (m.listing_id, m.score, round(m.distance_km or 0, 6), m.explanation)
        for m in match_party(party_of(source), limit=WHOLE_AREA)
    ]


def _organisations(source: Listing, path: str, settings) -> list[tuple]:
    settings.DIRECTORY_MEMORY_INDEX = path
    return [
        (m.organisation_id, m.score, round(m.distance_km or 0, 6), m.explanation)
        for m in match_organisations(party_of(source), limit=WHOLE_AREA)
    ]


def _same_answers(sources, settings) -> int:
    """Assert both paths agree for every source; the number of matches compared."""
    compared = 0
    for source in sources:
        expected = _answers(source, "off", settings)
        assert _answers(source, "sync", settings) == expected, source
        compared += len(expected)
    return compared


@pytest.fixture
def varied_catalogue():
    """Offers and needs at real communes of Vienne and around, with every scoring factor drawn
    at random (seeded): sectors of one family, radius or départements, kinds, modes,
    quantities, periods, reservations, preferred families and labels, stale profiles."""
    rnd = random.Random(20261201)
    today = timezone.localdate()
    family = sector().parent
    sectors = [family, *family.children.all()[:3]]
    labels = [Label.objects.create(name=f"Label {n}", slug=f"label-{n}") for n in range(3)]
    organisations = []
    for n in range(30):
        kind = rnd.choice(KINDS)
        organisation = organisation_in(
            rnd.choice(COMMUNES),
            kinds=[kind] if kind else [],
            ess_family=rnd.choice(EssFamily.values),
            sectors=rnd.sample(sectors, rnd.randint(0, 2)),
        )
        organisation.labels.set(rnd.sample(labels, rnd.randint(0, 2)))
        if n % 7 == 0:
            Organisation.objects.filter(pk=organisation.pk).update(
                valid_until=today - datetime.timedelta(days=rnd.choice([10, 200]))
            )
        organisations.append(organisation)

    def draw(side: str) -> Listing:
        start = (
            today + datetime.timedelta(days=rnd.randint(-20, 90)) if rnd.random() < 0.4 else None
        )
        by_departement = rnd.random() < 0.2
        quantity = Decimal(rnd.randint(1, 400)) if rnd.random() < 0.5 else None
        mode = rnd.choice(ExchangeMode.values)
        data = {
            "sectors": rnd.sample(sectors, rnd.randint(1, 2)),
            "kind": rnd.choice(Kind.values),
            "exchange_mode": mode,
            "price_on_quote": mode == ExchangeMode.PRICED,
            "radius_km": None if by_departement else rnd.choice([5, 20, 40, 80, 150]),
            "area_departements": [rnd.choice(["86", "79", "37"])] if by_departement else [],
            "quantity": quantity,
            "unit": rnd.choice(["kg", "KG", "heures"]) if quantity else "",
            "available_from": start,
            "available_until": start + datetime.timedelta(days=rnd.randint(5, 60))
            if start
            else None,
        }
        if side == Side.NEED:
            data["reserved_market"] = rnd.choice(["", "", *ReservedMarket.values])
            data["preferred_families"] = rnd.sample(EssFamily.values, rnd.randint(0, 2))
            data["preferred_labels"] = rnd.sample(labels, rnd.randint(0, 2))
        return listing(organisation=rnd.choice(organisations), side=side, **data)

    offers = [draw(Side.OFFER) for _ in range(90)]
    needs = [draw(Side.NEED) for _ in range(25)]
    return {"offers": offers, "needs": needs, "organisations": organisations, "rnd": rnd}


@pytest.fixture(autouse=True)
def fresh_index():
    keeper.forget()
    yield
    keeper.forget()


def test_needs_get_the_same_offers_scores_and_explanations_from_both_paths(
    varied_catalogue, settings
):
    assert _same_answers(varied_catalogue["needs"], settings) > 100


def test_needs_get_the_same_organisations_from_both_paths(varied_catalogue, settings):
    compared = 0
    for need in varied_catalogue["needs"]:
        expected = _organisations(need, "off", settings)
        assert _organisations(need, "sync", settings) == expected
        compared += len(expected)
    assert compared > 50


def test_offers_get_the_same_needs_from_both_paths(varied_catalogue, settings):
    assert _same_answers(varied_catalogue["offers"][:30], settings) > 20


def test_a_page_of_the_index_is_the_top_of_the_exact_ranking(varied_catalogue, settings):
    for need in varied_catalogue["needs"]:
        exact = _answers(need, "off", settings)
        settings.MATCHING_MEMORY_INDEX = "sync"
        page = [m.listing_id for m in match_party(party_of(need), limit=5)]
        assert page == [listing_id for listing_id, *_rest in exact[:5]]


def test_the_index_catches_up_with_writes_without_rebuilding(
    varied_catalogue, settings, django_capture_on_commit_callbacks
):
    settings.MATCHING_MEMORY_INDEX = "sync"
    built = keeper.build_now()
    build_index_now(warm=False)  # the directory's, for organisations without a listing
    offers, rnd = varied_catalogue["offers"], varied_catalogue["rnd"]
    with django_capture_on_commit_callbacks(execute=True):
        update_listing(
            listing=offers[0],
            user=None,
            data={
                "sectors": list(offers[0].sectors.all()),
                "radius_km": 200,
                "exchange_mode": ExchangeMode.FREE,
                "price_on_quote": False,
            },
        )
        close_listing(listing=offers[1], user=None, status=Status.FULFILLED)
        listing(organisation=rnd.choice(varied_catalogue["organisations"]), radius_km=100)
        moved = varied_catalogue["organisations"][3]
        moved.kinds.set([])
        Organisation.objects.filter(pk=moved.pk).update(is_published=False)
        refresh_search_text(moved)  # what a profile edit logs

    current = keeper.current()
    assert current.sides is built.sides  # caught up, not rebuilt
    assert current.pending
    assert _same_answers(varied_catalogue["needs"], settings) > 100
    assert directory_index().pending
    for need in varied_catalogue["needs"]:
        assert _organisations(need, "sync", settings) == _organisations(need, "off", settings)


def test_a_deleted_listing_makes_the_index_rebuild(
    varied_catalogue, settings, django_capture_on_commit_callbacks
):
    settings.MATCHING_MEMORY_INDEX = "sync"
    built = keeper.build_now()
    with django_capture_on_commit_callbacks(execute=True):
        varied_catalogue["offers"][0].delete()

    assert keeper.current().sides is not built.sides
    assert _same_answers(varied_catalogue["needs"][:5], settings) > 0
