from django.contrib import admin

from maillage.catalogue.models import ContactMessage, Deal, Listing, NeedReport, SavedSearch


@admin.register(Listing)
class ListingAdmin(admin.ModelAdmin):
    list_display = ["title", "side", "kind", "organisation", "status", "expires_on", "is_example"]
    list_filter = ["side", "kind", "status", "is_example"]
    search_fields = ["title", "organisation__name"]
    raw_id_fields = ["organisation", "establishment", "created_by"]
    filter_horizontal = ["sectors"]


@admin.register(ContactMessage)
class ContactMessageAdmin(admin.ModelAdmin):
    list_display = ["recipient", "sender_organisation", "delivery", "created_at"]
    list_filter = ["delivery"]
    raw_id_fields = ["sender", "sender_organisation", "recipient", "listing", "about"]


@admin.register(Deal)
class DealAdmin(admin.ModelAdmin):
    list_display = ["supplier", "customer", "amount", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = [
        "supplier",
        "customer",
        "contact",
        "listing",
        "recorded_by",
        "proposed_by",
        "answered_by",
    ]


@admin.register(SavedSearch)
class SavedSearchAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "frequency", "is_active", "last_sent_at"]
    raw_id_fields = ["user"]


@admin.register(NeedReport)
class NeedReportAdmin(admin.ModelAdmin):
    list_display = ["what", "commune", "status", "sector", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["commune", "duplicate_of", "qualified_by", "routed_to"]
