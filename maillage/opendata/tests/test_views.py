"""The import pages: animators only, preview and mapping, progress fragment, report."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from maillage.directory.models import Organisation
from maillage.membership.tests.factories import PlatformRoleFactory, UserFactory
from maillage.opendata.models import ImportRun
from maillage.opendata.tests.conftest import CORPUS

pytestmark = pytest.mark.django_db


@pytest.fixture
def animator_client(client):
    role = PlatformRoleFactory()
    client.force_login(role.user)
    return client


def upload(client, name="good.csv", format="csv"):
    data = (CORPUS / name).read_bytes()
    return client.post(
        reverse("opendata:import_list"),
        {"file": SimpleUploadedFile(name, data), "format": format, "source": "reseau-86"},
    )


def test_it_refuses_people_who_do_not_animate_a_territory(client):
    client.force_login(UserFactory())
    assert client.get(reverse("opendata:import_list")).status_code == 403


def test_it_sends_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("opendata:import_list"))
    assert response.status_code == 302
    assert "/compte/" in response["Location"]


def test_an_upload_shows_the_first_rows_and_the_guessed_mapping(animator_client):
    response = upload(animator_client)
    assert response.status_code == 302
    page = animator_client.get(response["Location"])
    content = page.content.decode()
    assert "LE TOIT DU MONDE" in content
    assert 'value="siret" selected' in content
    assert not Organisation.objects.exists()


def test_confirming_then_running_imports_and_shows_the_report(animator_client):
    detail_url = upload(animator_client)["Location"]
    run = ImportRun.objects.get()
    fields = {
        f"column_{i}": name
        for i, name in enumerate(
            ["name", "siret", "address", "postal_code", "city", "latitude", "longitude", "website"]
        )
    }
    response = animator_client.post(reverse("opendata:import_start", args=[run.pk]), fields)
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ImportRun.Status.QUEUED
    assert 'data-hx-trigger="load"' in animator_client.get(detail_url).content.decode()
    animator_client.post(reverse("opendata:import_execute", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE
    # The animator animates the Vienne: the row of Gap is reported, not written.
    assert Organisation.objects.count() == 2
    page = animator_client.get(detail_url).content.decode()
    assert "2 créées" in page
    assert "Hors de votre territoire" in page
    # A second click does not run it again.
    animator_client.post(reverse("opendata:import_execute", args=[run.pk]))
    assert Organisation.objects.count() == 2


def test_a_mapping_without_the_name_is_refused_and_keeps_the_choices(animator_client):
    upload(animator_client)
    run = ImportRun.objects.get()
    response = animator_client.post(
        reverse("opendata:import_start", args=[run.pk]), {"column_1": "siret"}
    )
    assert response.status_code == 400
    assert "nom des organisations" in response.content.decode()


def test_the_status_fragment_polls_until_the_run_is_over(animator_client):
    upload(animator_client)
    run = ImportRun.objects.get()
    run.status, run.total_rows, run.rows_read = ImportRun.Status.RUNNING, 200, 50
    run.save()
    content = animator_client.get(reverse("opendata:import_status", args=[run.pk])).content.decode()
    assert 'data-hx-trigger="every 1s"' in content
    assert 'value="25"' in content


def test_a_file_that_is_not_a_csv_is_refused_on_the_preview(animator_client):
    detail_url = upload(animator_client, "not-a-csv.csv")["Location"]
    content = animator_client.get(detail_url).content.decode()
    assert "Fichier refusé" in content
    assert ImportRun.objects.get().status == ImportRun.Status.REFUSED


def test_the_report_downloads_as_csv(animator_client):
    upload(animator_client, "wrong-checksum.csv")
    run = ImportRun.objects.get()
    fields = {
        f"column_{i}": name
        for i, name in enumerate(
            ["name", "siret", "address", "postal_code", "city", "latitude", "longitude", "website"]
        )
    }
    animator_client.post(reverse("opendata:import_start", args=[run.pk]), fields)
    animator_client.post(reverse("opendata:import_execute", args=[run.pk]))
    response = animator_client.get(reverse("opendata:import_report", args=[run.pk]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0] == "ligne,nature,champ,valeur,motif"
    assert "clé de contrôle" in body


def test_an_animator_cannot_read_another_animators_import(animator_client):
    other = PlatformRoleFactory()
    run = ImportRun.objects.create(
        file_name="x.csv", format="csv", source="x", started_by=other.user
    )
    assert animator_client.get(reverse("opendata:import_detail", args=[run.pk])).status_code == 404


def test_the_uploaded_file_is_deleted_once_imported(animator_client):
    from django.core.files.storage import default_storage

    upload(animator_client)
    run = ImportRun.objects.get()
    assert default_storage.exists(run.stored_file)
    fields = {f"column_{i}": name for i, name in enumerate(["name", "siret"])}
    animator_client.post(reverse("opendata:import_start", args=[run.pk]), fields)
    animator_client.post(reverse("opendata:import_execute", args=[run.pk]))
    assert not default_storage.exists(run.stored_file)


def test_the_preview_is_read_once_and_shown_from_the_run(animator_client):
    from django.core.files.storage import default_storage

    detail_url = upload(animator_client)["Location"]
    run = ImportRun.objects.get()
    assert run.preview["headers"][0] == "Raison sociale"
    # Opening the page again never parses the file: it would fail without it.
    default_storage.delete(run.stored_file)
    assert "LE TOIT DU MONDE" in animator_client.get(detail_url).content.decode()


def test_a_workbook_that_would_exhaust_memory_is_refused_on_upload_with_the_reason(
    animator_client,
):
    data = (CORPUS.parent / "bad" / "import-far-cell.xlsx").read_bytes()
    response = animator_client.post(
        reverse("opendata:import_list"),
        {"file": SimpleUploadedFile("far.xlsx", data), "format": "xlsx", "source": "x"},
    )
    content = animator_client.get(response["Location"]).content.decode()
    assert "XFD1048576" in content
    assert ImportRun.objects.get().status == ImportRun.Status.REFUSED


def test_the_preview_warns_when_two_columns_feed_one_field(animator_client):
    data = b"Nom,Raison sociale,SIRET\nA,B,33235830800028\n"
    response = animator_client.post(
        reverse("opendata:import_list"),
        {"file": SimpleUploadedFile("two.csv", data), "format": "csv", "source": "x"},
    )
    content = animator_client.get(response["Location"]).content.decode()
    assert "Les colonnes A et B peuvent toutes remplir le champ name" in content


def test_a_run_left_running_by_a_dead_worker_is_marked_failed(animator_client):
    from datetime import timedelta

    from django.utils import timezone

    upload(animator_client)
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING)
    ImportRun.objects.filter(pk=run.pk).update(updated_at=timezone.now() - timedelta(hours=2))
    content = animator_client.get(reverse("opendata:import_list")).content.decode()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert "processus interrompu" in run.message
    assert "Échec" in content


def test_a_live_running_run_is_left_alone(animator_client):
    upload(animator_client)
    run = ImportRun.objects.get()
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING)
    animator_client.get(reverse("opendata:import_list"))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.RUNNING


def test_the_report_neutralises_formulas(animator_client):
    upload(animator_client)
    run = ImportRun.objects.get()
    run.problems.create(
        kind="rejected", line=2, field="name", value='=HYPERLINK("http://x")', reason="@SUM(A1)"
    )
    response = animator_client.get(reverse("opendata:import_report", args=[run.pk]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert '\'=HYPERLINK(""http://x"")' in body
    assert "'@SUM(A1)" in body


def test_a_preview_whose_worker_died_is_marked_failed(animator_client):
    from datetime import timedelta

    from django.utils import timezone

    upload(animator_client)
    run = ImportRun.objects.get()
    old = timezone.now() - timedelta(hours=2)
    ImportRun.objects.filter(pk=run.pk).update(preview=None, updated_at=old)
    animator_client.get(reverse("opendata:import_list"))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED


def test_a_zip_bomb_is_refused_by_the_upload_form_before_any_reading(animator_client, tmp_path):
    from maillage.opendata.tests.test_hostile_files import make_imports

    bomb = make_imports.xlsx_zip_bomb(tmp_path / "bomb.xlsx", megabytes=50)
    response = animator_client.post(
        reverse("opendata:import_list"),
        {"file": SimpleUploadedFile("bomb.xlsx", bomb.read_bytes()), "format": "xlsx"},
    )
    assert response.status_code == 200
    assert "se décompresse" in response.content.decode()
    assert not ImportRun.objects.exists()
