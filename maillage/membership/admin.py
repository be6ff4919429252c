"""Platform administrators grant roles here; memberships, claims and history are there to look up."""

from django.contrib import admin

from maillage.membership.models import (
    Application,
    ChangeRecord,
    Charter,
    CharterCriterion,
    CharterSignature,
    Claim,
    College,
    Membership,
    PlatformRole,
)


class CharterCriterionInline(admin.TabularInline):
    model = CharterCriterion
    extra = 1


@admin.register(Charter)
class CharterAdmin(admin.ModelAdmin):
    """A new version of the charter is a new row: signatures stay tied to the version signed."""

    list_display = ["title", "version", "published_at"]
    inlines = [CharterCriterionInline]


@admin.register(CharterSignature)
class CharterSignatureAdmin(admin.ModelAdmin):
    list_display = ["organisation", "charter", "signed_by", "signed_at"]
    list_filter = ["charter"]
    search_fields = ["organisation__name"]
    raw_id_fields = ["organisation", "signed_by"]


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


@admin.register(College)
class CollegeAdmin(admin.ModelAdmin):
    list_display = ["name", "quorum", "is_required", "position"]
    filter_horizontal = ["reviewers"]


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    """Read here; applications move through the member space, where the rules are applied."""

    list_display = ["organisation", "status", "round", "submitted_at", "decided_at"]
    list_filter = ["status"]
    search_fields = ["organisation__name"]
    raw_id_fields = ["organisation", "submitted_by"]
    readonly_fields = ["status", "round", "decided_at", "explanation", "college_count"]
