"""Personal API tokens: a person writes to one organisation's profile from a script."""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TimeStampedModel
from maillage.directory.models import Organisation

TOKEN_PREFIX = "mlg_"


def token_digest(raw: str) -> str:
    """SHA-256 of the token: tokens carry 256 random bits, so a plain hash is enough to store."""
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class ApiToken(TimeStampedModel):
    """Only the digest is stored; the token itself is shown once, at creation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("nom"), max_length=100)
    prefix = models.CharField(_("début du jeton"), max_length=12)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…) · {self.organisation}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
