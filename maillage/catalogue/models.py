"""The catalogue: offers and needs of organisations, contacts and deals, saved searches, needs reports."""

import datetime
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TimeStampedModel
from maillage.core.validators import validate_one_line, validate_text
from maillage.directory.models import Establishment, Label, Organisation, Sector
from maillage.territory.models import EPCI, Commune, Departement

# An offer or a need stays open this long unless its author says otherwise.
DEFAULT_VALIDITY_DAYS = 90
MAX_RADIUS_KM = 1000
RADIUS_VALIDATORS = [
    MinValueValidator(1, _("Le rayon doit être d'au moins 1 km.")),
    MaxValueValidator(MAX_RADIUS_KM, _("Le rayon ne peut pas dépasser %(limit_value)s km.")),
]


def default_expiry() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=DEFAULT_VALIDITY_DAYS)


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Side(models.TextChoices):
    OFFER = "offer", _("Offre")
    NEED = "need", _("Besoin")


class Kind(models.TextChoices):
    PRODUCT = "product", _("Produit")
    SERVICE = "service", _("Service")
    SKILL = "skill", _("Compétence")
    EQUIPMENT = "equipment", _("Prêt de matériel")
    PREMISES = "premises", _("Locaux")
    VOLUNTEER = "volunteer", _("Temps bénévole")
    OTHER = "other", _("Autre")


class ExchangeMode(models.TextChoices):
    PRICED = "priced", _("Payant")
    FREE = "free", _("Gratuit")
    BARTER = "barter", _("Échange / troc")
    TIME_BANK = "time_bank", _("Heures de banque de temps")


class Recurrence(models.TextChoices):
    ONCE = "once", _("Ponctuel")
    WEEKLY = "weekly", _("Chaque semaine")
    MONTHLY = "monthly", _("Chaque mois")
    YEARLY = "yearly", _("Chaque année")


class Status(models.TextChoices):
    OPEN = "open", _("Ouverte")
    FULFILLED = "fulfilled", _("Pourvue")
    EXPIRED = "expired", _("Expirée")
    WITHDRAWN = "withdrawn", _("Retirée")


class ReservedMarket(models.TextChoices):
    """Reservations of the public procurement code a need may ask for (articles L2113-12 and -13)."""

    NONE = "", _("Pas de réservation")
    DISABILITY = "ea_esat", _("Entreprises adaptées et ESAT (L2113-12)")
    INSERTION = "siae", _("Structures d'insertion, SIAE (L2113-13)")
    INCLUSIVE = "inclusive", _("L'une ou l'autre (EA, ESAT ou SIAE)")


class ListingQuerySet(models.QuerySet):
    def offers(self) -> "ListingQuerySet":
        return self.filter(side=Side.OFFER)

    def needs(self) -> "ListingQuerySet":
        return self.filter(side=Side.NEED)

    def open(self) -> "ListingQuerySet":
        """Open and not past their expiry date, even before the nightly task marks them expired."""
        return self.filter(status=Status.OPEN, expires_on__gte=timezone.localdate())

    def search(self, query: str) -> "ListingQuerySet":
        from maillage.catalogue.search import matching

        return matching(self, query)


class Listing(TimeStampedModel):
    """An offer or a need of one organisation, located at one of its establishments."""

    side = models.CharField(_("offre ou besoin"), max_length=5, choices=Side.choices)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="listings",
        verbose_name=_("organisation"),
    )
    establishment = models.ForeignKey(
        Establishment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="listings",
        verbose_name=_("établissement"),
    )
    title = models.CharField(_("titre"), max_length=150, validators=[validate_one_line])
    description = models.TextField(_("description"), max_length=5000, validators=[validate_text])
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    exchange_mode = models.CharField(
        _("mode d'échange"), max_length=10, choices=ExchangeMode.choices
    )
    price = models.DecimalField(
        _("prix (€)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"), _("Le prix ne peut pas être négatif."))],
    )
    price_on_quote = models.BooleanField(_("sur devis"), default=False)
    sectors = models.ManyToManyField(Sector, related_name="listings", verbose_name=_("filières"))
    cpv_code = models.CharField(
        _("code CPV"),
        max_length=10,
        blank=True,
        validators=[
            RegexValidator(
                r"^\d{8}(-\d)?$",
                _(
                    "Un code CPV s'écrit avec 8 chiffres, éventuellement suivis d'un tiret et d'un chiffre de contrôle (45000000-7)."
                ),
            )
        ],
    )
    quantity = models.DecimalField(
        _("quantité ou capacité"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[
            MinValueValidator(Decimal("0.01"), _("La quantité doit être un nombre positif."))
        ],
    )
    unit = models.CharField(_("unité"), max_length=40, blank=True, validators=[validate_one_line])
    available_from = models.DateField(_("disponible à partir du"), null=True, blank=True)
    available_until = models.DateField(_("jusqu'au"), null=True, blank=True)
    recurrence = models.CharField(
        _("récurrence"), max_length=10, choices=Recurrence.choices, default=Recurrence.ONCE
    )
    radius_km = models.PositiveIntegerField(
        _("rayon desservi (km)"),
        null=True,
        blank=True,
        validators=RADIUS_VALIDATORS,
    )
    area_communes = models.ManyToManyField(
        Commune, blank=True, related_name="+", verbose_name=_("communes desservies")
    )
    area_epcis = models.ManyToManyField(
        EPCI, blank=True, related_name="+", verbose_name=_("EPCI desservis")
    )
    area_departements = models.ManyToManyField(
        Departement, blank=True, related_name="+", verbose_name=_("départements desservis")
    )
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.OPEN)
    expires_on = models.DateField(_("expire le"), default=default_expiry)
    expiry_reminded_on = models.DateField(_("rappel d'expiration envoyé le"), null=True, blank=True)
    reserved_market = models.CharField(
        _("marché réservé"), max_length=10, choices=ReservedMarket.choices, blank=True
    )
    preferred_labels = models.ManyToManyField(
        Label, blank=True, related_name="+", verbose_name=_("labels appréciés")
    )
    preferred_families = models.JSONField(
        _("familles de l'ESS appréciées"), default=list, blank=True
    )
    is_example = models.BooleanField(_("exemple de démonstration"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publiée par"),
    )
    # Where the listing stands, copied from its establishment when saved: matching prefilters on
    # these columns (H3 cells, box, territory) without joins.
    latitude = models.FloatField(null=True, blank=True, editable=False)
    longitude = models.FloatField(null=True, blank=True, editable=False)
    h3_r5 = models.BigIntegerField(null=True, blank=True, editable=False)
    h3_r7 = models.BigIntegerField(null=True, blank=True, editable=False)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    epci = models.ForeignKey(
        EPCI, on_delete=models.SET_NULL, null=True, blank=True, editable=False, related_name="+"
    )
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    has_area_list = models.BooleanField(default=False, editable=False)
    search_text = models.TextField(blank=True, editable=False)

    objects = ListingQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("offre ou besoin")
        verbose_name_plural = _("offres et besoins")
        indexes = [
            models.Index(fields=["side", "status", "expires_on"], name="listing_open_idx"),
            models.Index(fields=["h3_r5"], name="listing_h3_r5_idx"),
            models.Index(fields=["h3_r7"], name="listing_h3_r7_idx"),
            models.Index(fields=["latitude", "longitude"], name="listing_point_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("catalogue:listing", args=[self.pk])

    @property
    def is_offer(self) -> bool:
        return self.side == Side.OFFER

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN and self.expires_on >= timezone.localdate()

    @property
    def price_display(self) -> str:
        if self.exchange_mode != ExchangeMode.PRICED:
            return str(self.get_exchange_mode_display())
        if self.price_on_quote:
            return str(_("Sur devis"))
        if self.price is None:
            return str(self.get_exchange_mode_display())
        return f"{self.price:.2f} €".replace(".", ",")

    def clean(self) -> None:
        errors: dict[str, list] = {}
        if (
            self.available_from
            and self.available_until
            and self.available_until < self.available_from
        ):
            errors["available_until"] = [
                _("La fin de la disponibilité doit suivre son début (%(start)s).")
                % {"start": self.available_from.strftime("%d/%m/%Y")}
            ]
        if self.exchange_mode == ExchangeMode.PRICED:
            # A need may leave its budget open; an offer says its price.
            if self.side == Side.OFFER and self.price is None and not self.price_on_quote:
                errors["price"] = [_("Indiquez un prix, ou cochez « sur devis ».")]
        elif self.price is not None or self.price_on_quote:
            errors["price"] = [_("Un prix n'a de sens que pour un échange payant.")]
        if self.quantity is not None and not self.unit:
            errors["unit"] = [_("Précisez l'unité de la quantité (repas, m², heures…).")]
        if errors:
            raise ValidationError(errors)


class ContactMessage(TimeStampedModel):
    """A message from a signed-in person to an organisation, about one of its listings or a match.

    The sender's address goes to the organisation by e-mail only (Reply-To); pages never show it.
    An organisation nobody can be written to (no member, no public address) gets its messages
    through its territory's animators, who may forward them; the message stays here for the
    organisation to read once someone claims or joins it.
    """

    class Delivery(models.TextChoices):
        ORGANISATION = "organisation", _("Envoyé à l'organisation")
        ANIMATION = "animation", _("Confié à l'animation du territoire")

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="catalogue_contacts",
        verbose_name=_("expéditeur"),
    )
    sender_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts_sent",
        verbose_name=_("au nom de"),
    )
    recipient = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contacts_received",
        verbose_name=_("organisation contactée"),
    )
    listing = models.ForeignKey(
        Listing,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("à propos de"),
    )
    about = models.ForeignKey(
        Listing,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contacts_from_matches",
        verbose_name=_("au sujet de"),
    )
    message = models.TextField(_("message"), max_length=5000)
    delivery = models.CharField(
        _("acheminement"),
        max_length=12,
        choices=Delivery.choices,
        default=Delivery.ORGANISATION,
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("prise de contact")
        verbose_name_plural = _("prises de contact")

    def __str__(self) -> str:
        return f"→ {self.recipient} ({self.created_at:%d/%m/%Y})"

    def get_absolute_url(self) -> str:
        return reverse("catalogue:contact", args=[self.pk])


class DealQuerySet(models.QuerySet):
    def confirmed(self) -> "DealQuerySet":
        """Only these are public and counted: the other side said yes, and nobody withdrew."""
        return self.filter(status=Deal.Status.CONFIRMED)


class Deal(TimeStampedModel):
    """« Nous avons travaillé ensemble »: a cooperation link between two organisations (C4).

    The supplier is the side that offered; amounts are optional and feed the observatory's share
    of purchases made inside the ESS. One side proposes it (`proposed_by`); it stays pending,
    hidden and uncounted, until an administrator of the other side confirms it, since a link
    shown on someone's public profile must not be one party's word. Either side may withdraw it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente de confirmation")
        CONFIRMED = "confirmed", _("confirmée")
        DECLINED = "declined", _("refusée")
        WITHDRAWN = "withdrawn", _("retirée")

    supplier = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="deals_as_supplier",
        verbose_name=_("fournisseur"),
    )
    customer = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="deals_as_customer",
        verbose_name=_("client"),
    )
    contact = models.OneToOneField(
        ContactMessage,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deal",
        verbose_name=_("prise de contact"),
    )
    listing = models.ForeignKey(
        Listing, on_delete=models.SET_NULL, null=True, blank=True, related_name="deals"
    )
    amount = models.DecimalField(
        _("montant (€ HT)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"), _("Le montant ne peut pas être négatif."))],
    )
    note = models.CharField(
        _("en quelques mots"), max_length=300, blank=True, validators=[validate_one_line]
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_by = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("proposée par"),
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("réponse le"), null=True, blank=True)

    objects = DealQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("coopération")
        verbose_name_plural = _("coopérations")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(supplier=models.F("customer")), name="deal_between_two"
            )
        ]

    def __str__(self) -> str:
        return f"{self.supplier} → {self.customer}"

    @property
    def other_side(self) -> Organisation:
        """The organisation whose administrators confirm: the one that did not propose it."""
        return self.customer if self.proposed_by_id == self.supplier_id else self.supplier


class SavedSearch(TimeStampedModel):
    """Criteria whose new offers or needs a person receives by e-mail digest and by Atom feed (B3)."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Chaque jour")
        WEEKLY = "weekly", _("Chaque semaine")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(_("nom de l'alerte"), max_length=100, validators=[validate_one_line])
    query = models.CharField(_("mots-clés"), max_length=200, blank=True)
    side = models.CharField(_("offres ou besoins"), max_length=5, choices=Side.choices, blank=True)
    kinds = models.JSONField(_("types"), default=list, blank=True)
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="+", verbose_name=_("filières")
    )
    departement = models.ForeignKey(
        Departement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("département"),
    )
    near = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("près de"),
    )
    radius_km = models.PositiveIntegerField(
        _("rayon (km)"),
        null=True,
        blank=True,
        validators=RADIUS_VALIDATORS,
    )
    frequency = models.CharField(
        _("fréquence"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_sent_at = models.DateTimeField(_("dernier envoi"), null=True, blank=True)
    feed_token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)

    DEFAULT_RADIUS_KM = 30

    class Meta:
        ordering = ["name"]
        verbose_name = _("alerte")
        verbose_name_plural = _("alertes")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.radius_km and not self.near_id:
            raise ValidationError(
                {"near": _("Indiquez la commune autour de laquelle compter ce rayon.")}
            )
        if self.near_id and not self.radius_km:
            self.radius_km = self.DEFAULT_RADIUS_KM

    @property
    def area_text(self) -> str:
        """« à 30 km de Poitiers », « Vienne », or nothing: the area in words."""
        if self.near_id:
            return _("à %(radius)s km de %(commune)s") % {
                "radius": self.radius_km,
                "commune": self.near.name,
            }
        return str(self.departement) if self.departement_id else ""


class NeedReport(TimeStampedModel):
    """« Remontée des besoins » (B4): an unmet need of the territory, reported by anyone."""

    class ReporterKind(models.TextChoices):
        CITIZEN = "citizen", _("Habitant ou habitante")
        ORGANISATION = "organisation", _("Organisation")
        AUTHORITY = "authority", _("Collectivité locale")

    class Frequency(models.TextChoices):
        ONCE = "once", _("Ponctuel")
        OFTEN = "often", _("Régulier (chaque semaine ou chaque mois)")
        ALWAYS = "always", _("Permanent")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Reçue")
        QUALIFIED = "qualified", _("Qualifiée")
        ROUTED = "routed", _("Transmise à des organisations")
        ANSWERED = "answered", _("Une réponse existe")
        DUPLICATE = "duplicate", _("Doublon")
        REJECTED = "rejected", _("Non retenue")

    what = models.TextField(_("le besoin"), max_length=3000)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune")
    )
    for_whom = models.CharField(_("pour qui"), max_length=200)
    frequency = models.CharField(_("fréquence"), max_length=10, choices=Frequency.choices)
    reporter_kind = models.CharField(_("vous êtes"), max_length=15, choices=ReporterKind.choices)
    reporter_name = models.CharField(
        _("votre nom ou celui de la structure"), max_length=150, blank=True
    )
    reporter_email = models.EmailField(_("votre e-mail (facultatif)"), blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    sector = models.ForeignKey(
        Sector,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filière"),
    )
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        verbose_name=_("doublon de"),
    )
    public_note = models.TextField(_("message à la personne qui a signalé"), blank=True)
    qualified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    qualified_at = models.DateTimeField(null=True, blank=True)
    routed_to = models.ManyToManyField(
        Organisation, blank=True, related_name="need_reports", verbose_name=_("transmise à")
    )
    follow_token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("besoin signalé")
        verbose_name_plural = _("besoins signalés")

    def __str__(self) -> str:
        return f"{self.what[:60]} ({self.commune.name})"

    def get_follow_url(self) -> str:
        return reverse("catalogue:report_follow", args=[self.follow_token])

    def clean(self) -> None:
        if self.duplicate_of_id and self.duplicate_of_id == self.pk:
            raise ValidationError(
                {"duplicate_of": _("Un signalement ne peut pas être son propre doublon.")}
            )
