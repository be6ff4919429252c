from django.urls import path

from maillage.opendata import views

app_name = "opendata"

urlpatterns = [
    path("animation/imports/", views.import_list, name="import_list"),
    path("animation/imports/<int:pk>/", views.import_detail, name="import_detail"),
    path("animation/imports/<int:pk>/lancer/", views.import_start, name="import_start"),
    path("animation/imports/<int:pk>/executer/", views.import_execute, name="import_execute"),
    path("animation/imports/<int:pk>/etat/", views.import_status, name="import_status"),
    path("animation/imports/<int:pk>/arbitrages/", views.import_reviews, name="import_reviews"),
    path("animation/imports/<int:pk>/rapport.csv", views.import_report, name="import_report"),
]
