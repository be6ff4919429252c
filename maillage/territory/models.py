"""France's administrative geography: régions, départements, EPCI, communes and postal codes."""

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Zone(models.TextChoices):
    METRO = "metro", _("Métropole")
    DROM = "drom", _("Département ou région d'outre-mer")
    COM = "com", _("Collectivité d'outre-mer")


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    zone = models.CharField(_("zone"), max_length=5, choices=Zone.choices)

    class Meta:
        ordering = ["name"]
        verbose_name = _("région")
        verbose_name_plural = _("régions")

    def __str__(self) -> str:
        return self.name


class Departement(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")
    zone = models.CharField(_("zone"), max_length=5, choices=Zone.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("département")
        verbose_name_plural = _("départements")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def get_absolute_url(self) -> str:
        return reverse("directory:departement", args=[self.code])


class EPCI(models.Model):
    """Établissement public de coopération intercommunale à fiscalité propre (CC, CA, CU, MET)."""

    code = models.CharField(_("SIREN"), max_length=9, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=10)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("EPCI")
        verbose_name_plural = _("EPCI")

    def __str__(self) -> str:
        return self.name


class CommuneQuerySet(models.QuerySet):
    def in_departement(self, code: str) -> "CommuneQuerySet":
        return self.filter(departement_id=code)

    def matching(self, query: str) -> "CommuneQuerySet":
        """Autocomplete: a postal-code prefix, or the start of a name, accents, hyphens and
        « St » ignored (the resolver's reading: selectors.commune_key)."""
        from maillage.territory.selectors import commune_key

        query = query.strip()
        if query.isdigit():
            return self.filter(postal_codes__code__startswith=query).distinct()
        # « Marseille 1 » starts « Marseille 1er » and « Marseille 10e »: both readings.
        return self.filter(
            Q(search_name__startswith=commune_key(query))
            | Q(search_name__startswith=commune_key(query, arrondissement=False))
        )


class Commune(models.Model):
    class Kind(models.TextChoices):
        COMMUNE = "commune-actuelle", _("Commune")
        ARRONDISSEMENT = "arrondissement-municipal", _("Arrondissement municipal")

    insee_code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    search_name = models.CharField(_("nom normalisé"), max_length=100, db_index=True)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="arrondissements"
    )
    departement = models.ForeignKey(Departement, on_delete=models.PROTECT, related_name="communes")
    epci = models.ForeignKey(
        EPCI, on_delete=models.SET_NULL, null=True, blank=True, related_name="communes"
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self) -> str:
        return f"{self.name} ({self.departement_id})"

    def get_absolute_url(self) -> str:
        return reverse("directory:commune", args=[self.insee_code])

    @property
    def postal_code_list(self) -> list[str]:
        return sorted(postal.code for postal in self.postal_codes.all())


class PostalCode(models.Model):
    """One postal code of a commune; a code can serve several communes and the reverse."""

    code = models.CharField(_("code postal"), max_length=5, db_index=True)
    commune = models.ForeignKey(Commune, on_delete=models.CASCADE, related_name="postal_codes")

    class Meta:
        ordering = ["code"]
        verbose_name = _("code postal")
        verbose_name_plural = _("codes postaux")
        constraints = [
            models.UniqueConstraint(fields=["code", "commune"], name="unique_postal_code_commune")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.commune.name}"
