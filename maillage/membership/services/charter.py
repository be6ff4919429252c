"""The charter (A5): organisations sign its current version and assess their progress each year."""

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.directory.models import Organisation
from maillage.membership.models import (
    ChangeRecord,
    Charter,
    CharterSignature,
    SelfAssessment,
)
from maillage.membership.services.history import record_change


class CharterError(Exception):
    """A signature or an assessment refused for a reason the user can read (in French)."""


def current_charter() -> Charter | None:
    return (
        Charter.objects.filter(published_at__lte=timezone.now())
        .prefetch_related("criteria")
        .order_by("-version")
        .first()
    )


def current_signature(organisation: Organisation) -> CharterSignature | None:
    charter = current_charter()
    if charter is None:
        return None
    return CharterSignature.objects.filter(organisation=organisation, charter=charter).first()


@transaction.atomic
def sign_charter(
    *, organisation: Organisation, user: User, charter: Charter, checked: list[int]
) -> CharterSignature:
    """Sign the current version, each admission criterion ticked as met."""
    current = current_charter()
    if current is None or current.pk != charter.pk:
        raise CharterError(_("Seule la version en vigueur de la charte peut être signée."))
    missing = [c.text for c in charter.criteria.all() if c.pk not in set(checked)]
    if missing:
        raise CharterError(
            _(
                "Pour signer, l'organisation doit remplir chaque critère d'admission ; il manque : %(missing)s"
            )
            % {"missing": " ; ".join(missing)}
        )
    if CharterSignature.objects.filter(organisation=organisation, charter=charter).exists():
        raise CharterError(_("L'organisation a déjà signé cette version de la charte."))
    signature = CharterSignature.objects.create(
        organisation=organisation, charter=charter, signed_by=user
    )
    record_change(
        organisation=organisation,
        user=user,
        source=ChangeRecord.Source.USER,
        subject=ChangeRecord.Subject.ORGANISATION,
        summary=_("Charte signée (version %(version)s)") % {"version": charter.version},
    )
    return signature


@transaction.atomic
def assess_progress(
    *,
    organisation: Organisation,
    user: User,
    charter: Charter,
    levels: dict[int, int],
    comment: str = "",
    year: int | None = None,
) -> SelfAssessment:
    """This year's self-assessment; filling it again the same year replaces it."""
    year = year or timezone.localdate().year
    criteria = list(charter.criteria.all())
    unanswered = [c.text for c in criteria if c.pk not in levels]
    if unanswered:
        raise CharterError(
            _("Évaluez chaque critère ; il manque : %(missing)s")
            % {"missing": " ; ".join(unanswered)}
        )
    if any(level not in SelfAssessment.Level.values for level in levels.values()):
        raise CharterError(_("Un niveau d'évaluation est inconnu."))
    assessment, _created = SelfAssessment.objects.update_or_create(
        organisation=organisation,
        year=year,
        defaults={
            "charter": charter,
            "answers": [{"criterion": c.text, "level": levels[c.pk]} for c in criteria],
            "comment": comment.strip(),
            "assessed_by": user,
        },
    )
    return assessment
