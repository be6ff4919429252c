"""Who may write in the catalogue; the same table is in docs/permissions.md (section « Catalogue »),
and a test tries every cell. Built on membership's rules: whoever keeps a profile publishes for it."""

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q

from maillage.catalogue.models import ContactMessage, Deal, NeedReport
from maillage.directory.models import Organisation
from maillage.membership.models import Membership
from maillage.membership.permissions import (
    Action,
    animates,
    can,
    commune_scope,
    is_platform_admin,
)


class CatalogueAction(StrEnum):
    PUBLISH_LISTING = "publish_listing"
    EDIT_LISTING = "edit_listing"
    CONTACT_ORGANISATION = "contact_organisation"
    READ_FORWARDED_CONTACT = "read_forwarded_contact"
    RECORD_DEAL = "record_deal"
    CONFIRM_DEAL = "confirm_deal"
    WITHDRAW_DEAL = "withdraw_deal"
    SAVE_SEARCH = "save_search"
    REPORT_NEED = "report_need"
    QUALIFY_REPORT = "qualify_report"


def can_publish(user: User | AnonymousUser, organisation: Organisation) -> bool:
    """Publish, edit or close the organisation's offers and needs: the profile's keepers."""
    return can(user, Action.EDIT_ORGANISATION, organisation)


def can_contact(user: User | AnonymousUser) -> bool:
    return user.is_authenticated and user.is_active


def organisations_of(user: User | AnonymousUser) -> list[Organisation]:
    if not user.is_authenticated:
        return []
    return list(
        Organisation.objects.filter(
            pk__in=Membership.objects.filter(user=user).values("organisation_id")
        ).order_by("name")
    )


def _is_sender_or_member(user: User | AnonymousUser, contact: ContactMessage) -> bool:
    """The sender, or a member of the contacted organisation (also one who joined after the
    message) or of the one the sender wrote for."""
    if not user.is_authenticated or not user.is_active:
        return False
    if is_platform_admin(user) or contact.sender_id == user.pk:
        return True
    organisations = [contact.recipient_id, contact.sender_organisation_id]
    return Membership.objects.filter(user=user, organisation_id__in=organisations).exists()


def is_party_to(user: User | AnonymousUser, contact: ContactMessage) -> bool:
    """Who reads a contact: its two sides; for a message confided to the animation, also the
    animators of the contacted organisation's territory, who forward it."""
    if _is_sender_or_member(user, contact):
        return True
    return (
        user.is_authenticated
        and user.is_active
        and contact.delivery == ContactMessage.Delivery.ANIMATION
        and animates(user, contact.recipient)
    )


def can_record_deal(user: User | AnonymousUser, contact: ContactMessage) -> bool:
    """Either side of a contact between two organisations, once; not an outsider, nor the
    animator who forwarded it."""
    return contact.sender_organisation_id is not None and _is_sender_or_member(user, contact)


def can_answer_deal(user: User | AnonymousUser, deal: Deal) -> bool:
    """Confirm or decline a pending cooperation: an administrator of the side that did not propose it.

    Administrators only, since the link then shows on their organisation's public profile."""
    if deal.status != Deal.Status.PENDING or not user.is_authenticated or not user.is_active:
        return False
    if is_platform_admin(user):
        return True
    return Membership.objects.filter(
        user=user, organisation_id=deal.other_side.pk, role=Membership.Role.ADMIN
    ).exists()


def can_withdraw_deal(user: User | AnonymousUser, deal: Deal) -> bool:
    """Withdraw a pending or confirmed cooperation: any member of either side."""
    live = (Deal.Status.PENDING, Deal.Status.CONFIRMED)
    if deal.status not in live or not user.is_authenticated or not user.is_active:
        return False
    if is_platform_admin(user):
        return True
    sides = [deal.supplier_id, deal.customer_id]
    return Membership.objects.filter(user=user, organisation_id__in=sides).exists()


def report_scope(user: User | AnonymousUser) -> Q | None:
    """The reports an animator may qualify (their communes), as a filter; None for nobody."""
    if not user.is_authenticated or not user.is_active:
        return None
    if is_platform_admin(user):
        return Q()
    return commune_scope(user, "commune__")


def can_qualify(user: User | AnonymousUser, report: NeedReport) -> bool:
    scope = report_scope(user)
    return scope is not None and NeedReport.objects.filter(scope, pk=report.pk).exists()
