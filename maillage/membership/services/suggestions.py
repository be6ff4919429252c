"""Suggested corrections (C3): anyone signed in proposes, the profile's keepers accept field by field."""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core.ratelimit import hit_by_account
from maillage.directory.models import Organisation
from maillage.membership import emails
from maillage.membership.models import ChangeRecord, Suggestion
from maillage.membership.services.history import display_value
from maillage.membership.services.organisations import update_organisation

# Plain facts anyone may have seen to be wrong; classifications stay with the organisation.
SUGGESTABLE_FIELDS = ["name", "brand", "description", "siren", "rna", "website", "email", "phone"]


class SuggestionError(Exception):
    """A suggestion or a decision refused for a reason the user can read (in French)."""


def _label(name: str) -> str:
    return str(Organisation._meta.get_field(name).verbose_name)


@transaction.atomic
def suggest_correction(
    *, organisation: Organisation, author: User, proposed: dict[str, Any], message: str = ""
) -> Suggestion:
    refused = sorted(set(proposed) - set(SUGGESTABLE_FIELDS))
    if refused:
        raise SuggestionError(
            _("Ces champs ne peuvent pas faire l'objet d'une suggestion : %(fields)s.")
            % {"fields": ", ".join(refused)}
        )
    current = Organisation.objects.get(pk=organisation.pk)
    changes = []
    for name, value in proposed.items():
        old, new = display_value(current, name), str(value or "").strip()
        if old != new:
            changes.append({"field": name, "label": _label(name), "old": old, "new": new})
            setattr(current, name, new)
    if not changes:
        raise SuggestionError(_("Votre suggestion ne change rien à la fiche."))
    current.full_clean()  # the same rules as an edit, so that an accepted field always saves
    hit_by_account(author, "create-suggestion")
    suggestion = Suggestion.objects.create(
        organisation=organisation, author=author, changes=changes, message=message.strip()
    )
    transaction.on_commit(lambda: emails.send_suggestion_received(suggestion))
    return suggestion


@transaction.atomic
def decide_suggestion(
    *, suggestion: Suggestion, decided_by: User, accepted_fields: list[str], reason: str = ""
) -> Suggestion:
    suggestion = (
        # Lock the suggestion only: PostgreSQL cannot lock the nullable side of the author join.
        Suggestion.objects.select_for_update(of=("self",))
        .select_related("organisation", "author")
        .get(pk=suggestion.pk)
    )
    if suggestion.status != Suggestion.Status.PENDING:
        raise SuggestionError(_("Cette suggestion a déjà été traitée."))
    proposed = {change["field"]: change["new"] for change in suggestion.changes}
    unknown = sorted(set(accepted_fields) - set(proposed))
    if unknown:
        raise SuggestionError(
            _("Ces champs ne font pas partie de la suggestion : %(fields)s.")
            % {"fields": ", ".join(unknown)}
        )
    if len(accepted_fields) < len(proposed) and not reason.strip():
        raise SuggestionError(
            _("Expliquez en quelques mots pourquoi vous refusez une partie de la suggestion.")
        )
    if accepted_fields:
        data = {name: proposed[name] for name in accepted_fields}
        try:
            record = update_organisation(
                organisation=suggestion.organisation,
                user=decided_by,
                data=data,
                source=ChangeRecord.Source.SUGGESTION,
            )
        except ValidationError as error:
            raise SuggestionError(
                _("La fiche a changé depuis et la suggestion n'est plus valable : %(errors)s")
                % {"errors": " ".join(error.messages)}
            ) from error
        if record is not None:
            author = suggestion.author.email if suggestion.author else _("compte supprimé")
            record.summary = (
                _("Suggestion de %(author)s acceptée : %(fields)s")
                % {"author": author, "fields": ", ".join(c["label"] for c in record.changes)}
            )[:255]
            record.save(update_fields=["summary"])
    if not accepted_fields:
        suggestion.status = Suggestion.Status.REJECTED
    elif len(accepted_fields) == len(proposed):
        suggestion.status = Suggestion.Status.ACCEPTED
    else:
        suggestion.status = Suggestion.Status.PARTIAL
    suggestion.accepted_fields = sorted(accepted_fields)
    suggestion.decided_by = decided_by
    suggestion.decided_at = timezone.now()
    suggestion.reason = reason.strip()
    suggestion.save()
    transaction.on_commit(lambda: emails.send_suggestion_decided(suggestion))
    return suggestion
