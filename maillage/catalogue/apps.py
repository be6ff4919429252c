from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "maillage.catalogue"
    verbose_name = _("Offres et besoins")

    def ready(self) -> None:
        """Every listing write, whoever makes it (services, admin, tests), tells the matching
        indexes; a deletion is not seen by their catch-up (updated_at), so they rebuild."""
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from maillage.catalogue.models import Listing

        post_save.connect(_listing_saved, sender=Listing, dispatch_uid="catalogue-saved")
        post_delete.connect(_listing_deleted, sender=Listing, dispatch_uid="catalogue-deleted")
        for relation in (
            Listing.sectors,
            Listing.area_communes,
            Listing.area_epcis,
            Listing.area_departements,
            Listing.preferred_labels,
        ):
            m2m_changed.connect(
                _listing_saved,
                sender=relation.through,
                dispatch_uid=f"catalogue-{relation.field.name}",
            )

    def export_personal_data(self, user) -> dict:
        """The person's messages and alerts, added to the membership's export (GDPR)."""
        from maillage.catalogue.models import ContactMessage, Deal, SavedSearch

        return {
            "messages_envoyes": [
                {
                    "a": c.recipient.name,
                    "au_nom_de": c.sender_organisation.name if c.sender_organisation else None,
                    "message": c.message,
                    "le": c.created_at.isoformat(),
                }
                for c in ContactMessage.objects.filter(sender=user).select_related(
                    "recipient", "sender_organisation"
                )
            ],
            "cooperations_enregistrees": [
                {
                    "fournisseur": d.supplier.name,
                    "client": d.customer.name,
                    "montant": str(d.amount) if d.amount is not None else None,
                    "note": d.note,
                    "etat": d.status,
                    "le": d.created_at.isoformat(),
                }
                for d in Deal.objects.filter(recorded_by=user).select_related(
                    "supplier", "customer"
                )
            ],
            "alertes": [
                {
                    "nom": s.name,
                    "mots_cles": s.query,
                    "frequence": s.frequency,
                    "active": s.is_active,
                }
                for s in SavedSearch.objects.filter(user=user)
            ],
            "besoins_signales": [
                {
                    "besoin": r.what,
                    "commune": r.commune.name,
                    "nom_indique": r.reporter_name,
                    "email_indique": r.reporter_email,
                    "etat": r.status,
                    "le": r.created_at.isoformat(),
                }
                for r in _reports_of(user).select_related("commune")
            ],
        }

    def forget_personal_data(self, user) -> None:
        """Called on account deletion, before the account goes (rules on the privacy page).

        What the person wrote to others is erased: messages sent personally go, those sent for
        an organisation keep their envelope (a cooperation may hang on it) without their text;
        deal notes are erased, the deals (facts between organisations) stay. Needs reports keep
        what was reported, not who reported it. Open listings of organisations nobody else
        belongs to are withdrawn, as nobody is left to answer them."""
        from django.utils import timezone

        from maillage.catalogue.models import ContactMessage, Deal, Listing, Status
        from maillage.membership.models import Membership
        from maillage.membership.services.personal_data import ERASED

        ContactMessage.objects.filter(sender=user, sender_organisation__isnull=True).delete()
        ContactMessage.objects.filter(sender=user).update(message=ERASED)
        Deal.objects.filter(recorded_by=user).exclude(note="").update(note="")
        _reports_of(user).update(reporter_name="", reporter_email="")
        others = Membership.objects.exclude(user=user).values("organisation_id")
        withdrawn = (
            Listing.objects.filter(organisation__memberships__user=user, status=Status.OPEN)
            .exclude(organisation_id__in=others)
            .update(status=Status.WITHDRAWN, updated_at=timezone.now())
        )
        if withdrawn:
            from maillage.catalogue.match_index import catalogue_changed

            catalogue_changed(bulk=True)


def _listing_saved(action: str = "post_save", **_kwargs) -> None:
    from maillage.catalogue.match_index import catalogue_changed

    if action.startswith("post_"):  # m2m_changed also sends pre_add, pre_remove…
        catalogue_changed()


def _listing_deleted(**_kwargs) -> None:
    from maillage.catalogue.match_index import catalogue_changed

    catalogue_changed(bulk=True)


def _reports_of(user):
    """Needs reports are not tied to accounts: those left with one of the person's verified
    addresses are theirs."""
    from allauth.account.models import EmailAddress
    from django.db.models import Q

    from maillage.catalogue.models import NeedReport

    addresses = set(
        EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    )
    if not addresses:
        return NeedReport.objects.none()
    matches = Q()
    for address in addresses:
        matches |= Q(reporter_email__iexact=address)
    return NeedReport.objects.filter(matches)
