"""Contacts and deals (C4): a message to an organisation, and the cooperation it led to."""

import re
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from maillage.catalogue import emails
from maillage.catalogue.models import ContactMessage, Deal, Listing, Side
from maillage.catalogue.selectors import contact_route
from maillage.core.ratelimit import hit_by_account
from maillage.directory.models import Organisation
from maillage.membership.models import Membership

MAX_LINKS = 3
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def check_message(message: str) -> str:
    message = (message or "").strip()
    if len(message) < 10:
        raise ValidationError(
            {
                "message": _(
                    "Écrivez votre message (quelques phrases : qui vous êtes, ce que vous proposez)."
                )
            }
        )
    links = len(_LINK.findall(message))
    if links > MAX_LINKS:
        raise ValidationError(
            {
                "message": _(
                    "Votre message contient %(count)s liens ; %(max)s au plus sont acceptés."
                )
                % {"count": links, "max": MAX_LINKS}
            }
        )
    return message


@transaction.atomic
def send_contact(
    *,
    sender: User,
    recipient: Organisation,
    message: str,
    sender_organisation: Organisation | None = None,
    listing: Listing | None = None,
    about: Listing | None = None,
) -> ContactMessage:
    """Store the message and e-mail it along the organisation's route (Reply-To: the sender, never
    shown): to the organisation, else to its territory's animators, who may forward it. Refused,
    before anything is counted, when nobody at all can receive it."""
    message = check_message(message)
    if sender_organisation is not None:
        if not Membership.objects.filter(user=sender, organisation=sender_organisation).exists():
            raise ValidationError(
                {"sender_organisation": _("Vous n'êtes pas membre de cette organisation.")}
            )
        if sender_organisation.pk == recipient.pk:
            raise ValidationError(
                {"sender_organisation": _("Une organisation ne se contacte pas elle-même.")}
            )
    if listing is not None and listing.organisation_id != recipient.pk:
        raise ValidationError(_("Cette annonce n'est pas celle de l'organisation contactée."))
    route = contact_route(recipient)
    if not route.is_reachable:
        raise ValidationError(unreachable_message(recipient))
    # Counted last: only a message that is sent uses the sender's allowance.
    hit_by_account(sender, "catalogue-contact")
    contact = ContactMessage.objects.create(
        sender=sender,
        sender_organisation=sender_organisation,
        recipient=recipient,
        listing=listing,
        about=about,
        message=message,
        delivery=route.delivery,
    )
    transaction.on_commit(lambda: emails.send_contact(contact, route.recipients))
    return contact


def unreachable_message(recipient: Organisation) -> str:
    return _(
        "%(name)s ne peut pas encore être contactée par Maillage : elle n'a ni membre ni adresse "
        "e-mail, et aucune équipe d'animation ne couvre son territoire."
    ) % {"name": recipient.display_name}


def _sides(contact: ContactMessage) -> tuple[Organisation, Organisation]:
    """(supplier, customer): the side that offers supplies the one that needs."""
    sender, recipient = contact.sender_organisation, contact.recipient
    if contact.listing is not None and contact.listing.side == Side.NEED:
        return sender, recipient
    if contact.about is not None and contact.about.side == Side.OFFER:
        return sender, recipient
    return recipient, sender


@transaction.atomic
def record_deal(
    *, contact: ContactMessage, user: User, amount: Decimal | None = None, note: str = ""
) -> Deal:
    """« Nous avons travaillé ensemble »: one cooperation link per contact, by either side."""
    contact = (
        ContactMessage.objects.select_for_update(of=("self",))
        .select_related("listing", "about", "recipient", "sender_organisation")
        .get(pk=contact.pk)
    )
    if contact.sender_organisation is None:
        raise ValidationError(
            _(
                "Ce contact n'a pas été envoyé au nom d'une organisation : aucune coopération à enregistrer."
            )
        )
    if Deal.objects.filter(contact=contact).exists():
        raise ValidationError(_("Cette coopération est déjà enregistrée."))
    supplier, customer = _sides(contact)
    deal = Deal(
        supplier=supplier,
        customer=customer,
        contact=contact,
        listing=contact.listing or contact.about,
        amount=amount,
        note=note.strip(),
        recorded_by=user,
    )
    deal.full_clean(exclude=["contact", "listing", "recorded_by"])
    try:
        with transaction.atomic():
            deal.save()
    except IntegrityError as error:
        raise ValidationError(_("Cette coopération est déjà enregistrée.")) from error
    return deal
