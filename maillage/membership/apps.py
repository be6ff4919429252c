from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembershipConfig(AppConfig):
    name = "maillage.membership"
    verbose_name = _("Membres et confiance")
