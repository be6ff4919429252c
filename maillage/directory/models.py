"""The directory: organisations of the ESS, their establishments, and the taxonomies that sort them."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.geo import cells_of
from maillage.core.models import TimeStampedModel
from maillage.core.validators import (
    validate_one_line,
    validate_phone,
    validate_rna,
    validate_siren,
    validate_siret,
    validate_text,
    validate_website,
)
from maillage.directory.naming import readable_name
from maillage.directory.querysets import OrganisationQuerySet
from maillage.directory.validation import check_establishment_place
from maillage.territory.models import Commune


def default_valid_until() -> datetime.date:
    """Today plus the validity of a profile (PROFILE_VALIDITY_DAYS, 365 by default)."""
    return timezone.localdate() + datetime.timedelta(days=settings.PROFILE_VALIDITY_DAYS)


class Sector(models.Model):
    """A filière: a tree of two levels (group → sector), editable by animators."""

    name = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(_("identifiant"), max_length=150, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("filière parente"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("filière")
        verbose_name_plural = _("filières")

    def __str__(self) -> str:
        return self.name


class Pole(models.Model):
    """A pôle of a territory: ESS actors who act together on a theme (e.g. « alimentation »)."""

    name = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(_("identifiant"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("pôle")
        verbose_name_plural = _("pôles")

    def __str__(self) -> str:
        return self.name


class DailyNeed(models.Model):
    """A « besoin du quotidien » (se nourrir, se loger…), the citizen's way into the directory."""

    name = models.CharField(_("nom"), max_length=100)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("besoin du quotidien")
        verbose_name_plural = _("besoins du quotidien")

    def __str__(self) -> str:
        return self.name


class LegalForm(models.Model):
    """INSEE catégorie juridique, three levels (1, 2 and 4 digits)."""

    code = models.CharField(_("code"), max_length=4, primary_key=True)
    label = models.CharField(_("libellé"), max_length=250)
    level = models.PositiveSmallIntegerField(_("niveau"))
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("catégorie juridique")
        verbose_name_plural = _("catégories juridiques")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class NafCode(models.Model):
    """NAF rév. 2 activity code, every level from section to sous-classe."""

    code = models.CharField(_("code"), max_length=6, primary_key=True)
    code_compact = models.CharField(_("code sans point"), max_length=5, unique=True)
    label = models.CharField(_("libellé"), max_length=250)
    level = models.CharField(_("niveau"), max_length=12)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("code NAF")
        verbose_name_plural = _("codes NAF")

    def __str__(self) -> str:
        return f"{self.code} {self.label}"


class NafSectorRule(models.Model):
    """Derives sectors from NAF codes: the rules with the longest matching prefix apply."""

    naf_prefix = models.CharField(_("préfixe NAF (sans point)"), max_length=5, db_index=True)
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE, related_name="naf_rules")
    note = models.CharField(_("justification"), max_length=250, blank=True)

    class Meta:
        ordering = ["naf_prefix"]
        verbose_name = _("règle NAF → filière")
        verbose_name_plural = _("règles NAF → filière")
        constraints = [
            models.UniqueConstraint(fields=["naf_prefix", "sector"], name="unique_naf_rule")
        ]

    def __str__(self) -> str:
        return f"{self.naf_prefix} → {self.sector}"


class Label(models.Model):
    name = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(_("identifiant"), max_length=150, unique=True)
    website = models.URLField(_("site web"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("label")
        verbose_name_plural = _("labels")

    def __str__(self) -> str:
        return self.name


class Network(models.Model):
    name = models.CharField(_("nom"), max_length=150)
    slug = models.SlugField(_("identifiant"), max_length=150, unique=True)
    website = models.URLField(_("site web"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("réseau")
        verbose_name_plural = _("réseaux")

    def __str__(self) -> str:
        return self.name


class StructureKind(models.Model):
    """An agreement or status a structure holds: SIAE kinds (EI, ETTI, ACI, AI, EITI), EA, ESAT, GEIQ.

    A table rather than one field, because a structure can hold several (an ACI and an AI).
    """

    code = models.CharField(_("code"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=150)
    is_siae = models.BooleanField(_("structure d'insertion (SIAE)"), default=False)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("type de structure")
        verbose_name_plural = _("types de structure")

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"


class EssFamily(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    COOPERATIVE = "cooperative", _("Coopérative")
    MUTUELLE = "mutuelle", _("Mutuelle")
    FONDATION = "fondation", _("Fondation")
    COMPANY = "societe_ess", _("Société commerciale de l'ESS")


class SizeBand(models.TextChoices):
    """INSEE « tranche d'effectif salarié » codes, grouped as people read them."""

    NONE = "00", _("0 salarié")
    FROM_1 = "01", _("1 à 2 salariés")
    FROM_3 = "02", _("3 à 5 salariés")
    FROM_6 = "03", _("6 à 9 salariés")
    FROM_10 = "11", _("10 à 19 salariés")
    FROM_20 = "12", _("20 à 49 salariés")
    FROM_50 = "21", _("50 à 99 salariés")
    FROM_100 = "22", _("100 à 199 salariés")
    FROM_200 = "31", _("200 à 249 salariés")
    FROM_250 = "32", _("250 à 499 salariés")
    FROM_500 = "41", _("500 salariés ou plus")


class Organisation(TimeStampedModel):
    name = models.CharField(
        _("raison sociale"),
        max_length=255,
        validators=[validate_one_line],
        error_messages={"blank": _("Ce champ est obligatoire.")},  # the forms' word, for the API
    )
    brand = models.CharField(
        _("nom d'usage"), max_length=255, blank=True, validators=[validate_one_line]
    )
    slug = models.SlugField(_("identifiant d'URL"), max_length=255, unique=True)
    siren = models.CharField(
        _("SIREN"), max_length=9, blank=True, db_index=True, validators=[validate_siren]
    )
    rna = models.CharField(
        _("numéro RNA"),
        max_length=10,
        blank=True,
        db_index=True,
        validators=[validate_rna],
        help_text=_("Pour les associations : W suivi de 9 chiffres."),
    )
    legal_form = models.ForeignKey(
        LegalForm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("catégorie juridique"),
    )
    ess_family = models.CharField(
        _("famille de l'ESS"), max_length=20, choices=EssFamily.choices, blank=True, db_index=True
    )
    kinds = models.ManyToManyField(
        StructureKind, blank=True, related_name="organisations", verbose_name=_("types")
    )
    is_esus = models.BooleanField(_("agrément ESUS"), default=False, db_index=True)
    naf = models.ForeignKey(
        NafCode, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("code NAF")
    )
    description = models.TextField(_("présentation"), blank=True, validators=[validate_text])
    website = models.URLField(
        _("site web"), max_length=300, blank=True, validators=[validate_website]
    )
    email = models.EmailField(_("e-mail public"), blank=True)
    phone = models.CharField(
        _("téléphone public"), max_length=30, blank=True, validators=[validate_phone]
    )
    size_band = models.CharField(_("effectif"), max_length=2, choices=SizeBand.choices, blank=True)
    sectors = models.ManyToManyField(
        Sector,
        through="OrganisationSector",
        blank=True,
        related_name="organisations",
        verbose_name=_("filières"),
    )
    poles = models.ManyToManyField(
        Pole, blank=True, related_name="organisations", verbose_name=_("pôles")
    )
    daily_needs = models.ManyToManyField(
        DailyNeed, blank=True, related_name="organisations", verbose_name=_("besoins du quotidien")
    )
    labels = models.ManyToManyField(
        Label, blank=True, related_name="organisations", verbose_name=_("labels")
    )
    networks = models.ManyToManyField(
        Network, blank=True, related_name="organisations", verbose_name=_("réseaux")
    )
    valid_until = models.DateField(
        _("valide jusqu'au"),
        default=default_valid_until,
        db_index=True,
        help_text=_("Après cette date, la fiche est signalée comme à mettre à jour."),
    )
    is_published = models.BooleanField(_("publiée"), default=True, db_index=True)
    source = models.CharField(_("source"), max_length=50, blank=True)
    source_id = models.CharField(_("identifiant dans la source"), max_length=100, blank=True)
    # Folded (no accents, lower case) copies for search: the name ranks above the rest.
    search_name = models.CharField(
        _("nom pour la recherche"), max_length=520, blank=True, editable=False
    )
    search_text = models.TextField(_("texte de recherche"), blank=True, editable=False)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        indexes = [
            models.Index(fields=["source", "source_id"], name="organisation_source_idx"),
            # The home page's latest changes: without it, a sort of the whole table (1.5 s at 1M).
            models.Index(fields=["updated_at", "id"], name="organisation_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("directory:organisation", args=[self.slug])

    @property
    def display_name(self) -> str:
        """The brand, or the legal name title-cased when the register wrote it in capitals."""
        return readable_name(self.brand or self.name)

    @property
    def is_stale(self) -> bool:
        return self.valid_until < timezone.localdate()

    def clean(self) -> None:
        if self.rna and self.ess_family and self.ess_family != EssFamily.ASSOCIATION:
            raise ValidationError({"rna": _("Seules les associations ont un numéro RNA.")})


class OrganisationSector(models.Model):
    """Links an organisation to a sector, remembering whether the link was derived from its NAF code."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE)
    sector = models.ForeignKey(Sector, on_delete=models.CASCADE)
    is_derived = models.BooleanField(_("déduite du code NAF"), default=False)

    class Meta:
        verbose_name = _("filière de l'organisation")
        verbose_name_plural = _("filières de l'organisation")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "sector"], name="unique_org_sector")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.sector_id}"


class Establishment(TimeStampedModel):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="establishments"
    )
    name = models.CharField(
        _("nom de l'établissement"), max_length=255, blank=True, validators=[validate_one_line]
    )
    siret = models.CharField(
        _("SIRET"), max_length=14, unique=True, null=True, blank=True, validators=[validate_siret]
    )
    address = models.CharField(
        _("adresse"), max_length=255, blank=True, validators=[validate_one_line]
    )
    postal_code = models.CharField(_("code postal"), max_length=5)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        related_name="establishments",
        verbose_name=_("commune"),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    is_head_office = models.BooleanField(_("siège"), default=False)
    # An import or the demo placed it at its commune's centre (the source gave no point, or a
    # point far from the commune): on the map and in radius searches, said to be approximate.
    is_approximate_location = models.BooleanField(
        _("position approximative (centre de la commune)"), default=False
    )
    # H3 cells of the point at three resolutions (edges of about 69, 10 and 1.4 km): map
    # clusters group by them and radius searches prefilter on them.
    h3_r3 = models.BigIntegerField(null=True, blank=True, editable=False, db_index=True)
    h3_r5 = models.BigIntegerField(null=True, blank=True, editable=False, db_index=True)
    h3_r7 = models.BigIntegerField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        ordering = ["-is_head_office", "commune__name"]
        verbose_name = _("établissement")
        verbose_name_plural = _("établissements")
        indexes = [models.Index(fields=["latitude", "longitude"], name="establishment_point_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(is_head_office=True),
                name="one_head_office_per_organisation",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True, longitude__isnull=True)
                | models.Q(latitude__isnull=False, longitude__isnull=False),
                name="establishment_point_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.commune.name if self.commune_id else ''}"

    def clean(self) -> None:
        check_establishment_place(self)

    @property
    def has_point(self) -> bool:
        return self.latitude is not None and self.longitude is not None

    def set_cells(self) -> None:
        """Derive the H3 cells from the point; bulk writers call it, save() does too."""
        cells = cells_of(self.latitude, self.longitude) if self.has_point else (None, None, None)
        self.h3_r3, self.h3_r5, self.h3_r7 = cells

    def save(self, *args, **kwargs) -> None:
        self.set_cells()
        super().save(*args, **kwargs)


class MapCell(models.Model):
    """Published establishments counted per H3 cell, so the unfiltered map needs no GROUP BY.

    Rebuilt as a whole from the establishments (search/clusters.py); derived data only.
    """

    resolution = models.PositiveSmallIntegerField()
    cell = models.BigIntegerField()
    count = models.PositiveIntegerField()
    latitude = models.FloatField()
    longitude = models.FloatField()
    organisation_id = models.BigIntegerField(
        help_text="One of the organisations, shown when count is 1."
    )

    class Meta:
        verbose_name = _("cellule de carte")
        verbose_name_plural = _("cellules de carte")
        indexes = [
            models.Index(fields=["resolution", "latitude", "longitude"], name="mapcell_view_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["resolution", "cell"], name="unique_map_cell")
        ]

    def __str__(self) -> str:
        return f"r{self.resolution} {self.cell:x}: {self.count}"


class SearchChange(models.Model):
    """An organisation whose searchable data changed: each worker's in-memory index reads the
    organisations changed since it was built and asks the database about those only, instead
    of rebuilding itself at every write (search/memory.py). No organisation: a bulk change,
    too large to list, after which the indexes are rebuilt."""

    # No foreign key: a deleted organisation must still be known as changed.
    organisation_id = models.BigIntegerField(null=True)
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("modification indexée")
        verbose_name_plural = _("modifications indexées")

    def __str__(self) -> str:
        return f"{self.organisation_id or '*'} @ {self.changed_at:%Y-%m-%d %H:%M:%S}"


class SharedVersion(models.Model):
    """A version counter every process reads, for settings without a shared cache (a development
    server next to a `manage.py` import): see search/cache.py and DIRECTORY_VERSION_STORE."""

    key = models.CharField(max_length=100, primary_key=True)
    value = models.BigIntegerField()

    class Meta:
        verbose_name = _("version partagée")
        verbose_name_plural = _("versions partagées")

    def __str__(self) -> str:
        return f"{self.key} = {self.value}"
