"""Upsert, idempotence, history, dry runs and resumption of import_organisations."""

import pytest

from maillage.directory.models import Establishment, Organisation
from maillage.membership.models import ChangeRecord
from maillage.opendata.models import ImportProblem, ImportRun, SourceRecord
from maillage.opendata.services.imports import import_organisations, start_run
from maillage.opendata.tests.conftest import CORPUS

pytestmark = pytest.mark.django_db

GOOD = CORPUS / "good.csv"


def test_it_creates_organisations_with_their_head_office_and_provenance(run_import):
    run = run_import(GOOD, source="reseau-86")
    assert (run.created_count, run.updated_count, run.unchanged_count) == (3, 0, 0)
    organisation = Organisation.objects.get(siren="332358308")
    assert organisation.source == "reseau-86"
    assert "poitiers" in organisation.search_text
    establishment = organisation.establishments.get()
    assert (establishment.siret, establishment.commune_id, establishment.is_head_office) == (
        "33235830800028",
        "86194",
        True,
    )
    assert establishment.h3_r7 is not None
    assert SourceRecord.objects.filter(source="reseau-86", source_id="33235830800028").exists()


def test_reimporting_the_same_file_changes_nothing_and_says_so(run_import):
    run_import(GOOD)
    before = list(Organisation.objects.order_by("pk").values())
    run = run_import(GOOD)
    assert (run.created_count, run.updated_count, run.unchanged_count) == (0, 0, 3)
    assert "Rien n'a changé" in run.message
    assert list(Organisation.objects.order_by("pk").values()) == before
    assert not ChangeRecord.objects.exists()


def test_a_changed_field_is_updated_and_recorded_with_its_source(run_import, tmp_path):
    run_import(GOOD, source="reseau-86")
    changed = tmp_path / "changed.csv"
    changed.write_text(
        GOOD.read_text().replace("https://eveil.example.org", "https://eveil.example.net")
    )
    run = run_import(changed, source="reseau-86")
    assert (run.updated_count, run.unchanged_count) == (1, 2)
    organisation = Organisation.objects.get(siren="332358308")
    assert organisation.website == "https://eveil.example.net"
    record = ChangeRecord.objects.get(organisation=organisation)
    assert record.source == ChangeRecord.Source.IMPORT
    assert "reseau-86" in record.summary
    assert record.changes[0]["field"] == "website"
    assert record.changes[0]["old"] == "https://eveil.example.org"
    source = SourceRecord.objects.get(organisation=organisation)
    assert "website" in source.changed_at


def test_an_empty_value_in_the_file_never_erases_what_is_known(run_import, tmp_path):
    run_import(GOOD)
    emptied = tmp_path / "emptied.csv"
    emptied.write_text(GOOD.read_text().replace("https://eveil.example.org", ""))
    run = run_import(emptied)
    assert run.updated_count == 0
    assert Organisation.objects.get(siren="332358308").website == "https://eveil.example.org"


def test_a_moved_point_updates_the_establishment_and_its_cells(run_import, tmp_path):
    run_import(GOOD)
    moved = tmp_path / "moved.csv"
    moved.write_text(GOOD.read_text().replace("46.592354,0.358808", "46.58,0.34"))
    run = run_import(moved)
    assert run.updated_count == 1
    establishment = Establishment.objects.get(siret="33235830800028")
    assert (establishment.latitude, establishment.longitude) == (46.58, 0.34)
    record = ChangeRecord.objects.get(subject=ChangeRecord.Subject.ESTABLISHMENT)
    assert {change["field"] for change in record.changes} == {"latitude", "longitude"}


def test_a_dry_run_writes_nothing_but_counts(run_import):
    run = run_import(GOOD, dry_run=True)
    assert run.created_count == 3
    assert "Essai à blanc" in run.message
    assert not Organisation.objects.exists()


def test_possible_duplicates_are_listed_not_merged(run_import, tmp_path):
    run_import(GOOD)
    other = tmp_path / "other.csv"
    lines = GOOD.read_text().splitlines()
    # Another establishment of the same SIREN (a valid SIRET), and the same name in Gap.
    lines.append("ASSOC L'ÉVEIL BIS,33235830800010,1 rue,86000,Poitiers,,,")
    lines.append("LA PETITE OURSE,,2 rue,05000,Gap,,,")
    other.write_text("\n".join([lines[0], *lines[4:]]) + "\n")
    run = run_import(other)
    assert run.created_count == 2
    duplicates = run.problems.filter(kind=ImportProblem.Kind.DUPLICATE)
    assert {p.field for p in duplicates} == {"siren", "name"}
    assert Organisation.objects.filter(name="LA PETITE OURSE").count() == 2


def test_a_row_without_identifier_is_keyed_by_name_and_commune_so_reimports_match(
    run_import, tmp_path
):
    path = tmp_path / "sans-siret.csv"
    path.write_text("Nom;Code postal;Ville\nJardin partagé;86000;Poitiers\n", encoding="utf-8")
    assert run_import(path, source="tableur").created_count == 1
    assert run_import(path, source="tableur").unchanged_count == 1


def test_an_interrupted_run_resumes_after_its_checkpoint(tmp_path):
    run = start_run(file_name="good.csv", format="csv")
    run.checkpoint_line = 3  # the first batch (lines 2 and 3) was committed by an earlier attempt
    run.save()
    run = import_organisations(run=run, path=GOOD)
    assert run.created_count == 1
    assert Organisation.objects.get().name == "LA PETITE OURSE"


def test_a_mapping_names_columns_the_aliases_do_not_know(run_import, tmp_path):
    path = tmp_path / "custom.csv"
    path.write_text(
        "Structure adhérente;Num;CP;Localité\nLE TOIT DU MONDE;32515885500016;86000;Poitiers\n"
    )
    run = run_import(
        path,
        mapping={
            "Num": "siret",
            "CP": "postal_code",
            "Localité": "city",
            "Structure adhérente": "name",
        },
    )
    assert run.created_count == 1, run.message
    assert Establishment.objects.get().siret == "32515885500016"


def test_the_inclusion_market_list_groups_agreements_of_one_siret(run_import):
    sample = CORPUS.parent.parent.parent / "maillage/directory/tests/data/siae_sample.csv"
    run = run_import(sample, format="lemarche")
    assert run.status == ImportRun.Status.DONE
    collecterie = Organisation.objects.get(name="LA COLLECTERIE")
    assert set(collecterie.kinds.values_list("code", flat=True)) == {"ACI", "AI"}
    assert collecterie.slug == "la-collecterie-93"
    assert collecterie.is_esus


def test_a_first_load_builds_the_search_index_once_and_leaves_it_working(run_import, settings):
    from maillage.directory.search.query import DirectoryFilters, search_directory
    from maillage.opendata.services import imports

    imports.FIRST_LOAD_ROWS, saved = 1, imports.FIRST_LOAD_ROWS
    try:
        run_import(GOOD)
    finally:
        imports.FIRST_LOAD_ROWS = saved
    assert search_directory(DirectoryFilters(q="toit monde"), page=1, page_size=20).count == 1
    # The triggers are back: a later edit is found too.
    Organisation.objects.filter(siren="325158855").update(search_name="refuge des cimes")
    assert search_directory(DirectoryFilters(q="refuge cimes"), page=1, page_size=20).count == 1


def test_wrong_optional_values_are_dropped_with_a_warning_and_the_row_kept(run_import, tmp_path):
    path = tmp_path / "optionnels.csv"
    path.write_text(
        "Nom;SIRET;Code postal;Ville;Code NAF;Site web;Type\n"
        "LE TOIT DU MONDE;32515885500016;86000;Poitiers;99.99Z;pas une adresse;ACI/XYZ\n"
    )
    run = run_import(path)
    assert run.created_count == 1
    warnings = {p.field: p.reason for p in run.problems.filter(kind=ImportProblem.Kind.WARNING)}
    assert set(warnings) == {"naf", "website", "kinds"}
    organisation = Organisation.objects.get()
    assert (organisation.naf_id, organisation.website) == (None, "")
    assert list(organisation.kinds.values_list("code", flat=True)) == ["ACI"]
