"""The in-memory index answers exactly what the database answers, and never serves stale data."""

import datetime
import random
from dataclasses import replace

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from maillage.core.geo import BoundingBox
from maillage.directory.models import EssFamily, Label, Organisation, SearchChange, Sector
from maillage.directory.search import memory
from maillage.directory.search.cache import (
    bump_directory_version,
    directory_version,
    places_version,
)
from maillage.directory.search.changes import directory_changed
from maillage.directory.search.clusters import map_clusters
from maillage.directory.search.query import DirectoryFilters, search_directory
from maillage.directory.services.profile import refresh_search_text
from maillage.directory.tests.factories import (
    EstablishmentFactory,
    OrganisationFactory,
    located_organisation,
    make_siret,
)
from maillage.membership.services.organisations import (
    create_organisation,
    save_establishment,
    update_organisation,
)
from maillage.territory.models import Commune

POITIERS = (46.58, 0.34)
LYON = (45.76, 4.84)
WORDS = ["recyclerie", "jardin", "épicerie", "atelier", "vélo", "cantine", "école", "solidaire"]
COMMUNES = [
    ("86194", "86000"),  # Poitiers
    ("05061", "05000"),  # Gap
    ("69381", "69001"),  # Lyon 1er arrondissement
    ("69123", "69002"),  # Lyon
    ("33063", "33000"),  # Bordeaux
]


@pytest.fixture
def varied_directory(db):
    """Forty organisations of every shape: several establishments, none located, unpublished,
    expired past the grace period, many sectors, kinds, families and labels."""
    generator = random.Random(7)
    sectors = [
        *Sector.objects.filter(parent__slug="restauration").order_by("slug")[:3],
        *Sector.objects.filter(parent__slug="agro-alimentaire").order_by("slug")[:3],
    ]
    labels = [Label.objects.create(slug=f"label-{n}", name=f"Label {n}") for n in range(3)]
    for n in range(40):
        insee_code, postal_code = generator.choice(COMMUNES)
        organisation = located_organisation(
            name=f"{generator.choice(WORDS).capitalize()} {generator.choice(WORDS)} {n:02d}",
            description=" ".join(generator.sample(WORDS, 3)),
            commune=Commune.objects.get(insee_code=insee_code),
            postal_code=postal_code,
            kinds=generator.sample(["EI", "ACI", "AI", "EA", "ESAT"], generator.randint(0, 2)),
            sectors=generator.sample(sectors, generator.randint(0, 3)),
            ess_family=generator.choice([*EssFamily.values, ""]),
        )
        organisation.labels.set(generator.sample(labels, generator.randint(0, 2)))
        if n % 7 == 0:  # a second establishment elsewhere
            commune = Commune.objects.get(insee_code="05061")
            EstablishmentFactory(
                organisation=organisation,
                siret=make_siret(organisation.siren, nic=2),
                commune=commune,
                postal_code="05000",
                is_head_office=False,
            )
        if n % 11 == 0:
            organisation.establishments.update(latitude=None, longitude=None)
    Organisation.objects.filter(name__endswith="13").update(is_published=False)
    Organisation.objects.filter(name__endswith="17").update(
        valid_until=timezone.localdate() - datetime.timedelta(days=400)
    )
    bump_directory_version()


def searchable(**fields) -> Organisation:
    organisation = OrganisationFactory(**fields)
    refresh_search_text(organisation)
    return organisation


FILTERS = [
    DirectoryFilters(),
    DirectoryFilters(q="recyc"),
    DirectoryFilters(q="jardin solidaire"),
    DirectoryFilters(q="velo", kinds=("ACI", "EI")),
    DirectoryFilters(sectors=("restauration",)),
    DirectoryFilters(families=("association", "cooperative"), labels=("label-1",)),
    DirectoryFilters(departements=("05", "86")),
    DirectoryFilters(commune="69123"),
    DirectoryFilters(epci="200046977", q="ecole"),
    DirectoryFilters(region="75"),
    DirectoryFilters(near=POITIERS, radius_km=150),
    DirectoryFilters(near=LYON),
    DirectoryFilters(near=LYON, radius_km=400, q="atelier", sort="name"),
    DirectoryFilters(near=POITIERS, radius_km=600, sort="relevance", q="cantine"),
    DirectoryFilters(bbox=BoundingBox(-1.0, 43.0, 7.0, 47.0), kinds=("AI",)),
]


def _answer(filters: DirectoryFilters, page: int) -> tuple:
    result = search_directory(filters, page=page, page_size=7)
    return (
        result.count,
        [organisation.pk for organisation in result.results],
        [round(getattr(o, "distance_km", None) or -1, 6) for o in result.results],
        {
            name: [(v.value, v.count, v.selected) for v in values]
            for name, values in result.facets.items()
        },
    )


def _answers_in_modes(settings, filters: DirectoryFilters, modes, *, pages) -> dict:
    """Each mode's answers to these pages, asked in the order of `modes`."""
    answers = {}
    for mode in modes:
        settings.DIRECTORY_MEMORY_INDEX = mode
        answers[mode] = [_answer(filters, page) for page in pages]
    return answers


@pytest.mark.parametrize("filters", FILTERS, ids=repr)
def test_the_index_and_the_database_give_the_same_counts_pages_and_facets(
    varied_directory, settings, filters
):
    answers = _answers_in_modes(settings, filters, ("off", "sync"), pages=(1, 2))
    assert answers["sync"] == answers["off"]
    assert answers["sync"][0][0] > 0 or filters.q  # each case finds something to compare


@pytest.mark.parametrize("filters", FILTERS[:10], ids=repr)
def test_filtered_clusters_are_the_same_from_the_index(varied_directory, settings, filters):
    _assert_same_clusters(settings, filters)


def _assert_same_clusters(settings, filters: DirectoryFilters) -> None:
    france = BoundingBox(-5.3, 41.3, 9.7, 51.2)
    clusters = {}
    for mode in ("off", "sync"):
        settings.DIRECTORY_MEMORY_INDEX = mode
        clusters[mode] = [
            map_clusters(filters, france, zoom, with_extent=True) for zoom in (5, 9, 14)
        ]
    for from_index, from_database in zip(clusters["sync"], clusters["off"], strict=True):
        assert from_index["properties"] == from_database["properties"]
        assert sorted(f["properties"]["count"] for f in from_index["features"]) == sorted(
            f["properties"]["count"] for f in from_database["features"]
        )


@pytest.fixture
def changed_since_the_build(varied_directory, settings, django_capture_on_commit_callbacks):
    """An index built, then writes of every kind through the services: the index catches up."""
    settings.DIRECTORY_MEMORY_INDEX = "sync"
    SearchChange.objects.all().delete()  # else the last minute's lines pend (CHANGE_LOG_SLACK)
    built = memory.build_index_now(warm=False)
    # The text caches hold the matches of before the writes. Not the relevance scores: those
    # move a little with every write (bm25's statistics), so the order would differ slightly.
    for filters in FILTERS:
        search_directory(replace(filters, sort="name"))
    organisations = list(Organisation.objects.order_by("pk"))
    creator = get_user_model().objects.create_user(username="createur", password="x")
    with django_capture_on_commit_callbacks(execute=True):
        update_organisation(
            organisation=organisations[0],
            user=None,
            data={"name": "Atelier vélo solidaire renommé", "description": "cantine école"},
        )
        update_organisation(organisation=organisations[1], user=None, data={"ess_family": ""})
        head_office = organisations[2].establishments.get(is_head_office=True)
        save_establishment(
            organisation=organisations[2],
            user=None,
            establishment=head_office,
            data={"latitude": LYON[0], "longitude": LYON[1]},
        )
        create_organisation(
            user=creator,
            data={"name": "Recyclerie nouvelle de Poitiers", "ess_family": "cooperative"},
            head_office={
                "postal_code": "86000",
                "commune": Commune.objects.get(insee_code="86194"),
                "latitude": POITIERS[0],
                "longitude": POITIERS[1],
            },
        )
        gone = organisations[3].pk
        organisations[3].delete()
        directory_changed([gone])
    index = memory.current_index()
    assert index is not built and len(index.pending) == 5  # caught up, not rebuilt
    assert index.ids is built.ids
    return index


@pytest.mark.parametrize("filters", FILTERS, ids=repr)
def test_an_index_caught_up_with_writes_answers_like_the_database(
    changed_since_the_build, settings, filters
):
    answers = _answers_in_modes(settings, filters, ("sync", "off"), pages=(1, 2, 6))
    assert answers["sync"] == answers["off"]


@pytest.mark.parametrize("filters", FILTERS[:10], ids=repr)
def test_filtered_clusters_of_an_index_caught_up_with_writes(
    changed_since_the_build, settings, filters
):
    _assert_same_clusters(settings, filters)


def test_a_bulk_change_makes_the_index_rebuild(
    varied_directory, settings, django_capture_on_commit_callbacks
):
    settings.DIRECTORY_MEMORY_INDEX = "sync"
    built = memory.build_index_now(warm=False)
    with django_capture_on_commit_callbacks(execute=True):
        directory_changed()
    index = memory.current_index()
    assert index.ids is not built.ids and not index.pending


def test_an_index_with_changes_pending_rebuilds_when_old_enough(
    varied_directory, settings, django_capture_on_commit_callbacks
):
    settings.DIRECTORY_MEMORY_INDEX = "sync"
    memory.build_index_now(warm=False)
    with django_capture_on_commit_callbacks(execute=True):
        directory_changed([Organisation.objects.first().pk])
    index = memory.current_index()
    assert index.pending and not index.due_for_rebuild()
    index.built_at -= datetime.timedelta(seconds=memory.REBUILD_AFTER_SECONDS)
    assert index.due_for_rebuild()


@pytest.mark.django_db(transaction=True)
def test_a_stale_index_is_rebuilt_in_the_background_while_the_database_answers(
    settings, monkeypatch
):
    settings.DIRECTORY_MEMORY_INDEX = "background"
    monkeypatch.setattr(memory.keeper, "_last_build_finished", 0.0)  # no throttling from others
    # Without establishments: an earlier transactional test may have emptied the communes.
    searchable(name="Recyclerie du Clain")
    bump_directory_version()
    assert memory.current_index() is None  # the database answers while the index builds
    with memory.keeper._building:  # wait for the thread
        pass
    index = memory.current_index()
    assert index is not None and index.size == 1
    assert search_directory(DirectoryFilters(q="clain")).count == 1

    searchable(name="Recyclerie de la Vienne")
    bump_directory_version()
    assert search_directory(DirectoryFilters(q="recyclerie")).count == 2  # never stale


def test_words_most_organisations_contain_are_kept_and_intersected(varied_directory, settings):
    settings.DIRECTORY_MEMORY_INDEX = "off"
    expected = search_directory(DirectoryFilters(q="solidaire jardin")).count
    index = memory.build_index_now()
    assert "solidaire" in index.warm_common_words(sample_size=40, words=3)
    settings.DIRECTORY_MEMORY_INDEX = "sync"
    assert search_directory(DirectoryFilters(q="solidaire jardin")).count == expected


def test_editing_a_profile_moves_the_directory_version_but_not_the_map_s(
    varied_directory, django_capture_on_commit_callbacks
):
    organisation = Organisation.objects.first()
    before = (directory_version(), places_version())
    with django_capture_on_commit_callbacks(execute=True):
        update_organisation(organisation=organisation, user=None, data={"phone": "05 49 00 00 00"})
    assert directory_version() == before[0] + 1
    assert places_version() == before[1]  # the map's cells stay as they are
    establishment = organisation.establishments.first()
    with django_capture_on_commit_callbacks(execute=True):
        save_establishment(
            organisation=organisation,
            user=None,
            establishment=establishment,
            data={"latitude": LYON[0], "longitude": LYON[1]},
        )
    assert places_version() == before[1] + 1
