"""Platform administrators grant roles here; memberships, claims and history are there to look up."""

from django.contrib import admin

from maillage.membership.models import ChangeRecord, Claim, Membership, PlatformRole


@admin.register(PlatformRole)
class PlatformRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "region", "departement", "epci", "created_at"]
    list_filter = ["kind"]
    search_fields = ["user__email"]
    autocomplete_fields = ["user", "epci"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "organisation__name"]
    autocomplete_fields = ["user", "organisation"]


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "status", "is_automatic", "created_at", "decided_at"]
    list_filter = ["status", "is_automatic"]
    search_fields = ["user__email", "organisation__name"]
    raw_id_fields = ["user", "organisation", "decided_by"]


@admin.register(ChangeRecord)
class ChangeRecordAdmin(admin.ModelAdmin):
    """The history is written by the services only."""

    list_display = ["organisation", "summary", "user", "source", "created_at"]
    list_filter = ["source", "subject"]
    search_fields = ["organisation__name", "summary"]
    raw_id_fields = ["organisation", "user"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
