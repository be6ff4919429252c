"""What every domain shares: timestamps and the record of reference datasets loaded."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class DatasetLoad(models.Model):
    """One row per reference file loaded, so a second load of the same file can be skipped."""

    name = models.CharField(_("jeu de données"), max_length=100, unique=True)
    checksum = models.CharField(_("empreinte SHA-256"), max_length=64)
    row_count = models.PositiveIntegerField(_("lignes chargées"), default=0)
    rejected_count = models.PositiveIntegerField(_("lignes rejetées"), default=0)
    loaded_at = models.DateTimeField(_("chargé le"), auto_now=True)

    class Meta:
        verbose_name = _("chargement de données")
        verbose_name_plural = _("chargements de données")

    def __str__(self) -> str:
        return f"{self.name} ({self.row_count})"
