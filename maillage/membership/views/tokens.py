"""The person's personal API tokens: create one for an organisation (shown once), revoke."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from maillage.directory.models import Organisation
from maillage.membership.models import ApiToken
from maillage.membership.services.api_tokens import (
    ApiTokenError,
    create_api_token,
    revoke_api_token,
)


class ApiTokenForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.none()
    )
    name = forms.CharField(
        label=gettext_lazy("Nom du jeton"),
        max_length=100,
        help_text=gettext_lazy("Pour vous y retrouver : le script ou l'outil qui l'utilise."),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        kept = Organisation.objects.filter(memberships__user=user).order_by("name")
        self.fields["organisation"].queryset = kept
        if len(kept[:2]) == 1:
            self.fields["organisation"].initial = kept[0]


@never_cache
@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """On creation the page shows the token once, in the response itself: it is never stored."""
    form = ApiTokenForm(request.POST or None, user=request.user)
    new_token = ""
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_token = create_api_token(
                user=request.user,
                organisation=form.cleaned_data["organisation"],
                name=form.cleaned_data["name"],
            )
        except ApiTokenError as error:
            form.add_error(None, str(error))
        else:
            form = ApiTokenForm(user=request.user)
    tokens = ApiToken.objects.filter(user=request.user).select_related("organisation")
    return render(
        request,
        "membership/api_tokens.html",
        {"form": form, "tokens": tokens, "new_token": new_token},
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        token = revoke_api_token(user=request.user, token_id=pk)
    except ApiTokenError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Le jeton « %(name)s » est révoqué.") % {"name": token.name})
    return redirect("membership:api_tokens")
