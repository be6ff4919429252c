"""Profiles kept by their members: create, edit, establishments, members, history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.membership import selectors
from maillage.membership.forms import (
    EstablishmentForm,
    MemberRoleForm,
    OrganisationCreateForm,
    OrganisationForm,
)
from maillage.membership.permissions import Action, can
from maillage.membership.services import (
    members,
    organisations,
)
from maillage.membership.views._forms import add_errors as _add_errors


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.CREATE_ORGANISATION):
        raise PermissionDenied(_("Votre compte ne peut pas créer d'organisation."))
    form = OrganisationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = organisations.create_organisation(
                user=request.user, data=form.profile(), head_office=form.head_office()
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("La fiche est créée : vous en êtes l'administrateur ou l'administratrice."),
            )
            return redirect(organisation.get_absolute_url())
    return render(request, "membership/organisation_create.html", {"form": form})


@login_required
def organisation_edit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(
        request.user, slug, action=Action.EDIT_ORGANISATION
    )
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in OrganisationForm.Meta.fields}
        try:
            organisations.update_organisation(
                organisation=organisation, user=request.user, data=data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("La fiche est enregistrée."))
            return redirect(organisation.get_absolute_url())
    organisation.refresh_from_db()
    return render(
        request,
        "membership/organisation_edit.html",
        {
            "organisation": organisation,
            "form": form,
            "establishments": organisation.establishments.select_related("commune"),
        },
    )


@login_required
def establishment_form(request: HttpRequest, slug: str, pk: int | None = None) -> HttpResponse:
    if pk is None:
        organisation = selectors.get_organisation_for_user(
            request.user, slug, action=Action.EDIT_ESTABLISHMENT
        )
        establishment, initial = None, {}
    else:
        organisation, establishment = selectors.get_establishment_for_user(request.user, slug, pk)
        initial = EstablishmentForm.initial_for(establishment)
    form = EstablishmentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            organisations.save_establishment(
                organisation=organisation,
                user=request.user,
                data=form.establishment_data(),
                establishment=establishment,
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("L'établissement est enregistré."))
            return redirect("membership:organisation_edit", slug=organisation.slug)
    return render(
        request,
        "membership/establishment_form.html",
        {"organisation": organisation, "establishment": establishment, "form": form},
    )


@login_required
def establishment_delete(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation, establishment = selectors.get_establishment_for_user(request.user, slug, pk)
    if request.method == "POST":
        try:
            organisations.delete_establishment(establishment=establishment, user=request.user)
        except organisations.ProfileError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("L'établissement est supprimé."))
        return redirect("membership:organisation_edit", slug=organisation.slug)
    return render(
        request,
        "membership/establishment_delete.html",
        {"organisation": organisation, "establishment": establishment},
    )


@login_required
def organisation_history(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(
        request.user, slug, action=Action.VIEW_HISTORY
    )
    return render(
        request,
        "membership/organisation_history.html",
        {"organisation": organisation, "records": selectors.history_of(organisation)[:200]},
    )


@login_required
def organisation_members(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(
        request.user, slug, action=Action.MANAGE_MEMBERS
    )
    return render(
        request,
        "membership/organisation_members.html",
        {
            "organisation": organisation,
            "members": selectors.members_of(organisation),
            "roles": MemberRoleForm.base_fields["role"].choices,
        },
    )


@login_required
@require_POST
def member_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    membership = selectors.get_membership_for_user(request.user, slug, pk)
    form = MemberRoleForm(request.POST)
    try:
        if request.POST.get("remove"):
            members.remove_member(membership=membership, by=request.user)
            messages.success(request, _("Le membre est retiré."))
        elif form.is_valid():
            members.change_member_role(
                membership=membership, role=form.cleaned_data["role"], by=request.user
            )
            messages.success(request, _("Le rôle est enregistré."))
        else:
            messages.error(request, _("Choisissez un rôle de la liste."))
    except organisations.ProfileError as error:
        messages.error(request, str(error))
    if membership.user_id == request.user.pk and not can(
        request.user, Action.MANAGE_MEMBERS, membership.organisation
    ):
        return redirect("membership:account")
    return redirect("membership:organisation_members", slug=slug)
