import math
import random

import pytest
from django.db import connection

from maillage.core.geo import BoundingBox, cells_covering, cells_of, haversine_km
from maillage.directory.models import MapCell, Sector
from maillage.directory.search.clusters import CELL_LEVELS, map_clusters, rebuild_map_cells
from maillage.directory.search.query import DirectoryFilters, search_directory
from maillage.directory.tests.factories import located_organisation
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db

POITIERS = (46.58, 0.34)


def names(filters: DirectoryFilters) -> list[str]:
    return [organisation.name for organisation in search_directory(filters, page_size=100).results]


@pytest.fixture
def directory():
    meal_trays = Sector.objects.get(slug="paniers-plateaux-repas")
    gap = Commune.objects.get(insee_code="05061")
    return {
        "ecole": located_organisation(name="École de la deuxième chance", kinds=["ACI"]),
        "recyclerie": located_organisation(
            name="Recyclerie des Hautes-Alpes",
            kinds=["ACI", "AI"],
            commune=gap,
            postal_code="05000",
        ),
        "cantine": located_organisation(
            name="Cantine solidaire",
            kinds=["EI"],
            sectors=[meal_trays],
            description="Repas préparés par une école de cuisine",
        ),
    }


@pytest.mark.parametrize("query", ["ecole", "ÉCOLE", "École", "deuxieme chance", "deux"])
def test_text_search_ignores_accents_and_case_and_completes_the_last_word(directory, query):
    assert "École de la deuxième chance" in names(DirectoryFilters(q=query))


def test_every_word_must_match(directory):
    assert names(DirectoryFilters(q="recyclerie gap")) == ["Recyclerie des Hautes-Alpes"]
    assert names(DirectoryFilters(q="recyclerie poitiers")) == []


def test_a_match_in_the_name_ranks_above_a_match_in_the_description(directory):
    assert names(DirectoryFilters(q="ecole")) == [
        "École de la deuxième chance",
        "Cantine solidaire",
    ]


def test_query_syntax_characters_are_harmless(directory):
    for query in ['"', "école*", "NEAR(a b)", "a OR b", "' ; DROP TABLE", "-ecole", ":*&|!"]:
        search_directory(DirectoryFilters(q=query))


def test_a_radius_includes_what_is_inside_and_excludes_what_is_just_outside(directory):
    here = located_organisation(
        name="Ici", commune=Commune.objects.get(insee_code="86194"), postal_code="86000"
    )
    here.establishments.update(latitude=46.58, longitude=0.34 + 0.13)
    distance = haversine_km(*POITIERS, 46.58, 0.34 + 0.13)
    inside = DirectoryFilters(near=POITIERS, radius_km=distance + 0.01)
    outside = DirectoryFilters(near=POITIERS, radius_km=distance - 0.01)
    assert "Ici" in names(inside)
    assert "Ici" not in names(outside)


def test_results_near_a_point_are_sorted_by_distance_with_the_distance(directory):
    result = search_directory(DirectoryFilters(near=(44.56, 6.08)))
    assert result.results[0].name == "Recyclerie des Hautes-Alpes"
    gap = Commune.objects.get(insee_code="05061")
    distances = [organisation.distance_km for organisation in result.results]
    assert distances == sorted(distances)
    assert distances[0] == pytest.approx(haversine_km(44.56, 6.08, gap.latitude, gap.longitude))


def test_a_bounding_box_keeps_what_is_inside(directory):
    alps = BoundingBox(min_lon=5.5, min_lat=44.0, max_lon=7.0, max_lat=45.0)
    assert names(DirectoryFilters(bbox=alps)) == ["Recyclerie des Hautes-Alpes"]


def test_each_facet_count_equals_the_count_of_the_filtered_search(directory):
    facets = search_directory(DirectoryFilters()).facets
    for name, attribute in (
        ("kind", "kinds"),
        ("departement", "departements"),
        ("sector", "sectors"),
    ):
        for facet in facets[name]:
            filtered = search_directory(
                DirectoryFilters(**{attribute: (facet.value,)}), with_facets=False
            )
            assert filtered.count == facet.count, (name, facet.value)


def test_a_facet_ignores_its_own_selection_so_other_values_stay_selectable(directory):
    facets = search_directory(DirectoryFilters(kinds=("EI",))).facets
    assert {facet.value for facet in facets["kind"]} == {"ACI", "AI", "EI"}
    assert [facet.value for facet in facets["kind"] if facet.selected] == ["EI"]


def test_cluster_counts_add_up_to_the_located_organisations(directory):
    france = BoundingBox(-5.3, 41.3, 9.7, 51.2)
    for zoom in (5, 8, 12, 14):
        collection = map_clusters(DirectoryFilters(), france, zoom)
        assert sum(f["properties"]["count"] for f in collection["features"]) == 3
        assert len(collection["features"]) <= 500


def test_map_cells_count_every_published_located_establishment_at_each_level(directory):
    assert rebuild_map_cells() > 0
    for level in CELL_LEVELS:
        cells = MapCell.objects.filter(resolution=level.resolution)
        assert sum(cells.values_list("count", flat=True)) == 3, level
        assert all(-90 <= cell.latitude <= 90 for cell in cells)
    assert rebuild_map_cells() == MapCell.objects.count()  # rebuilt, not added to


def test_clusters_follow_the_filters_and_give_their_extent(directory):
    france = BoundingBox(-5.3, 41.3, 9.7, 51.2)
    collection = map_clusters(DirectoryFilters(kinds=("AI",)), france, 14, with_extent=True)
    [feature] = collection["features"]
    assert feature["properties"]["name"] == "Recyclerie des Hautes-Alpes"
    gap = Commune.objects.get(insee_code="05061")
    assert collection["properties"]["extent"] == [
        round(gap.longitude, 5),
        round(gap.latitude, 5),
        round(gap.longitude, 5),
        round(gap.latitude, 5),
    ]


def test_a_misspelled_word_is_searched_as_the_closest_word_of_the_directory(directory):
    result = search_directory(DirectoryFilters(q="recylcerie"))
    assert result.is_approximate and result.corrected_query == "recyclerie"
    assert [o.name for o in result.results] == ["Recyclerie des Hautes-Alpes"]
    result = search_directory(DirectoryFilters(q="ecole deuxeme chanse"))
    assert result.corrected_query == "ecole deuxieme chance"
    assert search_directory(DirectoryFilters(q="recylcerie poitiers")).results == []
    assert search_directory(DirectoryFilters(q="zzzzqqq")).count == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="typo tolerance uses pg_trgm")
def test_without_the_memory_index_misspelled_names_find_close_names_on_postgresql(
    directory, settings
):
    settings.DIRECTORY_MEMORY_INDEX = "off"
    result = search_directory(DirectoryFilters(q="recylcerie"))
    assert result.is_approximate
    assert [o.name for o in result.results] == ["Recyclerie des Hautes-Alpes"]
    assert search_directory(DirectoryFilters(q="recylcerie poitiers")).results == []


def test_the_cells_covering_a_circle_contain_every_point_of_it():
    generator = random.Random(7)
    for radius_km in (1, 10, 50, 120):
        column, cells = cells_covering(*POITIERS, radius_km)
        index = {"h3_r7": 2, "h3_r5": 1}[column]
        cell_set = set(cells)
        for _ in range(300):
            bearing = generator.uniform(0, 2 * math.pi)
            distance = radius_km * math.sqrt(generator.random())
            latitude = POITIERS[0] + math.degrees(distance / 6371.0) * math.cos(bearing)
            longitude = POITIERS[1] + math.degrees(
                distance / (6371.0 * math.cos(math.radians(latitude)))
            ) * math.sin(bearing)
            assert cells_of(latitude, longitude)[index] in cell_set


def test_a_change_to_the_directory_is_seen_by_the_next_search(
    directory, django_capture_on_commit_callbacks
):
    assert search_directory(DirectoryFilters(q="cantine")).count == 1
    with django_capture_on_commit_callbacks(execute=True):
        located_organisation(name="Autre cantine")
    assert search_directory(DirectoryFilters(q="cantine")).count == 2


def test_the_precomputed_map_follows_changes_to_the_directory(
    directory, django_capture_on_commit_callbacks
):
    france = BoundingBox(-5.3, 41.3, 9.7, 51.2)
    assert map_clusters(DirectoryFilters(), france, 5)["properties"]["total"] == 3
    with django_capture_on_commit_callbacks(execute=True):
        located_organisation(name="Nouvelle venue")
    assert map_clusters(DirectoryFilters(), france, 5)["properties"]["total"] == 4


def test_distance_pages_equal_a_full_sort_even_when_found_in_a_smaller_circle():
    generator = random.Random(3)
    expected = []
    for index in range(40):
        distance = generator.uniform(0.2, 80)
        bearing = generator.uniform(0, 2 * math.pi)
        latitude = POITIERS[0] + math.degrees(distance / 6371.0) * math.cos(bearing)
        longitude = POITIERS[1] + math.degrees(
            distance / (6371.0 * math.cos(math.radians(latitude)))
        ) * math.sin(bearing)
        organisation = located_organisation(name=f"Point {index:02d}")
        organisation.establishments.update(latitude=latitude, longitude=longitude)
        expected.append((haversine_km(*POITIERS, latitude, longitude), organisation.name))
    for radius in (None, 50):
        within = [
            name for distance, name in sorted(expected) if radius is None or distance <= radius
        ]
        for page in (1, 2, 3):
            result = search_directory(
                DirectoryFilters(near=POITIERS, radius_km=radius),
                page=page,
                page_size=5,
                with_facets=False,
            )
            assert [o.name for o in result.results] == within[(page - 1) * 5 : page * 5]
