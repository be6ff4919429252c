from django.contrib import admin

from maillage.territory.models import EPCI, Commune, Departement, PostalCode, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "zone"]
    list_filter = ["zone"]
    search_fields = ["code", "name"]


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region", "zone"]
    list_filter = ["zone", "region"]
    search_fields = ["code", "name"]


@admin.register(EPCI)
class EPCIAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "population"]
    list_filter = ["kind"]
    search_fields = ["code", "name"]


class PostalCodeInline(admin.TabularInline):
    model = PostalCode
    extra = 0


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["insee_code", "name", "departement", "epci", "population"]
    list_filter = ["kind", "departement__region"]
    search_fields = ["insee_code", "name", "postal_codes__code"]
    list_select_related = ["departement", "epci"]
    raw_id_fields = ["parent", "epci"]
    readonly_fields = ["search_name"]
    inlines = [PostalCodeInline]
