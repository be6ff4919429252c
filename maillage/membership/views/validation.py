"""Participatory validation: an organisation's application, the colleges' votes, the reviewers' list."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.membership import selectors
from maillage.membership.forms import (
    ApplicationForm,
    CollegeForm,
    ReviewerForm,
    VoteForm,
)
from maillage.membership.models import Application, College
from maillage.membership.permissions import Action, can
from maillage.membership.services import (
    validation,
)


def _validation_context(request, organisation, **forms) -> dict:
    user = request.user
    applications = list(organisation.applications.order_by("-created_at"))
    current = next((a for a in applications if a.status not in ("accepted", "rejected")), None)
    shown = current or (applications[0] if applications else None)
    context = {
        "organisation": organisation,
        "application": shown,
        "past": [a for a in applications if a is not shown],
        "tally": validation.tally(shown) if shown else None,
        "votes": shown.votes.filter(round=shown.round).select_related("college", "reviewer")
        if shown
        else [],
        "can_submit": can(user, Action.SUBMIT_APPLICATION, organisation)
        and not any(a.status == Application.Status.ACCEPTED for a in applications)
        and (current is None or current.status in ("draft", "changes_requested")),
        "can_request_changes": shown is not None
        and shown.is_open
        and can(user, Action.REQUEST_CHANGES, organisation),
        "approval_percent": settings.VALIDATION_APPROVAL_PERCENT,
    }
    colleges = College.objects.filter(reviewers=user) if user.is_authenticated else None
    if (
        shown is not None
        and shown.is_open
        and colleges is not None
        and colleges.exists()
        and can(user, Action.VOTE_APPLICATION, organisation)
        and not shown.votes.filter(round=shown.round, reviewer=user).exists()
    ):
        context["vote_form"] = forms.get("vote_form") or VoteForm(colleges=colleges)
    if context["can_submit"]:
        context["application_form"] = forms.get("application_form") or ApplicationForm(
            initial={"motivation": current.motivation if current else ""}
        )
    return context


@login_required
def organisation_validation(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(
        request.user, slug, action=Action.VIEW_APPLICATION
    )
    return render(
        request,
        "membership/organisation_validation.html",
        _validation_context(request, organisation),
    )


@login_required
@require_POST
def application_submit(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(
        request.user, slug, action=Action.SUBMIT_APPLICATION
    )
    form = ApplicationForm(request.POST)
    if form.is_valid():
        try:
            validation.submit_application(
                organisation=organisation,
                user=request.user,
                motivation=form.cleaned_data["motivation"],
            )
        except validation.ApplicationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("La candidature est déposée : les collèges sont prévenus."))
            return redirect("membership:organisation_validation", slug=slug)
    context = _validation_context(request, organisation, application_form=form)
    context["application_form"] = form
    return render(request, "membership/organisation_validation.html", context, status=400)


@login_required
@require_POST
def application_vote(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(
        request.user, slug, action=Action.VOTE_APPLICATION
    )
    application = get_object_or_404(Application, pk=pk, organisation=organisation)
    form = VoteForm(request.POST, colleges=College.objects.filter(reviewers=request.user))
    if form.is_valid():
        try:
            validation.cast_vote(
                application=application,
                reviewer=request.user,
                college=form.cleaned_data["college"],
                choice=form.cleaned_data["choice"],
                comment=form.cleaned_data["comment"],
            )
        except validation.ApplicationError as error:
            messages.error(request, str(error))
            return redirect("membership:organisation_validation", slug=slug)
        messages.success(request, _("Votre vote est enregistré."))
        return redirect("membership:organisation_validation", slug=slug)
    context = _validation_context(request, organisation, vote_form=form)
    context["vote_form"] = form
    return render(request, "membership/organisation_validation.html", context, status=400)


@login_required
@require_POST
def application_request_changes(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(
        request.user, slug, action=Action.REQUEST_CHANGES
    )
    application = get_object_or_404(Application, pk=pk, organisation=organisation)
    try:
        validation.request_changes(
            application=application, by=request.user, message=request.POST.get("message", "")
        )
    except validation.ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Les compléments sont demandés à l'organisation."))
    return redirect("membership:organisation_validation", slug=slug)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    colleges = College.objects.filter(reviewers=request.user)
    applications = []
    if colleges.exists():
        for application in (
            Application.objects.filter(status__in=Application.OPEN)
            .select_related("organisation")
            .order_by("deadline")
        ):
            if not validation.has_conflict_of_interest(request.user, application.organisation):
                application.has_voted = application.votes.filter(
                    round=application.round, reviewer=request.user
                ).exists()
                applications.append(application)
    return render(
        request,
        "membership/review_queue.html",
        {"colleges": colleges, "applications": applications},
    )


def _require_college_keeper(user) -> None:
    if not can(user, Action.CONFIGURE_COLLEGES):
        raise PermissionDenied(_("Les collèges sont composés par l'animation des territoires."))


@login_required
def colleges(request: HttpRequest) -> HttpResponse:
    _require_college_keeper(request.user)
    form = CollegeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            validation.save_college(**form.cleaned_data)
        except validation.ApplicationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Le collège est créé."))
            return redirect("membership:colleges")
    return render(
        request,
        "membership/colleges.html",
        {
            "form": form,
            "colleges": College.objects.prefetch_related("reviewers"),
            "reviewer_form": ReviewerForm(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def college_reviewers(request: HttpRequest, pk: int) -> HttpResponse:
    _require_college_keeper(request.user)
    college = get_object_or_404(College, pk=pk)
    if request.POST.get("remove", "").isdigit():
        college.reviewers.remove(int(request.POST["remove"]))
        messages.success(request, _("La personne ne siège plus dans ce collège."))
        return redirect("membership:colleges")
    form = ReviewerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Saisissez une adresse e-mail valide."))
        return redirect("membership:colleges")
    try:
        validation.add_reviewer(college=college, email=form.cleaned_data["email"])
    except validation.ApplicationError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("La personne siège désormais dans « %s ».") % college.name)
    return redirect("membership:colleges")
