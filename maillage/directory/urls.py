from django.urls import path

from maillage.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.home, name="home"),
    path("annuaire/", views.organisation_list, name="organisation_list"),
    path("carte/", views.directory_map, name="map"),
    path("organisations/<slug:slug>/", views.organisation_detail, name="organisation"),
    path("communes/<str:insee_code>/", views.commune_detail, name="commune"),
    path("departements/<str:code>/", views.departement_detail, name="departement"),
]
