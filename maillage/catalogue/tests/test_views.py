"""Pages and API of the catalogue, through the test client."""

import time

import pytest
from django.core import mail, signing
from django.urls import reverse

from maillage.catalogue.forms import REPORT_SALT
from maillage.catalogue.models import ContactMessage, Listing, NeedReport, SavedSearch
from maillage.catalogue.services import contacts
from maillage.catalogue.templatetags.catalogue_tags import score_label
from maillage.catalogue.tests.factories import (
    CHATELLERAULT,
    POITIERS,
    need,
    offer,
    organisation_in,
    sector,
)
from maillage.membership.models import Membership
from maillage.membership.tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def _report_form(**overrides) -> dict:
    data = {
        "what": "Aucun atelier vélo à Chauvigny.",
        "place": "Chauvigny",
        "for_whom": "les jeunes",
        "frequency": "always",
        "reporter_kind": "citizen",
        "reporter_email": "",
        "website": "",
        "started": signing.dumps(time.time() - 30, salt=REPORT_SALT),
    }
    data.update(overrides)
    return data


def test_the_list_searches_full_text_and_shows_a_map_layer(client):
    offer(title="Paniers de légumes")
    offer(title="Blanchisserie", sectors=[sector("blanchisserie")])

    response = client.get(reverse("catalogue:listing_list"), {"q": "LEGUMES"})

    assert response.status_code == 200
    assert [item.title for item in response.context["page"].object_list] == ["Paniers de légumes"]
    assert response.context["map_points"][0][2] == "Paniers de légumes"
    assert b'data-listing-points="listing-points"' in response.content


def test_the_list_filters_around_a_commune(client):
    offer(title="À Poitiers")
    offer(title="À Châtellerault", commune=CHATELLERAULT)

    response = client.get(reverse("catalogue:listing_list"), {"near": "Poitiers", "radius_km": 10})

    assert [item.title for item in response.context["page"].object_list] == ["À Poitiers"]


def test_an_ambiguous_place_is_explained(client):
    response = client.get(reverse("catalogue:listing_list"), {"near": "Saint-Denis"})
    assert "Plusieurs communes correspondent" in response.context["form"].errors["near"][0]


def test_the_need_page_shows_its_matches_with_explanations(client):
    offer(title="Tonte et taille", commune=CHATELLERAULT, radius_km=50)
    wanted = need(radius_km=50)

    response = client.get(wanted.get_absolute_url())

    assert response.status_code == 200
    assert "Tonte et taille" in response.content.decode()
    assert "même filière · 30 km" in response.content.decode()


def test_a_member_publishes_a_need_and_a_bad_form_keeps_what_was_typed(
    client, member, organisation
):
    client.force_login(member)
    url = reverse("catalogue:listing_create", args=[organisation.slug]) + "?type=need"
    data = {
        "side": "need",
        "title": "Traiteur pour 60 personnes",
        "description": "Repas de fin d'année.",
        "kind": "service",
        "exchange_mode": "priced",
        "sectors": [sector("restaurants-cantines").pk],
        "recurrence": "once",
        "radius_km": "30",
        "available_from": "2027-03-10",
        "available_until": "2027-03-01",
    }

    response = client.post(url, data)

    assert response.status_code == 200
    assert "La fin de la disponibilité doit suivre son début" in response.content.decode()
    assert 'value="Traiteur pour 60 personnes"' in response.content.decode()
    data["available_until"] = "2027-03-12"
    response = client.post(url, data)
    listing = Listing.objects.get(title="Traiteur pour 60 personnes")
    assert response.url == listing.get_absolute_url()
    assert listing.side == "need" and listing.created_by == member


def test_the_profile_shows_offers_and_cooperations(client, organisation):
    offer(organisation=organisation, title="Meubles de réemploi")
    response = client.get(organisation.get_absolute_url())
    assert "Meubles de réemploi" in response.content.decode()


def test_contact_page_never_shows_the_sender_address_to_the_organisation(
    client, organisation, django_capture_on_commit_callbacks
):
    sender = UserFactory(email="secret@exemple.test")
    colleague = MembershipFactory(organisation=organisation).user
    listing = offer(organisation=organisation)
    client.force_login(sender)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("catalogue:listing_contact", args=[listing.pk]),
            {"message": "Bonjour, un devis svp ?"},
        )
    contact = ContactMessage.objects.get()

    client.force_login(colleague)
    response = client.get(contact.get_absolute_url())

    assert response.status_code == 200
    assert "secret@exemple.test" not in response.content.decode()
    assert mail.outbox[-1].reply_to == ["secret@exemple.test"]


def test_contact_form_refuses_an_empty_message_and_keeps_the_page(client):
    listing = offer()
    client.force_login(UserFactory())
    response = client.post(reverse("catalogue:listing_contact", args=[listing.pk]), {"message": ""})
    assert response.status_code == 200
    assert not ContactMessage.objects.exists()


def test_a_deal_is_recorded_from_the_contact_page_and_shown_once_confirmed(client):
    buyer = organisation_in(POITIERS)
    sender = MembershipFactory(organisation=buyer).user
    supplier_offer = offer(organisation=organisation_in(CHATELLERAULT, email="devis@test.fr"))
    contact = contacts.send_contact(
        sender=sender,
        recipient=supplier_offer.organisation,
        sender_organisation=buyer,
        listing=supplier_offer,
        message="Bonjour, un devis svp ?",
    )
    client.force_login(sender)
    client.post(reverse("catalogue:deal_record", args=[contact.pk]), {"amount": "800", "note": ""})
    profile = supplier_offer.organisation.get_absolute_url()
    assert "A travaillé avec" not in client.get(profile).content.decode()

    admin = MembershipFactory(
        organisation=supplier_offer.organisation, role=Membership.Role.ADMIN
    ).user
    client.force_login(admin)
    detail = client.get(contact.get_absolute_url()).content.decode()
    assert "Confirmer la coopération" in detail and "800" in detail
    client.post(reverse("catalogue:deal_answer", args=[contact.pk]), {"decision": "confirm"})

    page = client.get(profile).content.decode()
    assert "A travaillé avec" in page and buyer.display_name in page


def test_the_report_form_accepts_a_person_and_gives_a_private_follow_link(client):
    response = client.post(reverse("catalogue:report_create"), _report_form())
    report = NeedReport.objects.get()
    assert response.url == report.get_follow_url()
    assert report.commune_id == "86070"
    follow = client.get(report.get_follow_url())
    assert "Reçue" in follow.content.decode()
    assert follow["X-Robots-Tag"] == "noindex"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"website": "http://spam.test"}, "champ caché"),
        ({"started": "now"}, "trop vite"),
        ({"started": "forged"}, "expiré"),
        ({"place": "Nulle-Part-sur-Mer"}, "Aucune commune ne correspond"),
        ({"what": ""}, "obligatoire"),
    ],
)
def test_the_report_form_refuses_robots_and_bad_input(client, overrides, message):
    if overrides.get("started") == "now":
        overrides = {"started": signing.dumps(time.time(), salt=REPORT_SALT)}
    response = client.post(reverse("catalogue:report_create"), _report_form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not NeedReport.objects.exists()


def test_the_report_form_is_rate_limited(client):
    for _ in range(5):
        client.post(reverse("catalogue:report_create"), _report_form())
    response = client.post(reverse("catalogue:report_create"), _report_form())
    assert response.status_code == 429
    assert NeedReport.objects.count() == 5


def test_refused_report_attempts_do_not_count_against_the_limit(client):
    for _ in range(6):  # more than REPORT_RATE (5 an hour), all refused
        client.post(reverse("catalogue:report_create"), _report_form(what=""))
    for _ in range(5):
        assert client.post(reverse("catalogue:report_create"), _report_form()).status_code == 302
    assert NeedReport.objects.count() == 5


def test_an_incomplete_report_form_is_not_called_too_fast(client):
    just_now = signing.dumps(time.time(), salt=REPORT_SALT)
    response = client.post(
        reverse("catalogue:report_create"), _report_form(what="", started=just_now)
    )
    assert "obligatoire" in response.content.decode()
    assert "trop vite" not in response.content.decode()


def test_a_match_score_says_in_words_how_relevant_it_is():
    assert [score_label(s) for s in (115, 70, 64, 45, 20)] == [
        "Très pertinent",
        "Très pertinent",
        "Pertinent",
        "Pertinent",
        "À examiner",
    ]


def test_an_alert_has_an_atom_feed_and_an_unsubscribe_page(client):
    user = UserFactory()
    client.force_login(user)
    client.post(
        reverse("catalogue:alerts"), {"name": "Légumes", "query": "legumes", "frequency": "daily"}
    )
    saved = SavedSearch.objects.get()
    offer(title="Paniers de légumes")

    feed = client.get(reverse("catalogue:alert_feed", args=[saved.feed_token]))
    assert feed["Content-Type"].startswith("application/atom+xml")
    assert "Paniers de légumes" in feed.content.decode()

    from maillage.catalogue.services.alerts import unsubscribe_token

    url = reverse("catalogue:alert_unsubscribe", args=[unsubscribe_token(saved)])
    client.logout()
    client.get(url)
    assert SavedSearch.objects.get().is_active  # opening the link changes nothing
    client.post(url)
    assert not SavedSearch.objects.get().is_active


def test_an_alert_around_a_commune_is_created_from_the_form_and_keeps_what_was_typed(client):
    client.force_login(UserFactory())
    typo = {"name": "Près de chez moi", "near": "Poitiersss", "radius_km": "20"}
    typo["frequency"] = "weekly"

    refused = client.post(reverse("catalogue:alerts"), typo)

    assert "Aucune commune ne correspond à « Poitiersss »" in refused.content.decode()
    assert 'value="Poitiersss"' in refused.content.decode()
    assert "compter ce rayon" not in refused.content.decode()  # one message for one mistake
    client.post(reverse("catalogue:alerts"), {**typo, "near": "86000"})
    saved = SavedSearch.objects.get()
    assert (saved.near_id, saved.radius_km) == (POITIERS, 20)
    assert "à 20 km de Poitiers" in client.get(reverse("catalogue:alerts")).content.decode()


def test_api_lists_offers_and_needs_and_their_matches(client):
    near = offer(title="Tonte", commune=CHATELLERAULT, radius_km=50)
    wanted = need(radius_km=50)

    needs = client.get("/api/v1/needs").json()
    matches = client.get(f"/api/v1/needs/{wanted.pk}/matches").json()
    reverse_matches = client.get(f"/api/v1/offers/{near.pk}/matches").json()

    assert needs["count"] == 1 and needs["results"][0]["id"] == wanted.pk
    assert matches["matches"][0]["listing"]["id"] == near.pk
    assert matches["matches"][0]["explanation"].startswith("même filière · 30 km")
    assert reverse_matches["matches"][0]["listing"]["id"] == wanted.pk


def test_api_answers_404_and_400_in_french(client):
    wanted = need()
    assert (
        client.get(f"/api/v1/offers/{wanted.pk}/matches")
        .json()["detail"]
        .startswith("Il n'existe aucune offre")
    )
    response = client.get("/api/v1/offers", {"kind": "nothing"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "kind"


def test_an_animator_moves_a_report_to_the_right_commune(client):
    from maillage.membership.tests.factories import PlatformRoleFactory
    from maillage.territory.models import Commune

    animator = PlatformRoleFactory(departement_id="86").user
    report = NeedReport.objects.create(
        what="Pas de laverie.",
        commune=Commune.objects.get(pk="86070"),
        for_whom="tous",
        frequency="always",
        reporter_kind="citizen",
    )
    client.force_login(animator)
    client.post(
        reverse("catalogue:report_qualify", args=[report.pk]),
        {"place": "Poitiers", "sector": sector("blanchisserie").pk, "status": "qualified"},
    )
    report.refresh_from_db()
    assert (report.commune_id, report.status) == (POITIERS, NeedReport.Status.QUALIFIED)


def test_a_member_lists_communes_and_epcis_served_by_name_not_by_code(client, member, organisation):
    client.force_login(member)
    url = reverse("catalogue:listing_create", args=[organisation.slug]) + "?type=need"
    response = client.post(
        url,
        {
            "side": "need",
            "title": "Entretien d'espaces verts",
            "description": "Deux sites.",
            "kind": "service",
            "exchange_mode": "priced",
            "sectors": [sector("restaurants-cantines").pk],
            "recurrence": "once",
            "area_communes": "Lyon, Poitiers (86194)",
            "area_epcis": "Grand Poitiers",
            "area_departements": ["86"],
        },
    )
    listing = Listing.objects.get(title="Entretien d'espaces verts")
    assert response.url == listing.get_absolute_url()
    assert sorted(listing.area_communes.values_list("pk", flat=True)) == ["69123", "86194"]
    assert list(listing.area_epcis.values_list("pk", flat=True)) == ["200069854"]


def test_the_listing_edit_form_shows_territories_by_name_in_chips_fields(
    client, member, organisation
):
    listing = need(organisation=organisation)
    listing.area_communes.set(["86194"])
    client.force_login(member)

    content = client.get(reverse("catalogue:listing_edit", args=[listing.pk])).content.decode()

    assert 'value="Poitiers (86194)"' in content
    assert "codes INSEE" not in content and "Ctrl" not in content
    assert content.count("data-chips") >= 4  # sectors, communes, EPCI, départements
