"""The member's journey in chromium: sign up, verify the e-mail, claim a profile, edit it."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PASSWORD = "un-secret-solide-2026"


def _sign_in(page, email: str) -> None:
    page.goto("/compte/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe :", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")


def _verification_link() -> str:
    return re.search(r"http://\S+/compte/confirm-email/\S+", mail.outbox[-1].body).group(0)


def test_a_person_signs_up_claims_their_organisation_updates_it_and_gets_it_validated(
    page, demo_directory
):
    from maillage.membership.tests.factories import CollegeFactory, UserFactory

    peers = [UserFactory(email=f"pair{n}@exemple.test", password=PASSWORD) for n in (1, 2)]
    user = UserFactory(email="usager@exemple.test", password=PASSWORD)
    CollegeFactory(name="Pairs", quorum=2, reviewers=peers)
    CollegeFactory(name="Usagers et usagères", quorum=1, reviewers=[user])

    page.goto("/")
    page.get_by_role("link", name="Créer un compte").click()
    page.get_by_label("Courriel").fill("direction@apoin.fr")
    page.get_by_label("Mot de passe :", exact=True).fill(PASSWORD)
    page.get_by_label("Mot de passe (confirmation)").fill(PASSWORD)
    page.get_by_role("button", name="Création de compte").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Vérifiez votre adresse")

    page.goto(_verification_link())
    page.get_by_role("button", name="Confirmer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mon compte")
    expect(page.get_by_text("Vous ne gérez encore aucune organisation.")).to_be_visible()

    page.get_by_role("link", name="Trouver mon organisation").click()
    page.get_by_label("Recherche").fill("apoin")
    page.get_by_role("button", name="Rechercher").click()
    page.get_by_role("link", name="APOIN").first.click()
    page.get_by_role("link", name="Je fais partie de cette organisation").click()
    expect(page.get_by_text("acceptée tout de suite")).to_be_visible()
    page.get_by_role("button", name="Demander à gérer la fiche").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Modifier la fiche « APOIN »")
    page.get_by_label("SIREN").fill("123456789")
    page.get_by_label("Présentation").fill("Entreprise adaptée : conditionnement et logistique.")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    expect(page.locator("#id_siren_error")).to_contain_text("clé de contrôle")
    expect(page.get_by_label("Présentation")).to_have_value(
        "Entreprise adaptée : conditionnement et logistique."
    )

    page.get_by_label("SIREN").clear()
    page.get_by_label("Téléphone public").fill("03 88 00 00 00")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    expect(page.get_by_text("La fiche est enregistrée.")).to_be_visible()
    expect(page.get_by_text("conditionnement et logistique")).to_be_visible()

    page.get_by_role("link", name="Historique").click()
    expect(page.get_by_role("cell", name="03 88 00 00 00")).to_be_visible()
    expect(page.get_by_text("direction@apoin.fr a rejoint l'organisation")).to_be_visible()

    page.get_by_role("link", name="APOIN").click()
    page.get_by_role("link", name="Validation").click()
    page.get_by_label("Présentez la candidature").fill("Entreprise adaptée de 40 salariés.")
    page.get_by_role("button", name="Déposer la candidature").click()
    expect(page.get_by_text("La candidature est déposée")).to_be_visible()
    page.get_by_role("button", name="Se déconnecter").click()

    for email, choice, college in (
        ("pair1@exemple.test", "Pour", "Pairs"),
        ("pair2@exemple.test", "Abstention", "Pairs"),
        ("usager@exemple.test", "Pour", "Usagers et usagères"),
    ):
        _sign_in(page, email)
        page.get_by_role("link", name="Candidatures à examiner").click()
        page.get_by_role("link", name="APOIN").click()
        expect(page.get_by_label("Au titre du collège")).to_have_value(re.compile(r"\d+"))
        page.get_by_label(choice, exact=True).check()
        page.get_by_label("Commentaire").fill(f"Avis de {college}.")
        page.get_by_role("button", name="Voter").click()
        expect(page.get_by_text("Votre vote est enregistré.")).to_be_visible()
        page.get_by_role("button", name="Se déconnecter").click()

    page.goto("/organisations/apoin-67/")
    expect(page.get_by_text(re.compile(r"Validée par 2 collèges le"))).to_be_visible()


def test_a_suggestion_goes_from_proposal_to_acceptance(page, demo_directory):
    from maillage.directory.models import Organisation
    from maillage.membership.models import Membership
    from maillage.membership.tests.factories import UserFactory

    organisation = Organisation.objects.get(slug="apoin-67")
    UserFactory(email="habitante@exemple.test", password=PASSWORD)
    admin = UserFactory(email="direction@apoin.fr", password=PASSWORD)
    Membership.objects.create(user=admin, organisation=organisation, role=Membership.Role.ADMIN)

    _sign_in(page, "habitante@exemple.test")
    page.goto(organisation.get_absolute_url())
    page.get_by_role("link", name="Suggérer une correction").click()
    page.get_by_label("Téléphone public").fill("03 88 11 22 33")
    page.get_by_label("Pourquoi cette correction ?").fill("Numéro affiché sur leur porte.")
    page.get_by_role("button", name="Envoyer la suggestion").click()
    expect(page.get_by_text("Votre suggestion est transmise")).to_be_visible()
    assert "03 88 11 22 33" in mail.outbox[-1].body
    page.get_by_role("button", name="Se déconnecter").click()

    _sign_in(page, "direction@apoin.fr")
    page.goto(organisation.get_absolute_url())
    page.get_by_role("link", name=re.compile(r"Suggestions \(1\)")).click()
    expect(page.get_by_text("Numéro affiché sur leur porte.")).to_be_visible()
    expect(page.get_by_label("Téléphone public")).to_be_checked()
    page.get_by_role("button", name="Enregistrer la réponse").click()
    expect(page.get_by_text("La réponse est enregistrée")).to_be_visible()

    page.goto(organisation.get_absolute_url())
    expect(page.get_by_role("link", name="03 88 11 22 33")).to_be_visible()
    assert mail.outbox[-1].to == ["habitante@exemple.test"]
    assert "acceptée" in mail.outbox[-1].subject


def test_an_animator_accepts_a_claim_that_the_email_domain_could_not_prove(page, demo_directory):
    from maillage.directory.models import Organisation
    from maillage.membership.models import Membership
    from maillage.membership.tests.factories import PlatformRoleFactory, UserFactory

    organisation = Organisation.objects.get(slug="apoin-67")
    claimant = UserFactory(email="benevole@gmail.com", password=PASSWORD)
    PlatformRoleFactory(
        user=UserFactory(email="animation@cress-grand-est.test", password=PASSWORD),
        departement_id="67",
    )

    _sign_in(page, "benevole@gmail.com")
    page.goto(organisation.get_absolute_url())
    page.get_by_role("link", name="Je fais partie de cette organisation").click()
    page.get_by_label("Votre rôle dans l'organisation").fill("Trésorière de l'association.")
    page.get_by_role("button", name="Demander à gérer la fiche").click()
    expect(page.get_by_text("Votre demande est envoyée")).to_be_visible()
    assert mail.outbox[-1].to == ["animation@cress-grand-est.test"]
    page.get_by_role("button", name="Se déconnecter").click()

    _sign_in(page, "animation@cress-grand-est.test")
    page.get_by_role("link", name="1 demande en attente").click()
    expect(page.get_by_text("Trésorière de l'association.")).to_be_visible()
    page.get_by_label("Accepter").check()
    page.get_by_role("button", name="Enregistrer la décision").click()
    expect(page.get_by_text("La décision est enregistrée")).to_be_visible()
    expect(page.get_by_text("Aucune demande en attente")).to_be_visible()

    assert Membership.objects.get(user=claimant).role == Membership.Role.ADMIN
    assert mail.outbox[-1].to == ["benevole@gmail.com"]
    assert "Vous gérez désormais" in mail.outbox[-1].subject
