from django.contrib import admin

from maillage.core.models import DatasetLoad


@admin.register(DatasetLoad)
class DatasetLoadAdmin(admin.ModelAdmin):
    list_display = ["name", "row_count", "rejected_count", "loaded_at"]
    readonly_fields = ["name", "checksum", "row_count", "rejected_count", "loaded_at"]
