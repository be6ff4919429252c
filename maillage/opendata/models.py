"""Open data in and out: import runs with their reports, and where each organisation came from."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TimeStampedModel
from maillage.directory.models import Organisation


class ImportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    XLSX = "xlsx", _("Classeur XLSX")
    SIRENE = "sirene", _("Stock SIRENE de l'INSEE")
    GOGOCARTO = "gogocarto", _("Export JSON GoGoCarto / Transiscope")
    LEMARCHE = "lemarche", _("Liste des SIAE du Marché de l'inclusion")


class ImportRun(TimeStampedModel):
    """One import of one file; updated after every batch so that a page can show its progress."""

    class Status(models.TextChoices):
        PENDING = "pending", _("À vérifier avant lancement")
        QUEUED = "queued", _("En attente de lancement")
        RUNNING = "running", _("En cours")
        DONE = "done", _("Terminé")
        REFUSED = "refused", _("Fichier refusé")
        FAILED = "failed", _("Échec")

    file_name = models.CharField(_("fichier"), max_length=255)
    # Where the uploaded file sits in the default storage; empty for the command-line runs.
    stored_file = models.CharField(_("fichier stocké"), max_length=255, blank=True)
    format = models.CharField(_("format"), max_length=10, choices=ImportFormat.choices)
    source = models.CharField(_("source"), max_length=50)
    mapping = models.JSONField(_("correspondance des colonnes"), default=dict, blank=True)
    is_dry_run = models.BooleanField(_("essai à blanc"), default=False)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_runs",
        verbose_name=_("lancé par"),
    )
    total_rows = models.PositiveIntegerField(_("lignes à lire"), null=True, blank=True)
    rows_read = models.PositiveIntegerField(_("lignes lues"), default=0)
    # The last line whose batch is committed: a rerun of the same run resumes after it.
    checkpoint_line = models.PositiveIntegerField(_("dernière ligne enregistrée"), default=0)
    created_count = models.PositiveIntegerField(_("créées"), default=0)
    updated_count = models.PositiveIntegerField(_("mises à jour"), default=0)
    unchanged_count = models.PositiveIntegerField(_("inchangées"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejetées"), default=0)
    duplicate_count = models.PositiveIntegerField(_("doublons possibles"), default=0)
    approximate_count = models.PositiveIntegerField(
        _("placées au centre de leur commune"), default=0
    )
    review_count = models.PositiveIntegerField(_("valeurs à arbitrer"), default=0)
    message = models.TextField(_("message"), blank=True)
    # The first rows and the guessed mapping, read once by the isolated reader (never by the
    # page itself): headers, mapping, rows, detail, notices.
    preview = models.JSONField(_("aperçu"), null=True, blank=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.REFUSED, self.Status.FAILED)

    @property
    def counts_text(self) -> str:
        """The counts so far, in the report's words and plurals (the progress fragment)."""
        from maillage.opendata.services.imports import summary  # the services import the models

        return summary(self, final=self.is_finished)

    @property
    def percent(self) -> int:
        if self.is_finished:
            return 100
        if not self.total_rows:
            return 0
        return min(99, self.rows_read * 100 // self.total_rows)


class ImportProblem(models.Model):
    """A rejected row, a dropped optional value, or a possible duplicate to review."""

    class Kind(models.TextChoices):
        REJECTED = "rejected", _("Ligne rejetée")
        WARNING = "warning", _("Valeur ignorée")
        DUPLICATE = "duplicate", _("Doublon possible à vérifier")
        IDENTITY = "identity", _("SIREN différent : non fusionnée")
        TERRITORY = "territory", _("Hors de votre territoire : non écrite")
        REVIEW = "review", _("Modifié par un membre : à arbitrer")
        APPROXIMATE = "approx", _("Position approximative")

    # Lines of these kinds are not written (the others are written, some values aside).
    NOT_WRITTEN = (Kind.REJECTED, Kind.IDENTITY, Kind.TERRITORY)

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="problems")
    kind = models.CharField(_("nature"), max_length=10, choices=Kind.choices)
    line = models.PositiveIntegerField(_("ligne"))
    field = models.CharField(_("champ"), max_length=100, blank=True)
    value = models.TextField(_("valeur"), blank=True)
    reason = models.TextField(_("motif"))

    class Meta:
        ordering = ["line", "pk"]
        verbose_name = _("problème d'import")
        verbose_name_plural = _("problèmes d'import")

    def __str__(self) -> str:
        return f"ligne {self.line} · {self.field_label} · {self.reason}"

    @property
    def field_label(self) -> str:
        """The report names fields in French words (« code postal »), never by their key."""
        from maillage.opendata.services.checks import field_label  # checks import the models

        return field_label(self.field) if self.field else ""


class SourceRecord(models.Model):
    """An organisation as a source last described it: the key of idempotent re-imports.

    The checksum of the values lets a re-import of the same row skip the comparison; the
    values and dates say, field by field, what the source said and when it last changed it.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="source_records"
    )
    source = models.CharField(_("source"), max_length=50)
    source_id = models.CharField(_("identifiant dans la source"), max_length=100)
    checksum = models.CharField(_("empreinte des valeurs"), max_length=32)
    values = models.JSONField(_("dernières valeurs"), default=dict)
    changed_at = models.JSONField(_("date de la dernière modification par champ"), default=dict)
    last_seen_at = models.DateTimeField(_("vue pour la dernière fois le"))
    last_run = models.ForeignKey(
        ImportRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("provenance")
        verbose_name_plural = _("provenances")
        constraints = [
            models.UniqueConstraint(fields=["source", "source_id"], name="unique_source_record")
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.source_id} → {self.organisation_id}"


class FieldReview(models.Model):
    """A value an import brought for a field a member edited since: kept until an animator
    chooses « garder » (the member's value) or « prendre la valeur importée » (docs/opendata.md)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("À arbitrer")
        KEPT = "kept", _("Valeur du membre gardée")
        TAKEN = "taken", _("Valeur importée prise")

    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="reviews")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="import_reviews"
    )
    establishment_id = models.PositiveIntegerField(null=True, blank=True)
    field = models.CharField(_("champ"), max_length=50)
    label = models.CharField(_("libellé"), max_length=100)
    current_value = models.TextField(_("valeur du membre"), blank=True)
    imported_value = models.TextField(_("valeur importée"))
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("arbitré le"), null=True, blank=True)

    class Meta:
        ordering = ["organisation__name", "field", "pk"]
        verbose_name = _("valeur importée à arbitrer")
        verbose_name_plural = _("valeurs importées à arbitrer")

    def __str__(self) -> str:
        return f"{self.organisation} · {self.label} · {self.get_status_display()}"
