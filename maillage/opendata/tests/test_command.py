"""The management command: summary, counts per reason, report file, mapping file, refusals."""

import csv

import pytest
from django.core.management import CommandError, call_command

from maillage.directory.models import Organisation
from maillage.opendata.tests.conftest import CORPUS

pytestmark = pytest.mark.django_db


def test_it_imports_and_writes_the_report(tmp_path, capsys):
    report = tmp_path / "rejets.csv"
    call_command(
        "import_organisations",
        str(CORPUS / "wrong-checksum.csv"),
        "--format",
        "csv",
        "--report",
        str(report),
    )
    output = capsys.readouterr().out
    assert "2 créées" in output
    assert "[Ligne rejetée] SIRET — " in output
    rows = list(csv.reader(report.open(encoding="utf-8-sig")))
    assert rows[0] == ["ligne", "nature", "champ", "valeur", "motif"]
    assert rows[1][:3] == ["3", "Ligne rejetée", "SIRET"]


def test_a_dry_run_writes_nothing(capsys):
    call_command("import_organisations", str(CORPUS / "good.csv"), "--format", "csv", "--dry-run")
    assert "Essai à blanc" in capsys.readouterr().out
    assert not Organisation.objects.exists()


def test_a_mapping_file_names_the_columns(tmp_path):
    data = tmp_path / "adherents.csv"
    data.write_text("Structure;Num;CP;Localité\nLE TOIT DU MONDE;32515885500016;86000;Poitiers\n")
    mapping = tmp_path / "colonnes.csv"
    mapping.write_text("colonne;champ\nStructure;name\nNum;siret\nCP;postal_code\nLocalité;city\n")
    call_command("import_organisations", str(data), "--format", "csv", "--mapping", str(mapping))
    assert Organisation.objects.get().siren == "325158855"


def test_a_refused_file_fails_the_command_with_its_reason():
    with pytest.raises(CommandError, match="n'est pas un fichier CSV"):
        call_command("import_organisations", str(CORPUS / "not-a-csv.csv"), "--format", "csv")
