"""Contacts and deals (C4): a message to an organisation, and the cooperation it led to."""

import re
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.catalogue import emails
from maillage.catalogue.models import ContactMessage, Deal, Listing, Side
from maillage.catalogue.selectors import contact_route
from maillage.core.ratelimit import hit_by_account
from maillage.core.validators import validate_text
from maillage.directory.models import Organisation
from maillage.membership.models import Membership

MAX_LINKS = 3
_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)


def check_message(message: str) -> str:
    message = (message or "").strip()
    try:
        validate_text(message)
    except ValidationError as error:
        raise ValidationError({"message": error.messages}) from error
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
    """« Nous avons travaillé ensemble »: one cooperation link per contact, proposed by either side.

    It stays pending (neither shown nor counted) until the other side's administrators, told by
    e-mail, confirm it."""
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
        proposed_by=_proposing_side(contact, user),
    )
    deal.full_clean(exclude=["contact", "listing", "recorded_by", "proposed_by", "answered_by"])
    try:
        with transaction.atomic():
            deal.save()
    except IntegrityError as error:
        raise ValidationError(_("Cette coopération est déjà enregistrée.")) from error
    transaction.on_commit(lambda: emails.send_deal_proposed(deal))
    return deal


def _proposing_side(contact: ContactMessage, user: User) -> Organisation:
    """The side the person speaks for: the contacted organisation only if they belong to it alone
    (the sender, or a platform administrator, speaks for the organisation that wrote)."""
    sides = set(
        Membership.objects.filter(
            user=user, organisation_id__in=[contact.recipient_id, contact.sender_organisation_id]
        ).values_list("organisation_id", flat=True)
    )
    if sides == {contact.recipient_id} and contact.sender_id != user.pk:
        return contact.recipient
    return contact.sender_organisation


def _move_deal(
    deal: Deal, *, user: User, to: str, allowed_from: tuple[str, ...], refusal: str
) -> Deal:
    """Lock the deal, check its current status, then record who moved it where and when."""
    deal = (
        Deal.objects.select_for_update(of=("self",))
        .select_related("supplier", "customer")
        .get(pk=deal.pk)
    )
    if deal.status not in allowed_from:
        raise ValidationError(refusal)
    deal.status, deal.answered_by, deal.answered_at = to, user, timezone.now()
    deal.save(update_fields=["status", "answered_by", "answered_at", "updated_at"])
    return deal


@transaction.atomic
def answer_deal(*, deal: Deal, user: User, confirm: bool) -> Deal:
    """The other side confirms (the link becomes public and counted) or declines, once."""
    return _move_deal(
        deal,
        user=user,
        to=Deal.Status.CONFIRMED if confirm else Deal.Status.DECLINED,
        allowed_from=(Deal.Status.PENDING,),
        refusal=_("Cette coopération a déjà reçu une réponse."),
    )


@transaction.atomic
def withdraw_deal(*, deal: Deal, user: User) -> Deal:
    """Either side takes the link back, pending or confirmed: it leaves both profiles and the counts."""
    return _move_deal(
        deal,
        user=user,
        to=Deal.Status.WITHDRAWN,
        allowed_from=(Deal.Status.PENDING, Deal.Status.CONFIRMED),
        refusal=_("Cette coopération n'est plus affichée."),
    )
