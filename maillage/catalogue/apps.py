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
        from maillage.catalogue.models import ContactMessage, SavedSearch

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
        """Needs reports keep what was reported, not who reported it (called on account deletion)."""
        _reports_of(user).update(reporter_name="", reporter_email="")


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
