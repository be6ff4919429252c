from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from maillage.catalogue.api import router as catalogue_router
from maillage.core.api import api
from maillage.directory.api import router as directory_router
from maillage.territory.api import router as territory_router

api.add_router("/", directory_router)
api.add_router("/territory", territory_router)
api.add_router("/", catalogue_router)

admin.site.site_header = _("Maillage – administration")
admin.site.site_title = _("Maillage")
admin.site.index_title = _("Animation du territoire")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("compte/", include("allauth.urls")),
    path("", include("maillage.membership.urls")),
    path("", include("maillage.catalogue.urls")),
    path("", include("maillage.directory.urls")),
]
