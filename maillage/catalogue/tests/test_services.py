"""Publishing, contacts, deals, reports and alerts: good input does it, bad input says why in French."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from maillage.catalogue.models import ContactMessage, Deal, Listing, NeedReport, SavedSearch, Status
from maillage.catalogue.permissions import can_answer_deal
from maillage.catalogue.selectors import (
    cooperation_partners,
    cooperation_statistics,
    qualified_report_counts,
)
from maillage.catalogue.services import alerts, contacts, listings, reports
from maillage.catalogue.tests.factories import (
    CHATELLERAULT,
    GAP,
    POITIERS,
    offer,
    organisation_in,
    sector,
)
from maillage.core.ratelimit import RateLimited
from maillage.membership.models import Membership
from maillage.membership.tests.factories import MembershipFactory, PlatformRoleFactory, UserFactory
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db


def _errors(**data) -> dict:
    with pytest.raises(ValidationError) as caught:
        offer(**data)
    return caught.value.message_dict


def test_a_published_listing_is_placed_at_its_establishment_and_open_for_three_months():
    listing = offer(commune=CHATELLERAULT)

    assert listing.commune_id == CHATELLERAULT
    assert listing.departement_id == "86"
    assert listing.h3_r7 is not None
    assert listing.expires_on == timezone.localdate() + datetime.timedelta(days=90)
    assert listing.status == Status.OPEN


def test_a_negative_quantity_is_refused():
    assert _errors(quantity=Decimal("-3"), unit="kg") == {
        "quantity": ["La quantité doit être un nombre positif."]
    }


def test_an_end_before_the_start_is_refused():
    errors = _errors(
        available_from=datetime.date(2027, 3, 10), available_until=datetime.date(2027, 3, 1)
    )
    assert errors == {
        "available_until": ["La fin de la disponibilité doit suivre son début (10/03/2027)."]
    }


@pytest.mark.parametrize(
    ("radius", "message"),
    [(0, None), (10_000, "Le rayon ne peut pas dépasser 1000 km.")],
)
def test_a_radius_of_zero_or_ten_thousand_km_is_refused(radius, message):
    errors = _errors(radius_km=radius)
    assert "radius_km" in errors
    if message:
        assert errors["radius_km"] == [message]
    else:
        assert "zone desservie" in errors["radius_km"][0]


def test_a_sector_that_does_not_exist_is_refused():
    assert _errors(sectors=[999_999]) == {"sectors": ["Cette filière n'existe pas : 999999."]}


def test_an_unknown_territory_is_refused():
    assert _errors(radius_km=None, area_departements=["999"]) == {
        "area_departements": ["Territoire inconnu : 999."]
    }


def test_a_priced_offer_needs_a_price_or_on_quote():
    assert _errors(price_on_quote=False) == {
        "price": ["Indiquez un prix, ou cochez « sur devis »."]
    }


def test_nothing_is_written_when_a_listing_is_refused():
    with pytest.raises(ValidationError):
        offer(quantity=Decimal("-1"), unit="kg")
    assert not Listing.objects.exists()


def test_closing_renewing_and_expiring():
    listing = offer()
    listings.close_listing(listing=listing, user=None, status=Status.WITHDRAWN)
    listing = listings.renew_listing(listing=listing, user=None)
    assert listing.status == Status.OPEN
    Listing.objects.filter(pk=listing.pk).update(expires_on=datetime.date(2020, 1, 1))

    assert listings.expire_listings() == 1
    assert Listing.objects.get(pk=listing.pk).status == Status.EXPIRED


def test_a_reminder_goes_once_a_week_before_expiry(
    organisation, django_capture_on_commit_callbacks
):
    MembershipFactory(organisation=organisation, user=UserFactory(email="equipe@recyclerie.test"))
    listing = offer(organisation=organisation)
    Listing.objects.filter(pk=listing.pk).update(
        expires_on=timezone.localdate() + datetime.timedelta(days=5)
    )

    with django_capture_on_commit_callbacks(execute=True):
        first = listings.send_expiry_reminders()
    second = listings.send_expiry_reminders()

    assert [reminded.pk for reminded in first] == [listing.pk] and second == []
    assert mail.outbox[-1].to == ["equipe@recyclerie.test"]
    assert "expire bientôt" in mail.outbox[-1].subject


def _contact(**kwargs) -> ContactMessage:
    recipient = kwargs.pop("recipient", None) or organisation_in(
        CHATELLERAULT, email="contact@structure.test"
    )
    return contacts.send_contact(
        sender=kwargs.pop("sender", None) or UserFactory(), recipient=recipient, **kwargs
    )


def test_a_contact_without_a_message_is_refused():
    with pytest.raises(ValidationError) as caught:
        _contact(message="   ")
    assert "Écrivez votre message" in caught.value.message_dict["message"][0]


def test_a_contact_with_a_hundred_links_is_refused():
    with pytest.raises(ValidationError) as caught:
        _contact(message=" ".join(["https://exemple.test/promo"] * 100))
    assert caught.value.message_dict == {
        "message": ["Votre message contient 100 liens ; 3 au plus sont acceptés."]
    }
    assert not ContactMessage.objects.exists()


def test_a_contact_is_rate_limited_per_sender():
    sender = UserFactory()
    recipient = organisation_in(CHATELLERAULT, email="contact@structure.test")
    for _ in range(10):  # CONTACT_RATE: 10 an hour
        _contact(sender=sender, recipient=recipient, message="Bonjour, un devis svp ?")
    with pytest.raises(RateLimited):
        _contact(sender=sender, recipient=recipient, message="Bonjour, un devis svp ?")


def test_a_contact_on_behalf_of_an_organisation_needs_membership():
    stranger_org = organisation_in(POITIERS)
    with pytest.raises(ValidationError) as caught:
        _contact(sender_organisation=stranger_org, message="Bonjour, un devis svp ?")
    assert caught.value.message_dict == {
        "sender_organisation": ["Vous n'êtes pas membre de cette organisation."]
    }


def test_a_contact_is_mailed_with_the_sender_as_reply_to(django_capture_on_commit_callbacks):
    recipient = organisation_in(CHATELLERAULT, email="contact@structure.test")
    sender = UserFactory(email="acheteuse@exemple.test")
    with django_capture_on_commit_callbacks(execute=True):
        _contact(sender=sender, recipient=recipient, message="Bonjour, un devis svp ?")

    assert mail.outbox[-1].to == ["contact@structure.test"]
    assert mail.outbox[-1].reply_to == ["acheteuse@exemple.test"]
    assert "acheteuse@exemple.test" not in mail.outbox[-1].body


def _contact_between_organisations():
    buyer_org = organisation_in(POITIERS)
    sender = MembershipFactory(organisation=buyer_org).user
    supplier = organisation_in(CHATELLERAULT, email="contact@structure.test")
    supplier_offer = offer(organisation=supplier)
    contact = contacts.send_contact(
        sender=sender,
        recipient=supplier_offer.organisation,
        sender_organisation=buyer_org,
        listing=supplier_offer,
        message="Bonjour, nous aimerions un devis.",
    )
    return contact, sender, buyer_org, supplier_offer.organisation


def _supplier_admin(supplier) -> object:
    return MembershipFactory(organisation=supplier, role=Membership.Role.ADMIN).user


def test_a_confirmed_deal_links_both_organisations_once_and_counts_for_the_observatory():
    contact, sender, buyer_org, supplier = _contact_between_organisations()

    deal = contacts.record_deal(contact=contact, user=sender, amount=Decimal("1500"))
    contacts.answer_deal(deal=deal, user=_supplier_admin(supplier), confirm=True)

    assert (deal.supplier, deal.customer) == (supplier, buyer_org)
    assert [p for p, _role in cooperation_partners(buyer_org)] == [supplier]
    assert [p for p, _role in cooperation_partners(supplier)] == [buyer_org]
    assert cooperation_statistics()["amount"] == Decimal("1500")
    with pytest.raises(ValidationError, match="déjà enregistrée"):
        contacts.record_deal(contact=contact, user=sender)
    assert Deal.objects.count() == 1


def test_a_recorded_deal_is_neither_shown_nor_counted_before_the_other_side_confirms():
    contact, sender, buyer_org, supplier = _contact_between_organisations()

    deal = contacts.record_deal(contact=contact, user=sender, amount=Decimal("900000"))

    assert deal.status == Deal.Status.PENDING and deal.proposed_by == buyer_org
    assert cooperation_partners(supplier) == [] and cooperation_partners(buyer_org) == []
    assert cooperation_statistics()["count"] == 0


def test_the_other_sides_administrators_are_asked_by_email_to_confirm(
    django_capture_on_commit_callbacks,
):
    contact, sender, _buyer_org, supplier = _contact_between_organisations()
    admin = _supplier_admin(supplier)
    MembershipFactory(organisation=supplier)  # a plain member is not asked
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        contacts.record_deal(contact=contact, user=sender)

    assert [message.to for message in mail.outbox] == [[admin.email]]
    assert f"/contacts/{contact.pk}/#deal" in mail.outbox[0].body


def test_a_deal_recorded_by_the_contacted_side_waits_for_the_writer():
    contact, _sender, buyer_org, supplier = _contact_between_organisations()

    deal = contacts.record_deal(contact=contact, user=_supplier_admin(supplier))

    assert deal.proposed_by == supplier and deal.other_side == buyer_org


@pytest.mark.parametrize("status", [Deal.Status.DECLINED, Deal.Status.WITHDRAWN])
def test_a_declined_or_withdrawn_deal_is_neither_shown_nor_counted(status):
    contact, sender, buyer_org, supplier = _contact_between_organisations()
    deal = contacts.record_deal(contact=contact, user=sender, amount=Decimal("10"))
    admin = _supplier_admin(supplier)
    if status == Deal.Status.DECLINED:
        contacts.answer_deal(deal=deal, user=admin, confirm=False)
    else:
        contacts.answer_deal(deal=deal, user=admin, confirm=True)
        contacts.withdraw_deal(deal=deal, user=sender)

    deal.refresh_from_db()
    assert deal.status == status
    assert cooperation_partners(supplier) == [] and cooperation_partners(buyer_org) == []
    assert cooperation_statistics() == {"count": 0, "amount": None, "by_departement": []}


def test_an_answered_deal_is_not_answered_again():
    contact, sender, _buyer_org, supplier = _contact_between_organisations()
    deal = contacts.record_deal(contact=contact, user=sender)
    admin = _supplier_admin(supplier)
    contacts.answer_deal(deal=deal, user=admin, confirm=False)

    with pytest.raises(ValidationError, match="déjà reçu une réponse"):
        contacts.answer_deal(deal=deal, user=admin, confirm=True)


def test_the_proposing_side_cannot_confirm_its_own_deal():
    contact, sender, buyer_org, supplier = _contact_between_organisations()
    buyer_admin = MembershipFactory(organisation=buyer_org, role=Membership.Role.ADMIN).user
    deal = contacts.record_deal(contact=contact, user=sender)

    assert not can_answer_deal(buyer_admin, deal)
    assert can_answer_deal(_supplier_admin(supplier), deal)


def test_a_personal_contact_records_no_deal():
    contact = _contact(message="Bonjour, un devis svp ?")
    with pytest.raises(ValidationError, match="au nom d'une organisation"):
        contacts.record_deal(contact=contact, user=contact.sender)


def _report(**kwargs) -> NeedReport:
    data = {
        "what": "Aucun atelier de réparation de vélos.",
        "commune": Commune.objects.get(pk="86070"),
        "for_whom": "les jeunes",
        "frequency": "always",
        "reporter_kind": "citizen",
        "reporter_email": "habitante@exemple.test",
    }
    data.update(kwargs)
    return reports.submit_report(data=data, client="192.0.2.1")


def test_a_report_is_qualified_routed_and_followed(django_capture_on_commit_callbacks):
    animator = PlatformRoleFactory(departement_id="86").user
    answering = organisation_in(POITIERS, sectors=[sector("blanchisserie")])
    with django_capture_on_commit_callbacks(execute=True):
        report = _report()
    assert report.follow_token in mail.outbox[0].body  # the private link to the reporter
    assert animator.email in mail.outbox[1].to

    with django_capture_on_commit_callbacks(execute=True):
        report = reports.qualify_report(
            report=report,
            user=animator,
            data={"sector": sector("blanchisserie"), "status": "qualified"},
        )
    suggestions = reports.suggested_organisations(report)
    assert [m.organisation_id for m in suggestions] == [answering.pk]
    with django_capture_on_commit_callbacks(execute=True):
        report = reports.route_report(report=report, user=animator, organisations=[answering])

    assert report.status == NeedReport.Status.ROUTED
    assert list(report.routed_to.all()) == [answering]
    assert qualified_report_counts() == [
        {"sector__name": "Blanchisserie", "commune__departement_id": "86", "count": 1}
    ]
    assert mail.outbox[-1].subject == "Votre signalement : Transmise à des organisations"


def test_a_report_cannot_be_qualified_without_a_sector_nor_be_a_duplicate_of_nothing():
    report = _report()
    with pytest.raises(ValidationError, match="filière"):
        reports.qualify_report(report=report, user=None, data={"status": "qualified"})
    with pytest.raises(ValidationError, match="doublon"):
        reports.qualify_report(report=report, user=None, data={"status": "duplicate"})


def test_a_duplicate_report_is_marked_so_and_not_counted():
    first = _report()
    second = _report()
    reports.qualify_report(
        report=second, user=None, data={"duplicate_of": first, "sector": sector()}
    )

    second.refresh_from_db()
    assert second.status == NeedReport.Status.DUPLICATE
    assert qualified_report_counts() == []


def test_a_digest_sends_new_listings_once_with_an_unsubscribe_link(
    django_capture_on_commit_callbacks,
):
    user = UserFactory(email="veille@exemple.test")
    saved = alerts.save_search(
        user=user,
        data={
            "name": "Espaces verts",
            "query": "entretien",
            "frequency": "daily",
            "sectors": [sector()],
        },
    )
    offer(title="Entretien de pelouses")
    offer(title="Sans rapport", sectors=[sector("blanchisserie")])
    later = timezone.now() + datetime.timedelta(minutes=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.send_digests(frequency="daily", now=later) == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.send_digests(frequency="daily", now=later + datetime.timedelta(hours=2)) == 0

    body = mail.outbox[-1].body
    assert "Entretien de pelouses" in body and "Sans rapport" not in body
    token = body.split("/alertes/desabonnement/")[1].split("/")[0]
    assert alerts.read_unsubscribe_token(token) == saved
    alerts.unsubscribe(saved=saved)
    assert not SavedSearch.objects.get(pk=saved.pk).is_active


def test_an_alert_around_a_commune_keeps_the_listings_within_its_radius():
    user = UserFactory()
    saved = alerts.save_search(
        user=user,
        data={"name": "Autour de Poitiers", "near": Commune.objects.get(pk=POITIERS)},
    )
    close = offer(title="Tonte à Chauvigny", commune="86070")  # 25 km
    offer(title="Tonte à Montmorillon", commune="86165")  # 45 km
    offer(title="Tonte à Gap", commune=GAP)

    assert saved.radius_km == SavedSearch.DEFAULT_RADIUS_KM
    assert saved.area_text == "à 30 km de Poitiers"
    assert list(alerts.listings_for(saved)) == [close]
    saved.radius_km = 50
    assert {listing.title for listing in alerts.listings_for(saved)} == {
        "Tonte à Chauvigny",
        "Tonte à Montmorillon",
    }


def test_an_alert_radius_needs_a_commune():
    with pytest.raises(ValidationError) as error:
        alerts.save_search(user=UserFactory(), data={"name": "Rayon seul", "radius_km": 20})
    assert error.value.message_dict == {
        "near": ["Indiquez la commune autour de laquelle compter ce rayon."]
    }


def test_a_forged_unsubscribe_link_is_refused():
    with pytest.raises(alerts.AlertLinkError):
        alerts.read_unsubscribe_token("abc:def")


def test_search_ignores_accents_and_case():
    found = offer(title="Légumes BIO de saison")
    offer(title="Blanchisserie", sectors=[sector("blanchisserie")])

    assert list(Listing.objects.search("legumes").values_list("pk", flat=True)) == [found.pk]
    assert list(Listing.objects.search("LÉGU").values_list("pk", flat=True)) == [found.pk]


def test_the_personal_data_export_includes_messages_and_alerts():
    from maillage.membership.services.personal_data import export_personal_data

    contact = _contact(message="Bonjour, un devis svp ?")
    alerts.save_search(user=contact.sender, data={"name": "Veille", "frequency": "weekly"})

    data = export_personal_data(contact.sender)

    assert data["messages_envoyes"][0]["message"] == "Bonjour, un devis svp ?"
    assert data["alertes"][0]["nom"] == "Veille"


def test_needs_reported_with_a_verified_address_are_exported_then_forgotten_with_the_account():
    from maillage.membership.services.personal_data import delete_account, export_personal_data
    from maillage.membership.tests.factories import PASSWORD

    person = UserFactory(email="Habitante@exemple.test")  # verified, in another case
    mine = _report(reporter_name="Camille")
    _report(reporter_email="voisin@exemple.test")

    [exported] = export_personal_data(person)["besoins_signales"]
    delete_account(user=person, password=PASSWORD)

    assert exported["email_indique"] == "habitante@exemple.test"
    assert exported["nom_indique"] == "Camille"
    mine.refresh_from_db()
    assert (mine.reporter_name, mine.reporter_email, mine.what) == (
        "",
        "",
        "Aucun atelier de réparation de vélos.",
    )
    assert NeedReport.objects.filter(reporter_email="voisin@exemple.test").exists()


def test_the_cron_commands_run_the_tasks():
    from io import StringIO

    from django.core.management import call_command

    stale = offer()
    Listing.objects.filter(pk=stale.pk).update(expires_on=datetime.date(2020, 1, 1))
    out = StringIO()
    call_command("expire_listings", stdout=out)
    call_command("send_alert_digests", "--frequency", "weekly", stdout=out)

    assert "1 annonce(s) expirée(s)." in out.getvalue()
    assert "Alertes « weekly » : 0 e-mail(s) envoyé(s)." in out.getvalue()


@pytest.mark.parametrize("title", ["Tonte\u202edes pelouses", "Tonte\r\nBcc: x@example.org"])
def test_a_listing_title_refuses_invisible_and_control_characters(title):
    assert "caractère invisible" in _errors(title=title)["title"][0]
