from django.urls import path

from maillage.membership.views import accounts, charter, organisations, tokens, trust, validation

app_name = "membership"

urlpatterns = [
    path("compte/", accounts.account, name="account"),
    path(
        "compte/organisations/nouvelle/",
        organisations.organisation_create,
        name="organisation_create",
    ),
    path("compte/mes-donnees.json", accounts.personal_data_export, name="personal_data_export"),
    path("compte/supprimer/", accounts.account_delete, name="account_delete"),
    path("compte/jetons/", tokens.api_tokens, name="api_tokens"),
    path("compte/jetons/<int:pk>/revoquer/", tokens.api_token_revoke, name="api_token_revoke"),
    path("donnees-personnelles/", accounts.privacy, name="privacy"),
    path("charte/", charter.charter_page, name="charter"),
    path(
        "organisations/<slug:slug>/charte/",
        charter.organisation_charter,
        name="organisation_charter",
    ),
    path("organisations/<slug:slug>/charte/signer/", charter.charter_sign, name="charter_sign"),
    path(
        "organisations/<slug:slug>/charte/auto-evaluation/",
        charter.charter_assess,
        name="charter_assess",
    ),
    path(
        "organisations/<slug:slug>/modifier/",
        organisations.organisation_edit,
        name="organisation_edit",
    ),
    path(
        "organisations/<slug:slug>/revendiquer/",
        trust.organisation_claim,
        name="organisation_claim",
    ),
    path(
        "organisations/<slug:slug>/historique/",
        organisations.organisation_history,
        name="organisation_history",
    ),
    path(
        "organisations/<slug:slug>/suggerer/",
        trust.organisation_suggest,
        name="organisation_suggest",
    ),
    path(
        "organisations/<slug:slug>/suggestions/",
        trust.organisation_suggestions,
        name="organisation_suggestions",
    ),
    path(
        "organisations/<slug:slug>/suggestions/<int:pk>/",
        trust.suggestion_decide,
        name="suggestion_decide",
    ),
    path(
        "organisations/<slug:slug>/membres/",
        organisations.organisation_members,
        name="organisation_members",
    ),
    path(
        "organisations/<slug:slug>/membres/<int:pk>/",
        organisations.member_update,
        name="member_update",
    ),
    path(
        "organisations/<slug:slug>/etablissements/ajouter/",
        organisations.establishment_form,
        name="establishment_add",
    ),
    path(
        "organisations/<slug:slug>/etablissements/<int:pk>/",
        organisations.establishment_form,
        name="establishment_edit",
    ),
    path(
        "organisations/<slug:slug>/etablissements/<int:pk>/supprimer/",
        organisations.establishment_delete,
        name="establishment_delete",
    ),
    path(
        "organisations/<slug:slug>/confirmer/",
        trust.organisation_confirm,
        name="organisation_confirm",
    ),
    path("fiche-a-jour/<str:token>/", trust.confirm_from_link, name="confirm_from_link"),
    path(
        "organisations/<slug:slug>/validation/",
        validation.organisation_validation,
        name="organisation_validation",
    ),
    path(
        "organisations/<slug:slug>/validation/deposer/",
        validation.application_submit,
        name="application_submit",
    ),
    path(
        "organisations/<slug:slug>/validation/<int:pk>/voter/",
        validation.application_vote,
        name="application_vote",
    ),
    path(
        "organisations/<slug:slug>/validation/<int:pk>/complements/",
        validation.application_request_changes,
        name="application_request_changes",
    ),
    path("validation/", validation.review_queue, name="review_queue"),
    path("animation/", trust.dashboard, name="dashboard"),
    path("animation/colleges/", validation.colleges, name="colleges"),
    path(
        "animation/colleges/<int:pk>/membres/",
        validation.college_reviewers,
        name="college_reviewers",
    ),
    path("animation/revendications/", trust.claim_queue, name="claim_queue"),
    path("animation/revendications/<int:pk>/", trust.claim_decide, name="claim_decide"),
]
