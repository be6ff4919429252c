from django.urls import path

from maillage.membership import views

app_name = "membership"

urlpatterns = [
    path("compte/", views.account, name="account"),
    path("compte/organisations/nouvelle/", views.organisation_create, name="organisation_create"),
    path("compte/mes-donnees.json", views.personal_data_export, name="personal_data_export"),
    path("compte/supprimer/", views.account_delete, name="account_delete"),
    path("donnees-personnelles/", views.privacy, name="privacy"),
    path("charte/", views.charter_page, name="charter"),
    path(
        "organisations/<slug:slug>/charte/",
        views.organisation_charter,
        name="organisation_charter",
    ),
    path("organisations/<slug:slug>/charte/signer/", views.charter_sign, name="charter_sign"),
    path(
        "organisations/<slug:slug>/charte/auto-evaluation/",
        views.charter_assess,
        name="charter_assess",
    ),
    path("organisations/<slug:slug>/modifier/", views.organisation_edit, name="organisation_edit"),
    path(
        "organisations/<slug:slug>/revendiquer/",
        views.organisation_claim,
        name="organisation_claim",
    ),
    path(
        "organisations/<slug:slug>/historique/",
        views.organisation_history,
        name="organisation_history",
    ),
    path(
        "organisations/<slug:slug>/suggerer/",
        views.organisation_suggest,
        name="organisation_suggest",
    ),
    path(
        "organisations/<slug:slug>/suggestions/",
        views.organisation_suggestions,
        name="organisation_suggestions",
    ),
    path(
        "organisations/<slug:slug>/suggestions/<int:pk>/",
        views.suggestion_decide,
        name="suggestion_decide",
    ),
    path(
        "organisations/<slug:slug>/membres/",
        views.organisation_members,
        name="organisation_members",
    ),
    path(
        "organisations/<slug:slug>/membres/<int:pk>/",
        views.member_update,
        name="member_update",
    ),
    path(
        "organisations/<slug:slug>/etablissements/ajouter/",
        views.establishment_form,
        name="establishment_add",
    ),
    path(
        "organisations/<slug:slug>/etablissements/<int:pk>/",
        views.establishment_form,
        name="establishment_edit",
    ),
    path(
        "organisations/<slug:slug>/etablissements/<int:pk>/supprimer/",
        views.establishment_delete,
        name="establishment_delete",
    ),
    path(
        "organisations/<slug:slug>/confirmer/",
        views.organisation_confirm,
        name="organisation_confirm",
    ),
    path("fiche-a-jour/<str:token>/", views.confirm_from_link, name="confirm_from_link"),
    path(
        "organisations/<slug:slug>/validation/",
        views.organisation_validation,
        name="organisation_validation",
    ),
    path(
        "organisations/<slug:slug>/validation/deposer/",
        views.application_submit,
        name="application_submit",
    ),
    path(
        "organisations/<slug:slug>/validation/<int:pk>/voter/",
        views.application_vote,
        name="application_vote",
    ),
    path(
        "organisations/<slug:slug>/validation/<int:pk>/complements/",
        views.application_request_changes,
        name="application_request_changes",
    ),
    path("validation/", views.review_queue, name="review_queue"),
    path("animation/", views.dashboard, name="dashboard"),
    path("animation/revendications/", views.claim_queue, name="claim_queue"),
    path("animation/revendications/<int:pk>/", views.claim_decide, name="claim_decide"),
]
