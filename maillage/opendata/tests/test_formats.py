"""SIRENE stock (streamed, ESS units only) and GoGoCarto exports."""

import json

import pytest

from maillage.directory.models import Establishment, Organisation
from maillage.opendata.models import ImportProblem, ImportRun
from maillage.opendata.tests.conftest import CORPUS

pytestmark = pytest.mark.django_db

SIRENE = CORPUS.parent / "sirene"
GOGOCARTO = CORPUS.parent / "gogocarto" / "elements.json"


def test_sirene_keeps_the_active_diffusible_ess_units_and_their_active_establishments(run_import):
    run = run_import(SIRENE, format="sirene")
    assert run.status == ImportRun.Status.DONE, run.message
    assert set(Organisation.objects.values_list("siren", flat=True)) == {"332358308", "302937420"}
    eveil = Organisation.objects.get(siren="332358308")
    assert (eveil.name, eveil.brand, eveil.rna, eveil.legal_form_id, eveil.naf_id) == (
        "ASSOCIATION L'EVEIL",
        "EVEIL",
        "W863000123",
        "9220",
        "88.99B",
    )
    establishments = {e.siret: e for e in eveil.establishments.all()}
    assert set(establishments) == {"33235830800028", "33235830800010"}  # the closed one is left out
    head = establishments["33235830800028"]
    assert head.is_head_office
    assert (head.latitude, head.longitude) == (46.592354, 0.358808)
    assert head.address == "12 RUE DE LA CATHEDRALE"


def test_sirene_units_get_the_ess_family_of_their_legal_form(run_import):
    run_import(SIRENE, format="sirene")
    assert set(Organisation.objects.values_list("ess_family", flat=True)) == {"association"}


def test_sirene_hidden_values_are_absent(run_import):
    run_import(SIRENE, format="sirene")
    hotel = Organisation.objects.get(siren="302937420")
    assert hotel.brand == ""
    establishment = hotel.establishments.get()
    assert (establishment.address, establishment.commune_id) == ("", "69383")


def test_sirene_never_publishes_a_non_diffusible_unit(run_import):
    run_import(SIRENE, format="sirene")
    assert not Establishment.objects.filter(siret="39177759600027").exists()


def test_sirene_reimport_changes_nothing(run_import):
    run_import(SIRENE, format="sirene")
    run = run_import(SIRENE, format="sirene")
    assert (run.created_count, run.updated_count, run.unchanged_count) == (0, 0, 2)


def test_gogocarto_elements_are_keyed_by_their_id(run_import):
    run = run_import(GOGOCARTO, format="gogocarto", source="transiscope-05")
    assert (run.created_count, run.rejected_count) == (2, 1)
    problem = run.problems.get(kind=ImportProblem.Kind.REJECTED)
    assert (problem.line, problem.field) == (3, "name")
    recyclerie = Organisation.objects.get(source_id="aB3x")
    assert recyclerie.source == "transiscope-05"
    assert recyclerie.establishments.get().commune.name == "Gap"
    assert run_import(GOGOCARTO, format="gogocarto", source="transiscope-05").unchanged_count == 2


def test_a_gogocarto_file_that_is_not_json_is_refused(run_import):
    run = run_import(CORPUS / "good.csv", format="gogocarto")
    assert run.status == ImportRun.Status.REFUSED
    assert "JSON" in run.message


def test_gogocarto_reads_description_more_under_its_own_name(run_import, tmp_path):
    path = tmp_path / "elements.json"
    document = json.loads(GOGOCARTO.read_text())
    document["data"] = document["data"][:1]
    document["data"][0]["descriptionMore"] = "Ouvert le samedi."
    path.write_text(json.dumps(document))
    run_import(path, format="gogocarto", source="transiscope-05")
    description = Organisation.objects.get(source_id="aB3x").description
    assert description == "Collecte, tri et revente d'objets.\n\nOuvert le samedi."


def test_the_xlsx_header_is_found_under_a_merged_title_row(run_import):
    run = run_import(CORPUS.parent / "bad" / "import-title-row.xlsx", format="xlsx")
    assert (run.status, run.created_count) == (ImportRun.Status.DONE, 3)
    assert Organisation.objects.filter(name="LA PETITE OURSE").exists()


def test_an_xlsx_header_row_is_chosen_by_the_mapping(run_import):
    mapping = {"Raison sociale": "name", "Code postal": "postal_code", "Ville": "city"}
    run = run_import(
        CORPUS.parent / "bad" / "import-title-row.xlsx", format="xlsx", mapping=mapping
    )
    assert (run.status, run.created_count) == (ImportRun.Status.DONE, 3)
    assert not Organisation.objects.exclude(siren="").exists()  # SIRET column not mapped


def test_the_import_report_file_neutralises_formulas(run_import):
    import io

    from maillage.opendata.services.imports import write_report

    run = run_import(CORPUS / "good.csv")
    run.problems.create(kind="warning", line=2, field="name", value="=1+1", reason="-2")
    handle = io.StringIO()
    write_report(run, handle)
    assert "'=1+1" in handle.getvalue() and "'-2" in handle.getvalue()


def test_gogocarto_categories_become_sectors_of_the_same_name_and_the_others_are_reported(
    run_import, tmp_path
):
    path = tmp_path / "elements.json"
    document = json.loads(GOGOCARTO.read_text())
    document["data"][0]["categories"] = ["Recyclerie", "réemploi", "Horticulture"]
    document["data"][1]["categories"] = [{"name": "Recyclerie"}]
    path.write_text(json.dumps(document))
    run = run_import(path, format="gogocarto", source="transiscope-05")
    recyclerie = Organisation.objects.get(source_id="aB3x")
    assert list(recyclerie.sectors.values_list("name", flat=True)) == ["Horticulture"]
    warnings = run.problems.filter(field="categories")
    assert sorted(warnings.values_list("value", flat=True)) == ["Recyclerie", "réemploi"]
