"""The animator's choice for a value an import brought to a field a member had edited since.

« Garder » keeps the member's value (a later import of the same value asks no more);
« Prendre la valeur importée » writes it, validated like any edit, into the profile's history
with the run's name, so that the next import of that field no longer waits for a choice.
"""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.directory.models import Establishment, Organisation
from maillage.directory.services.profile import refresh_search_text
from maillage.membership.models import ChangeRecord
from maillage.membership.permissions import Action, can
from maillage.opendata.models import FieldReview
from maillage.opendata.services.upsert import run_label


class ReviewError(Exception):
    """A choice refused for a reason the animator can read (in French)."""


@transaction.atomic
def decide_review(*, review: FieldReview, user: User, take: bool) -> FieldReview:
    current = FieldReview.objects.select_for_update().select_related("run").get(pk=review.pk)
    if not can(user, Action.IMPORT_ORGANISATION, current.organisation):
        raise ReviewError(_("Cette fiche n'est pas de votre territoire."))
    if current.status != FieldReview.Status.PENDING:
        raise ReviewError(_("Ce choix est déjà fait."))
    if take:
        _take(current, user)
    current.status = FieldReview.Status.TAKEN if take else FieldReview.Status.KEPT
    current.decided_by, current.decided_at = user, timezone.now()
    current.save()
    return current


def _take(review: FieldReview, user: User) -> None:
    if review.establishment_id:
        target = Establishment.objects.select_for_update().get(
            pk=review.establishment_id, organisation_id=review.organisation_id
        )
        subject = ChangeRecord.Subject.ESTABLISHMENT
    else:
        target = Organisation.objects.select_for_update().get(pk=review.organisation_id)
        subject = ChangeRecord.Subject.ORGANISATION
    model_field = target._meta.get_field(review.field.removesuffix("_id"))
    old = getattr(target, model_field.attname)
    try:
        setattr(target, model_field.attname, model_field.to_python(review.imported_value))
        target.full_clean()
    except ValidationError as error:
        raise ReviewError(" ".join(error.messages)) from None
    target.save()
    organisation = Organisation.objects.get(pk=review.organisation_id)
    refresh_search_text(organisation, places_changed=subject == ChangeRecord.Subject.ESTABLISHMENT)
    ChangeRecord.objects.create(
        organisation=organisation,
        user=user,
        source=ChangeRecord.Source.IMPORT,
        subject=subject,
        summary=(
            _("%(run)s : valeur importée prise par l'animation") % {"run": run_label(review.run)}
        )[:255],
        changes=[
            {
                "field": model_field.name,
                "label": review.label,
                "old": "" if old is None else str(old),
                "new": review.imported_value,
            }
        ],
    )
