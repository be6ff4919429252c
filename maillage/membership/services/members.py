"""An organisation's members: roles changed and members removed by its administrators."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.membership.models import ChangeRecord, Membership
from maillage.membership.services.api_tokens import revoke_tokens_of
from maillage.membership.services.history import record_change
from maillage.membership.services.organisations import ProfileError


def _other_admins(membership: Membership):
    return Membership.objects.filter(
        organisation=membership.organisation, role=Membership.Role.ADMIN
    ).exclude(pk=membership.pk)


@transaction.atomic
def change_member_role(*, membership: Membership, role: str, by: User) -> Membership:
    if role not in Membership.Role.values:
        raise ProfileError(_("Rôle inconnu : « %(role)s ».") % {"role": role})
    if membership.role == role:
        return membership
    if membership.is_admin and not _other_admins(membership).exists():
        raise ProfileError(
            _("L'organisation doit garder au moins un administrateur ou une administratrice.")
        )
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    record_change(
        organisation=membership.organisation,
        user=by,
        source=ChangeRecord.Source.USER,
        subject=ChangeRecord.Subject.MEMBERS,
        summary=_("Rôle de %(email)s : %(role)s")
        % {"email": membership.user.email, "role": membership.get_role_display()},
    )
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, by: User) -> None:
    if membership.is_admin and not _other_admins(membership).exists():
        raise ProfileError(
            _("L'organisation doit garder au moins un administrateur ou une administratrice.")
        )
    email, organisation = membership.user.email, membership.organisation
    membership.delete()
    revoke_tokens_of(user=membership.user, organisation=organisation)
    record_change(
        organisation=organisation,
        user=by,
        source=ChangeRecord.Source.USER,
        subject=ChangeRecord.Subject.MEMBERS,
        summary=_("%(email)s ne fait plus partie de l'organisation") % {"email": email},
    )
