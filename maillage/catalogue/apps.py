from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogueConfig(AppConfig):
    name = "maillage.catalogue"
    verbose_name = _("Offres et besoins")

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
        }
