"""The admin as animators use it: find an organisation fast, fix it, curate the taxonomies."""

from django.contrib import admin
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.directory.models import (
    DailyNeed,
    Establishment,
    Label,
    LegalForm,
    NafCode,
    NafSectorRule,
    Network,
    Organisation,
    OrganisationSector,
    Pole,
    Sector,
    StructureKind,
)
from maillage.directory.search.changes import directory_changed
from maillage.directory.services.profile import refresh_search_text

# Links people type without a scheme are taken as https (Django 6's default).
HTTPS_URLS = {models.URLField: {"assume_scheme": "https"}}


class EstablishmentInline(admin.StackedInline):
    model = Establishment
    extra = 0
    autocomplete_fields = ["commune"]
    fields = [
        ("siret", "is_head_office"),
        "name",
        "address",
        ("postal_code", "commune"),
        ("latitude", "longitude"),
    ]


class OrganisationSectorInline(admin.TabularInline):
    model = OrganisationSector
    extra = 0
    autocomplete_fields = ["sector"]


class IsStaleFilter(admin.SimpleListFilter):
    title = _("fraîcheur")
    parameter_name = "fraicheur"

    def lookups(self, request, model_admin):
        return [("perimee", _("À mettre à jour")), ("valide", _("À jour"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "perimee":
            return queryset.filter(valid_until__lt=today)
        if self.value() == "valide":
            return queryset.filter(valid_until__gte=today)
        return queryset


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "brand",
        "siren",
        "ess_family",
        "kind_codes",
        "valid_until",
        "is_published",
        "updated_at",
    ]
    list_filter = [
        "is_published",
        "kinds",
        "ess_family",
        "is_esus",
        IsStaleFilter,
        "establishments__commune__departement__region",
        "source",
    ]
    search_fields = [
        "name",
        "brand",
        "siren",
        "rna",
        "establishments__siret",
        "establishments__commune__name",
    ]
    list_per_page = 50
    formfield_overrides = HTTPS_URLS
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["naf", "legal_form"]
    filter_horizontal = ["kinds", "poles", "daily_needs", "labels", "networks"]
    readonly_fields = ["created_at", "updated_at", "source", "source_id"]
    inlines = [EstablishmentInline, OrganisationSectorInline]
    date_hierarchy = "updated_at"
    fieldsets = [
        (None, {"fields": ["name", "brand", "slug", "description", "is_published"]}),
        (
            _("Identité juridique"),
            {
                "fields": [
                    "siren",
                    "rna",
                    "legal_form",
                    "ess_family",
                    "kinds",
                    "is_esus",
                    "naf",
                    "size_band",
                ]
            },
        ),
        (_("Contact public"), {"fields": ["website", "email", "phone"]}),
        (_("Classement"), {"fields": ["poles", "daily_needs", "labels", "networks"]}),
        (
            _("Suivi"),
            {"fields": ["valid_until", "source", "source_id", "created_at", "updated_at"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("kinds")

    @admin.display(description=_("types"))
    def kind_codes(self, organisation: Organisation) -> str:
        return ", ".join(kind.code for kind in organisation.kinds.all())

    def delete_model(self, request, obj) -> None:
        pk = obj.pk
        super().delete_model(request, obj)
        directory_changed([pk])

    def delete_queryset(self, request, queryset) -> None:
        pks = list(queryset.values_list("pk", flat=True))
        super().delete_queryset(request, queryset)
        directory_changed(pks)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        transaction.on_commit(lambda: refresh_search_text(form.instance))


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "slug"]
    list_filter = [("parent", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(NafSectorRule)
class NafSectorRuleAdmin(admin.ModelAdmin):
    list_display = ["naf_prefix", "sector", "note"]
    search_fields = ["naf_prefix", "sector__name", "note"]
    autocomplete_fields = ["sector"]


@admin.register(NafCode)
class NafCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "level"]
    list_filter = ["level"]
    search_fields = ["code", "code_compact", "label"]


@admin.register(LegalForm)
class LegalFormAdmin(admin.ModelAdmin):
    list_display = ["code", "label", "level"]
    list_filter = ["level"]
    search_fields = ["code", "label"]


@admin.register(Pole, Label, Network)
class NamedTaxonomyAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(DailyNeed)
class DailyNeedAdmin(admin.ModelAdmin):
    list_display = ["name", "position", "slug"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(StructureKind)
class StructureKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "is_siae", "position"]
    list_editable = ["position"]
