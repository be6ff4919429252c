"""Trust around a profile: claims, freshness confirmations, suggested corrections, the animators' pages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maillage.membership import selectors
from maillage.membership.forms import (
    ClaimDecisionForm,
    ClaimForm,
    SuggestionForm,
)
from maillage.membership.permissions import Action, can, can_decide_suggestion
from maillage.membership.services import (
    claims,
    freshness,
    suggestions,
)
from maillage.membership.views._forms import add_errors as _add_errors


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


def _require_animator(user) -> None:
    if not can(user, Action.VIEW_DASHBOARD):
        raise PermissionDenied(_("Cette page est réservée à l'animation des territoires."))


DASHBOARD_PAGE_SIZE = 25


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """What needs attention first (cards with counts, in SQL, scoped to the animator's territory;
    the catalogue and open data add theirs through their template tags), then the stale list."""
    _require_animator(request.user)
    today = timezone.localdate()
    context = selectors.freshness_dashboard(request.user, today)
    page = Paginator(context.pop("attention"), DASHBOARD_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    suggested = selectors.organisations_with_pending_suggestions(request.user)
    claims = selectors.pending_claims_for(request.user).count()
    suggestions_count = suggested.aggregate(total=Sum("pending"))["total"] or 0
    stale = page.paginator.count
    context.update(
        attention=page,
        result={"page": page.number, "num_pages": page.paginator.num_pages},
        suggested=suggested[:20],
        applications=selectors.open_applications_for(request.user),
        today=today,
        cards=[
            _card(
                claims,
                ngettext("demande de gestion de fiche", "demandes de gestion de fiches", claims),
                reverse("membership:claim_queue"),
            ),
            _card(
                suggestions_count,
                ngettext(
                    "suggestion de correction en attente",
                    "suggestions de correction en attente",
                    suggestions_count,
                ),
                "#suggestions",
            ),
        ],
        stale_cards=[
            _card(
                stale,
                ngettext(
                    "fiche expirée ou expirant sous 30 jours",
                    "fiches expirées ou expirant sous 30 jours",
                    stale,
                ),
                "#attention",
            )
        ],
    )
    return render(request, "membership/dashboard.html", context)


def _card(count: int, label: str, url: str) -> dict:
    """One card of the dashboard (membership/_attention_cards.html)."""
    return {"count": count, "label": label, "url": url}


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
