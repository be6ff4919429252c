"""Platform administrators grant roles here; memberships, claims and history are there to look up."""

from django.contrib import admin
from django.utils.translation import gettext as _

from maillage.directory.admin import OrganisationAdmin
from maillage.directory.models import Organisation
from maillage.membership.models import (
    ApiToken,
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
from maillage.membership.services.history import diff, record_change, snapshot
from maillage.membership.services.organisations import PROFILE_FIELDS


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


# The directory's admin, with each change of a profile written to its history: the directory
# knows nothing of membership, so membership extends its admin rather than the reverse.
ADMIN_TRACKED = [
    *PROFILE_FIELDS,
    "slug",
    "is_published",
    "valid_until",
    "naf",
    "legal_form",
    "kinds",
    "poles",
    "labels",
    "networks",
]

admin.site.unregister(Organisation)


@admin.register(Organisation)
class OrganisationWithHistoryAdmin(OrganisationAdmin):
    def save_model(self, request, obj, form, change) -> None:
        before = {}
        if change:
            before = snapshot(Organisation.objects.get(pk=obj.pk), ADMIN_TRACKED)
        # One request saves one organisation: keep its "before" on the request, not on self.
        request.maillage_profile_before = before
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        organisation = form.instance
        before = getattr(request, "maillage_profile_before", {})
        changes = diff(Organisation, before, snapshot(organisation, ADMIN_TRACKED))
        if not changes:
            return
        labels = ", ".join(change["label"] for change in changes)
        record_change(
            organisation=organisation,
            user=request.user,
            source=ChangeRecord.Source.ADMIN,
            subject=ChangeRecord.Subject.ORGANISATION,
            summary=(
                _("Fiche modifiée dans l'administration : %(fields)s")
                if change
                else _("Fiche créée dans l'administration : %(fields)s")
            )
            % {"fields": labels},
            changes=changes,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Listed to revoke a leaked token; the secret itself is never stored."""

    list_display = [
        "name",
        "user",
        "organisation",
        "prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__email", "organisation__name"]
    readonly_fields = ["user", "organisation", "name", "prefix", "last_used_at"]
    fields = [*readonly_fields, "revoked_at"]

    def has_add_permission(self, request) -> bool:
        return False
