"""The person's own pages: account, personal data, privacy."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from maillage.membership import selectors
from maillage.membership.forms import (
    AccountForm,
)
from maillage.membership.models import College
from maillage.membership.services import (
    personal_data,
)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    form = AccountForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Votre profil est enregistré."))
        return redirect("membership:account")
    user = request.user
    return render(
        request,
        "membership/account.html",
        {
            "form": form,
            "memberships": selectors.memberships_of(user),
            "claims": selectors.claims_of(user),
            "roles": selectors.platform_roles_of(user),
            "is_animator": selectors.is_animator(user),
            "is_reviewer": College.objects.filter(reviewers=user).exists(),
            "pending_claim_count": selectors.pending_claims_for(user).count()
            if selectors.is_animator(user)
            else 0,
        },
    )


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "membership/privacy.html")


@login_required
def personal_data_export(request: HttpRequest) -> JsonResponse:
    response = JsonResponse(
        personal_data.export_personal_data(request.user),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = 'attachment; filename="maillage-mes-donnees.json"'
    return response


@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        try:
            personal_data.delete_account(
                user=request.user, password=request.POST.get("password", "")
            )
        except personal_data.AccountDeletionError as refusal:
            error = str(refusal)
        else:
            logout(request)
            messages.success(
                request,
                _(
                    "Votre compte est supprimé. Vos contributions aux fiches restent, sans votre nom."
                ),
            )
            return redirect("directory:home")
    return render(
        request, "membership/account_delete.html", {"error": error}, status=400 if error else 200
    )
