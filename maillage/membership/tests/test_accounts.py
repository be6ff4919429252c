"""Accounts: sign-up with a verified e-mail, sign-in by e-mail, password reset, limits, profile."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.urls import reverse

from maillage.membership.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _sign_up(client, email="lea@recyclerie-clain.fr", password=PASSWORD):
    return client.post(
        reverse("account_signup"),
        {"email": email, "password1": password, "password2": password},
    )


def _link_in(message) -> str:
    return re.search(r"http://\S+", message.body).group(0)


def test_sign_up_sends_a_verification_link_in_french(client):
    response = _sign_up(client)

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lea@recyclerie-clain.fr"]
    assert message.subject.startswith("[Maillage] ")
    assert "Confirm" in message.subject or "confirm" in message.subject
    assert "/compte/confirm-email/" in _link_in(message)


def test_a_new_account_cannot_sign_in_before_its_email_is_verified(client):
    _sign_up(client)
    client.logout()

    response = client.post(
        reverse("account_login"), {"login": "lea@recyclerie-clain.fr", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in client.session


def test_following_the_verification_link_signs_the_person_in(client):
    _sign_up(client)
    link = _link_in(mail.outbox[0]).removeprefix("http://testserver")

    client.post(link)

    user = User.objects.get(email="lea@recyclerie-clain.fr")
    assert user.emailaddress_set.get().verified
    assert client.get(reverse("membership:account")).status_code == 200


def test_sign_in_is_by_email_and_leads_to_the_account_page(client):
    user = UserFactory(email="marc@exemple.test")

    response = client.post(
        reverse("account_login"), {"login": "marc@exemple.test", "password": PASSWORD}
    )

    assert response.status_code == 302
    assert response.url == reverse("membership:account")
    assert int(client.session["_auth_user_id"]) == user.pk


def test_sign_up_errors_are_in_french_and_keep_the_email_typed(client):
    response = _sign_up(client, email="lea@recyclerie-clain.fr", password="court")

    assert response.status_code == 200
    content = response.content.decode()
    assert 'value="lea@recyclerie-clain.fr"' in content
    assert "Le formulaire contient" in content
    assert 'aria-invalid="true"' in content
    assert "trop court" in content


def test_sign_up_with_an_email_already_used_answers_as_usual_and_warns_the_owner(client):
    """No account enumeration: the page is the one a new address gets; the owner is told by
    e-mail, with a link to choose a new password."""
    UserFactory(email="marc@exemple.test")

    response = _sign_up(client, email="marc@exemple.test")

    assert User.objects.filter(email="marc@exemple.test").count() == 1
    assert response.status_code == 302
    assert response.url == reverse("account_email_verification_sent")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["marc@exemple.test"]
    assert message.subject == "[Maillage] Vous avez déjà un compte"
    assert reverse("account_reset_password") in _link_in(message)


def test_repeated_failed_sign_ins_on_one_email_are_rate_limited(client):
    UserFactory(email="marc@exemple.test")
    for _attempt in range(5):
        client.post(reverse("account_login"), {"login": "marc@exemple.test", "password": "faux"})

    response = client.post(
        reverse("account_login"), {"login": "marc@exemple.test", "password": PASSWORD}
    )

    assert "Trop de tentatives de connexion" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_mass_sign_ups_from_one_address_are_rate_limited(client):
    statuses = [_sign_up(client, email=f"robot{n}@exemple.test").status_code for n in range(11)]
    client.logout()

    assert statuses[:10] == [302] * 10
    assert statuses[10] == 429


def test_password_reset_sends_a_link_that_sets_a_new_password(client):
    UserFactory(email="marc@exemple.test")

    client.post(reverse("account_reset_password"), {"email": "marc@exemple.test"})

    assert len(mail.outbox) == 1
    link = _link_in(mail.outbox[0]).removeprefix("http://testserver")
    response = client.get(link, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link
    response = client.post(
        form_url, {"password1": "un-nouveau-secret-99", "password2": "un-nouveau-secret-99"}
    )
    assert response.status_code == 302
    assert User.objects.get(email="marc@exemple.test").check_password("un-nouveau-secret-99")


def test_the_account_page_needs_a_signed_in_user(client):
    response = client.get(reverse("membership:account"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_a_person_edits_their_name_on_the_account_page(client):
    user = UserFactory()
    client.force_login(user)

    response = client.post(
        reverse("membership:account"), {"first_name": "Léa", "last_name": "Bernard"}
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.first_name, user.last_name) == ("Léa", "Bernard")


def test_the_header_offers_sign_in_and_sign_up_to_visitors_and_the_account_to_members(client):
    anonymous = client.get(reverse("directory:home")).content.decode()
    assert reverse("account_login") in anonymous
    assert reverse("account_signup") in anonymous

    client.force_login(UserFactory())
    signed_in = client.get(reverse("directory:home")).content.decode()
    assert reverse("membership:account") in signed_in
    assert reverse("account_logout") in signed_in


def test_account_emails_are_branded_and_greet_the_person_by_name(client):
    UserFactory(
        email="marie@exemple.test", username="marie.dupont", first_name="Marie", last_name="Dupont"
    )

    client.post(reverse("account_reset_password"), {"email": "marie@exemple.test"})

    message = mail.outbox[-1]
    assert message.body.startswith("Bonjour Marie Dupont,")
    assert "Maillage" in message.body and "Maillage" in message.subject
    assert "127.0.0.1" not in message.body.split("http")[0]
    assert "marie.dupont" not in message.body


def test_the_sign_up_confirmation_email_is_in_french_and_branded(client):
    client.post(
        reverse("account_signup"),
        {"email": "nouvelle@exemple.test", "password1": PASSWORD, "password2": PASSWORD},
    )
    message = mail.outbox[-1]
    assert message.subject == "[Maillage] Confirmez votre adresse e-mail"
    assert message.body.startswith("Bonjour,") and "L'équipe de Maillage" in message.body
