"""The charter: public text, signature and yearly self-assessment of an organisation."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.membership import selectors
from maillage.membership.forms import (
    CharterSignatureForm,
    SelfAssessmentForm,
)
from maillage.membership.permissions import Action, can
from maillage.membership.services import (
    charter,
)


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


def _published_charter():
    """The charter to sign or assess against; there is nothing to do before one is published."""
    current = charter.current_charter()
    if current is None:
        raise PermissionDenied(_("Aucune charte n'est encore publiée."))
    return current


@login_required
@require_POST
def charter_sign(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = selectors.get_organisation_for_user(
        request.user, slug, action=Action.SIGN_CHARTER
    )
    current = _published_charter()
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
    current = _published_charter()
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
