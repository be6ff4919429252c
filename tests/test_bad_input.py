"""Hostile input from tests/data/bad/: a clear 4xx or a clean result, never a 500, no row changed."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from maillage.core.uploads import check_upload, safe_filename
from maillage.core.validators import validate_one_line
from maillage.directory.models import Organisation
from maillage.directory.tests.factories import located_organisation
from maillage.membership.models import Membership
from maillage.membership.tests.factories import MembershipFactory
from tests.conftest import BAD, corpus

QUERIES = [
    *corpus("search_queries.txt"),
    "a" * 10_000,
    "recyclerie " * 910,
    "NEAR(" * 2_000,
    "\x00",
    "recyclerie\x00collecterie",
]
TEXTS = corpus("text_fields.txt")
FREE_TEXT_FIELDS = ("name", "brand", "description", "phone")
CHECKED_FIELDS = ("website", "email", "siren", "rna")


@pytest.fixture
def directory(db):
    return [
        located_organisation(name="Recyclerie du Clain"),
        located_organisation(name="La Collecterie"),
        located_organisation(name="Épicerie solidaire ♻️"),
    ]


@pytest.fixture
def editor(directory):
    membership = MembershipFactory(organisation=directory[0], role=Membership.Role.ADMIN)
    client = Client()
    client.force_login(membership.user)
    return client, directory[0]


def _edit_data(organisation: Organisation, **changes: str) -> dict[str, str]:
    data = {
        "name": organisation.name,
        "brand": organisation.brand,
        "description": organisation.description,
        "siren": organisation.siren,
        "rna": organisation.rna,
        "ess_family": organisation.ess_family,
        "size_band": organisation.size_band,
        "website": organisation.website,
        "email": organisation.email,
        "phone": organisation.phone,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("query", QUERIES, ids=range(len(QUERIES)))
def test_hostile_search_queries_never_fail_and_change_nothing(
    client, directory, unchanged_rows, query
):
    start, check = unchanged_rows
    start()
    page = client.get("/annuaire/", {"q": query})
    assert page.status_code in (200, 400)
    if "<" in query and len(query) < 200:
        assert query.encode() not in page.content
    api = client.get("/api/v1/organisations", {"q": query})
    assert api.status_code in (200, 400)
    assert "detail" in api.json() or "results" in api.json()
    clusters = client.get("/api/v1/map/clusters", {"q": query, "zoom": 6})
    assert clusters.status_code in (200, 400)
    check()


@pytest.mark.parametrize(
    "raw_query", ["q=%FF%FE", "q=%C3%28", "q=%ED%A0%80", "q=%00", "q=%E2%80%AErecyclerie", "q=%%%"]
)
def test_invalid_utf8_and_control_bytes_in_urls_are_read_safely(client, directory, raw_query):
    for path in ("/annuaire/", "/api/v1/organisations", "/carte/"):
        response = client.get(f"{path}?{raw_query}")
        assert response.status_code in (200, 400), (path, raw_query)


def test_fts_syntax_is_searched_as_words(client, directory):
    results = client.get("/api/v1/organisations", {"q": '"recyclerie" OR NEAR(clain*'}).json()
    assert results["count"] == 0
    found = client.get("/api/v1/organisations", {"q": "recyclerie*"}).json()
    assert [item["name"] for item in found["results"]] == ["Recyclerie du Clain"]


def test_emoji_and_right_to_left_names_are_found_and_shown(client, directory):
    response = client.get("/annuaire/", {"q": "épicerie"})
    assert "Épicerie solidaire ♻️" in response.content.decode()


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_markup_in_every_free_text_field_is_stored_as_typed_and_shown_escaped(editor, text):
    client, organisation = editor
    edit_url = reverse("membership:organisation_edit", args=[organisation.slug])
    for field in FREE_TEXT_FIELDS:
        value = text if field != "phone" else text[:30]
        response = client.post(edit_url, _edit_data(organisation, **{field: value}))
        assert response.status_code in (200, 302), field
        if response.status_code == 302:
            organisation.refresh_from_db()
            assert getattr(organisation, field) == value.strip()
        shown = (
            client.get(edit_url).content.decode()
            + client.get(organisation.get_absolute_url()).content.decode()
        )
        if "<" in value:
            assert value not in shown, field
            assert escape(value.strip()) in shown or escape(value) in shown, field


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_markup_in_checked_fields_is_refused_escaped_and_changes_nothing(
    editor, unchanged_rows, text
):
    client, organisation = editor
    edit_url = reverse("membership:organisation_edit", args=[organisation.slug])
    start, check = unchanged_rows
    start()
    for field in CHECKED_FIELDS:
        response = client.post(edit_url, _edit_data(organisation, **{field: text}))
        assert response.status_code == 200, field
        content = response.content.decode()
        assert "form-errors" in content, field
        if "<" in text:
            assert text not in content, field
    check()


def test_a_nul_character_is_refused_with_a_message(editor, unchanged_rows):
    client, organisation = editor
    start, check = unchanged_rows
    start()
    response = client.post(
        reverse("membership:organisation_edit", args=[organisation.slug]),
        _edit_data(organisation, name="Recyclerie\x00du Clain"),
    )
    assert response.status_code == 400  # RejectNulMiddleware, before the form
    assert "name ne doit pas contenir de caractère nul" in response.content.decode()
    check()


def test_a_body_over_the_request_size_limit_is_400_and_changes_nothing(
    editor, unchanged_rows, settings
):
    client, organisation = editor
    start, check = unchanged_rows
    start()
    response = client.post(
        reverse("membership:organisation_edit", args=[organisation.slug]),
        _edit_data(organisation, description="x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)),
    )
    assert response.status_code == 400
    check()


def test_api_writes_with_markup_are_stored_as_typed_and_read_back_as_json(editor):
    client, organisation = editor
    client.get(reverse("membership:account"))
    response = client.patch(
        f"/api/v1/organisations/{organisation.pk}",
        data={"description": "<script>alert(1)</script> ♻️ جمعية"},
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert response.status_code == 200
    assert response.json()["description"] == "<script>alert(1)</script> ♻️ جمعية"
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("name", corpus("filenames.txt"), ids=range(len(corpus("filenames.txt"))))
def test_uploaded_file_names_never_leave_their_folder(name):
    safe = safe_filename(name)
    assert safe and "/" not in safe and "\\" not in safe
    assert not safe.startswith(".")
    assert ".." not in safe.replace("...", "")
    assert "<" not in safe and "\u202e" not in safe
    assert len(safe) <= 100


def test_an_upload_over_the_size_limit_is_refused_by_name_and_size(settings):
    settings.MAX_UPLOAD_SIZE = 1024
    upload = SimpleUploadedFile("../../organisations.csv", b"x" * 2048)
    with pytest.raises(ValidationError, match=r"organisations\.csv.*2,0"):
        check_upload(upload, extensions=(".csv",))


def test_an_upload_of_another_type_is_refused():
    upload = SimpleUploadedFile("organisations.csv.exe", b"MZ")
    with pytest.raises(ValidationError, match="type accepté"):
        check_upload(upload, extensions=(".csv", ".xlsx"))


def test_a_zip_bomb_is_refused_before_it_is_read(settings):
    settings.MAX_UPLOAD_SIZE = 1024 * 1024
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))
    upload = SimpleUploadedFile("organisations.xlsx", buffer.getvalue())
    assert upload.size < settings.MAX_UPLOAD_SIZE
    with pytest.raises(ValidationError, match="décompresse"):
        check_upload(upload, extensions=(".xlsx",))


def test_a_corrupt_spreadsheet_is_refused_with_its_name():
    upload = SimpleUploadedFile("organisations.xlsx", (BAD / "invalid_utf8.csv").read_bytes())
    with pytest.raises(ValidationError, match=r"organisations\.xlsx.*illisible"):
        check_upload(upload, extensions=(".xlsx",))


def test_an_ordinary_upload_passes_with_its_safe_name():
    upload = SimpleUploadedFile("Données été 2026.CSV", b"nom;siret\n")
    assert check_upload(upload, extensions=(".csv",)) == "Données été 2026.csv"


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/organisations?commune=%00",
        "/api/v1/map/clusters?sector=a%00b",
        "/api/v1/territory/communes?q=%00",
        "/annuaire/?commune=%00",
    ],
)
def test_a_nul_character_in_a_parameter_is_400_naming_it(client, db, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "caractère nul" in response.content.decode()


def test_a_nul_character_in_a_json_body_is_400_and_changes_nothing(editor, unchanged_rows):
    client, organisation = editor
    client.get(reverse("membership:account"))
    start, check = unchanged_rows
    start()
    response = client.patch(
        f"/api/v1/organisations/{organisation.pk}",
        data='{"brand": "Recyclerie\\u0000"}',
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "body"
    check()


@pytest.mark.parametrize("text", TEXTS, ids=range(len(TEXTS)))
def test_markup_in_an_establishments_name_and_address_is_shown_escaped(editor, text):
    client, organisation = editor
    response = client.post(
        reverse("membership:establishment_add", args=[organisation.slug]),
        {"name": text, "address": text, "postal_code": "86100", "commune_name": "chatellerault"},
    )
    try:
        validate_one_line(text)
    except ValidationError:  # a bidi override hides or reverses a name: refused, with the reason
        assert response.status_code == 200
        assert "caractère invisible" in response.content.decode()
        return
    assert response.status_code == 302
    establishment = organisation.establishments.get(commune__name="Châtellerault")
    assert establishment.name == text.strip()
    shown = client.get(organisation.get_absolute_url()).content.decode()
    shown += client.get(
        reverse("membership:organisation_history", args=[organisation.slug])
    ).content.decode()
    if "<" in text:
        assert text not in shown
        assert escape(text.strip()) in shown


@pytest.mark.parametrize(
    "changes",
    [
        {"postal_code": "<script>", "commune_name": "x"},
        {"postal_code": "86100", "commune_name": "chatellerault", "latitude": "NaN"},
        {"postal_code": "86100", "commune_name": "chatellerault", "latitude": "1e400"},
        {"postal_code": "86100", "commune_name": "\u202e" + "x" * 500},
        {"postal_code": "86100", "commune_name": "chatellerault", "siret": "' OR 1=1 --"},
    ],
)
def test_hostile_establishment_values_are_refused_and_change_nothing(
    editor, unchanged_rows, changes
):
    client, organisation = editor
    start, check = unchanged_rows
    start()
    response = client.post(
        reverse("membership:establishment_add", args=[organisation.slug]), changes
    )
    assert response.status_code == 200
    assert (
        "form-errors" in response.content.decode()
        or "plusieurs communes" in response.content.decode()
    )
    check()


@pytest.mark.parametrize("path", ["/organisations/{slug}/modifier/", "/api/v1/organisations/{pk}"])
def test_a_100_mb_request_is_refused_by_its_size_before_it_is_read(editor, unchanged_rows, path):
    client, organisation = editor
    start, check = unchanged_rows
    start()
    response = client.post(
        path.format(slug=organisation.slug, pk=organisation.pk),
        data=b"x" * 10,
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(100 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "100 Mo" in response.content.decode()
    check()
