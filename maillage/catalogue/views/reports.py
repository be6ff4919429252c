"""Needs reporting: the public form, the reporter's private follow page, the animators' queue."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.catalogue import selectors
from maillage.catalogue.forms import NeedReportForm, QualifyForm, RouteForm
from maillage.catalogue.models import NeedReport
from maillage.catalogue.permissions import report_scope
from maillage.catalogue.services import reports as services
from maillage.catalogue.views._forms import add_errors
from maillage.core.ratelimit import client_address


def report_create(request: HttpRequest) -> HttpResponse:
    form = NeedReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.submit_report(data=form.report_data(), client=client_address(request))
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect(report.get_follow_url())
    return render(request, "catalogue/report_form.html", {"form": form})


def report_follow(request: HttpRequest, token: str) -> HttpResponse:
    """The reporter's private page: the link is the secret, no account needed."""
    report = get_object_or_404(
        NeedReport.objects.select_related("commune", "sector"), follow_token=token
    )
    response = render(request, "catalogue/report_follow.html", {"report": report})
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def report_queue(request: HttpRequest) -> HttpResponse:
    scope = report_scope(request.user)
    if scope is None:
        raise PermissionDenied(_("Les signalements se qualifient par l'animation du territoire."))
    reports = NeedReport.objects.filter(scope).select_related("commune", "sector")
    status = request.GET.get("etat", "")
    if status in NeedReport.Status.values:
        reports = reports.filter(status=status)
    return render(
        request,
        "catalogue/report_queue.html",
        {
            "reports": reports[:200],
            "status": status,
            "statuses": NeedReport.Status.choices,
            "counts": selectors.qualified_report_counts(),
        },
    )


@login_required
def report_qualify(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for_user(request.user, pk)
    form = QualifyForm(
        request.POST or None,
        initial={
            "sector": report.sector_id,
            "status": report.status,
            "duplicate_of": report.duplicate_of_id,
            "public_note": report.public_note,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.qualify_report(report=report, user=request.user, data=form.qualification())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Le signalement est qualifié."))
            return redirect("catalogue:report_qualify", pk=report.pk)
    suggestions = services.suggested_organisations(report)
    return render(
        request,
        "catalogue/report_qualify.html",
        {
            "report": report,
            "form": form,
            "suggestions": suggestions,
            "route_form": RouteForm(candidates=[m.organisation for m in suggestions]),
            "routed": report.routed_to.all(),
        },
    )


@login_required
@require_POST
def report_route(request: HttpRequest, pk: int) -> HttpResponse:
    report = selectors.get_report_for_user(request.user, pk)
    candidates = [m.organisation for m in services.suggested_organisations(report)]
    form = RouteForm(request.POST, candidates=candidates)
    if form.is_valid():
        try:
            services.route_report(
                report=report,
                user=request.user,
                organisations=list(form.cleaned_data["organisations"]),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Le besoin est transmis aux organisations choisies."))
    else:
        messages.error(request, _("Choisissez au moins une organisation parmi celles proposées."))
    return redirect("catalogue:report_qualify", pk=report.pk)
