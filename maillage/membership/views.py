"""Pages of the member space: each fetches with an access check, calls one service, renders."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.directory.models import Organisation
from maillage.membership import selectors
from maillage.membership.forms import (
    AccountForm,
    ApplicationForm,
    CharterSignatureForm,
    ClaimDecisionForm,
    ClaimForm,
    EstablishmentForm,
    MemberRoleForm,
    OrganisationCreateForm,
    OrganisationForm,
    SelfAssessmentForm,
    SuggestionForm,
    VoteForm,
)
from maillage.membership.models import Application, College
from maillage.membership.permissions import Action, can, can_decide_suggestion
from maillage.membership.services import (
    charter,
    claims,
    freshness,
    members,
    organisations,
    personal_data,
    suggestions,
    validation,
)


def _add_errors(form, error: ValidationError) -> None:
    """Model errors from a service onto the form, on the field they name when the form has it."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


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
def organisation_claim(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(
        request.user, slug, action=Action.CLAIM_ORGANISATION
    )
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            claim = claims.claim_organisation(
                user=request.user, organisation=organisation, message=form.cleaned_data["message"]
            )
        except claims.ClaimError as error:
            form.add_error(None, str(error))
        else:
            if claim.status == claim.Status.ACCEPTED:
                messages.success(
                    request,
                    _(
                        "Votre adresse e-mail correspond au site de l'organisation : vous la gérez dès maintenant."
                    ),
                )
                return redirect("membership:organisation_edit", slug=organisation.slug)
            messages.success(
                request,
                _(
                    "Votre demande est envoyée à l'équipe d'animation : vous recevrez sa réponse par e-mail."
                ),
            )
            return redirect("membership:account")
    return render(
        request,
        "membership/organisation_claim.html",
        {
            "organisation": organisation,
            "form": form,
            "automatic": claims.has_matching_verified_email(request.user, organisation),
            "pending": organisation.claims.filter(
                user=request.user, status=claims.Claim.Status.PENDING
            ).first(),
        },
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


def _require_animator(user) -> None:
    if not can(user, Action.VIEW_DASHBOARD):
        raise PermissionDenied(_("Cette page est réservée à l'animation des territoires."))


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    _require_animator(request.user)
    context = selectors.freshness_dashboard(request.user, timezone.localdate())
    context["pending_claim_count"] = selectors.pending_claims_for(request.user).count()
    return render(request, "membership/dashboard.html", context)


@login_required
@require_POST
def organisation_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(
        request.user, slug, action=Action.CONFIRM_VALIDITY
    )
    freshness.confirm_validity(organisation=organisation, user=request.user)
    messages.success(request, _("Merci : la fiche est confirmée à jour pour un an."))
    return redirect(organisation.get_absolute_url())


def confirm_from_link(request: HttpRequest, token: str) -> HttpResponse:
    """The e-mailed link: a page with one button, so that mail scanners opening links confirm nothing."""
    try:
        organisation, _valid_until = freshness.read_confirmation_token(token)
    except freshness.FreshnessLinkError as error:
        return render(request, "membership/confirm_link.html", {"error": str(error)}, status=400)
    if request.method == "POST":
        user = request.user if request.user.is_authenticated else None
        organisation, changed = freshness.confirm_validity_from_link(token=token, user=user)
        return render(
            request,
            "membership/confirm_link.html",
            {"organisation": organisation, "done": True, "changed": changed},
        )
    return render(request, "membership/confirm_link.html", {"organisation": organisation})


@login_required
def claim_queue(request: HttpRequest) -> HttpResponse:
    _require_animator(request.user)
    return render(
        request,
        "membership/claim_queue.html",
        {"claims": selectors.pending_claims_for(request.user), "form": ClaimDecisionForm()},
    )


@login_required
@require_POST
def claim_decide(request: HttpRequest, pk: int) -> HttpResponse:
    claim = selectors.get_claim_for_user(request.user, pk)
    form = ClaimDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez d'accepter ou de refuser la demande."))
        return redirect("membership:claim_queue")
    try:
        claims.decide_claim(
            claim=claim,
            decided_by=request.user,
            accept=form.cleaned_data["decision"] == "accept",
            reason=form.cleaned_data["reason"],
        )
    except claims.ClaimError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("La décision est enregistrée et la personne prévenue."))
    return redirect("membership:claim_queue")


@login_required
def organisation_suggest(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(
        request.user, slug, action=Action.SUGGEST_CORRECTION
    )
    form = SuggestionForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            suggestions.suggest_correction(
                organisation=organisation,
                author=request.user,
                proposed=form.proposed(),
                message=form.cleaned_data["message"],
            )
        except suggestions.SuggestionError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "Merci ! Votre suggestion est transmise à l'organisation ; vous recevrez sa réponse par e-mail."
                ),
            )
            return redirect(organisation.get_absolute_url())
    organisation.refresh_from_db()
    return render(
        request,
        "membership/organisation_suggest.html",
        {"organisation": organisation, "form": form},
    )


@login_required
def organisation_suggestions(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(
        request.user, slug, action=Action.DECIDE_SUGGESTION
    )
    pending = [
        (suggestion, can_decide_suggestion(request.user, suggestion))
        for suggestion in selectors.pending_suggestions_of(organisation)
    ]
    return render(
        request,
        "membership/organisation_suggestions.html",
        {
            "organisation": organisation,
            "pending": pending,
            "decided": selectors.decided_suggestions_of(organisation)[:20],
        },
    )


@login_required
@require_POST
def suggestion_decide(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    suggestion = selectors.get_suggestion_for_user(request.user, slug, pk)
    try:
        suggestions.decide_suggestion(
            suggestion=suggestion,
            decided_by=request.user,
            accepted_fields=request.POST.getlist("accept"),
            reason=request.POST.get("reason", ""),
        )
    except suggestions.SuggestionError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("La réponse est enregistrée et la personne prévenue."))
    return redirect("membership:organisation_suggestions", slug=slug)


def charter_page(request: HttpRequest) -> HttpResponse:
    current = charter.current_charter()
    return render(
        request,
        "membership/charter.html",
        {
            "charter": current,
            "signatures": current.signatures.select_related("organisation").order_by(
                "organisation__name"
            )
            if current
            else [],
        },
    )


def _this_years_answers(organisation, current) -> dict:
    """This year's assessment, if any, as the form's initial values (to adjust, not retype)."""
    assessment = organisation.self_assessments.filter(year=timezone.localdate().year).first()
    if assessment is None:
        return {}
    levels = {answer["criterion"]: answer["level"] for answer in assessment.answers}
    initial = {
        f"criterion_{c.pk}": levels[c.text] for c in current.criteria.all() if c.text in levels
    }
    initial["comment"] = assessment.comment
    return initial


def _charter_context(request, organisation, current, *, sign_form=None, assess_form=None) -> dict:
    user = request.user
    can_sign = can(user, Action.SIGN_CHARTER, organisation)
    can_assess = can(user, Action.ASSESS_CHARTER, organisation)
    signature = charter.current_signature(organisation)
    return {
        "organisation": organisation,
        "charter": current,
        "signature": signature,
        "sign_form": sign_form
        or (
            CharterSignatureForm(charter=current)
            if current and can_sign and not signature
            else None
        ),
        "assess_form": assess_form
        or (
            SelfAssessmentForm(charter=current, initial=_this_years_answers(organisation, current))
            if current and can_assess
            else None
        ),
        "assessments": organisation.self_assessments.select_related("assessed_by"),
    }


@login_required
def organisation_charter(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(
        request.user, slug, action=Action.VIEW_HISTORY
    )
    current = charter.current_charter()
    return render(
        request,
        "membership/organisation_charter.html",
        _charter_context(request, organisation, current),
    )


@login_required
@require_POST
def charter_sign(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(
        request.user, slug, action=Action.SIGN_CHARTER
    )
    current = charter.current_charter()
    if current is None:
        raise PermissionDenied(_("Aucune charte n'est encore publiée."))
    form = CharterSignatureForm(request.POST, charter=current)
    if form.is_valid():
        try:
            charter.sign_charter(
                organisation=organisation,
                user=request.user,
                charter=current,
                checked=form.checked(),
            )
        except charter.CharterError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("La charte est signée au nom de l'organisation."))
            return redirect("membership:organisation_charter", slug=slug)
    context = _charter_context(request, organisation, current, sign_form=form)
    return render(request, "membership/organisation_charter.html", context, status=400)


@login_required
@require_POST
def charter_assess(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(
        request.user, slug, action=Action.ASSESS_CHARTER
    )
    current = charter.current_charter()
    if current is None:
        raise PermissionDenied(_("Aucune charte n'est encore publiée."))
    form = SelfAssessmentForm(request.POST, charter=current)
    if form.is_valid():
        try:
            charter.assess_progress(
                organisation=organisation,
                user=request.user,
                charter=current,
                levels=form.levels(),
                comment=form.cleaned_data["comment"],
            )
        except charter.CharterError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("L'auto-évaluation de l'année est enregistrée."))
            return redirect("membership:organisation_charter", slug=slug)
    context = _charter_context(request, organisation, current, assess_form=form)
    return render(request, "membership/organisation_charter.html", context, status=400)


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
    organisation = get_object_or_404(Organisation, slug=slug)
    user = request.user
    if not (
        can(user, Action.VIEW_HISTORY, organisation)
        or can(user, Action.VOTE_APPLICATION, organisation)
    ):
        raise PermissionDenied(
            _("La candidature se consulte par l'organisation, les collèges et l'animation.")
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
