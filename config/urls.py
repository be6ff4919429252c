from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from maillage.catalogue.api import router as catalogue_router
from maillage.core import health
from maillage.core.api import api
from maillage.directory.api import router as directory_router
from maillage.membership import api as membership_api  # noqa: F401  (adds the write endpoints)
from maillage.opendata.api import router as opendata_router
from maillage.territory.api import router as territory_router

# Before the directory, so that /organisations/export is not read as an organisation id.
api.add_router("/", opendata_router)
api.add_router("/", directory_router)
api.add_router("/territory", territory_router)
api.add_router("/", catalogue_router)

admin.site.site_header = _("Maillage – administration")
admin.site.site_title = _("Maillage")
admin.site.index_title = _("Animation du territoire")

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("csp-report", health.csp_report, name="csp_report"),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("compte/", include("allauth.urls")),
    path("", include("maillage.opendata.urls")),
    path("", include("maillage.membership.urls")),
    path("", include("maillage.catalogue.urls")),
    path("", include("maillage.directory.urls")),
]
