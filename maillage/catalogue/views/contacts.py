"""Contact an organisation from a listing or a match; record the deal it led to."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.catalogue import selectors
from maillage.catalogue.forms import ContactForm, DealForm
from maillage.catalogue.models import Deal, Listing
from maillage.catalogue.permissions import (
    can_answer_deal,
    can_contact,
    can_record_deal,
    can_withdraw_deal,
    organisations_of,
)
from maillage.catalogue.services import contacts as services
from maillage.catalogue.views._forms import add_errors
from maillage.directory.models import Organisation


def _about(request: HttpRequest) -> Listing | None:
    raw = request.GET.get("depuis") or request.POST.get("depuis") or ""
    return Listing.objects.filter(pk=int(raw)).first() if raw.isdigit() else None


@login_required
def contact_form(
    request: HttpRequest, pk: int | None = None, slug: str | None = None
) -> HttpResponse:
    if not can_contact(request.user):
        raise PermissionDenied(_("Votre compte ne peut pas envoyer de message."))
    listing = selectors.get_listing(pk) if pk is not None else None
    recipient = listing.organisation if listing else get_object_or_404(Organisation, slug=slug)
    about = _about(request)
    organisations = organisations_of(request.user)
    about_own = about is not None and about.organisation in organisations
    initial = {"sender_organisation": about.organisation_id} if about_own else {}
    route = selectors.contact_route(recipient)
    form = ContactForm(
        request.POST or None, organisations=organisations, initial=initial, direct=route.is_direct
    )
    if request.method == "POST" and route.is_reachable and form.is_valid():
        try:
            contact = services.send_contact(
                sender=request.user,
                recipient=recipient,
                message=form.cleaned_data["message"],
                sender_organisation=form.cleaned_data["sender_organisation"],
                listing=listing,
                about=about,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _sent_message(route, recipient))
            return redirect(contact.get_absolute_url())
    return render(
        request,
        "catalogue/contact_form.html",
        {
            "form": form,
            "recipient": recipient,
            "listing": listing,
            "about": about,
            "about_own": about_own,
            "route": route,
            "unreachable": "" if route.is_reachable else services.unreachable_message(recipient),
        },
    )


def _sent_message(route: selectors.ContactRoute, recipient: Organisation) -> str:
    if route.is_direct:
        return _("Votre message est envoyé à %(name)s, qui vous répondra par e-mail.") % {
            "name": recipient.display_name
        }
    return _(
        "Votre message est confié à l'animation du territoire, qui le transmettra à %(name)s ; "
        "la réponse vous arrivera par e-mail. Il reste aussi sur Maillage pour l'organisation."
    ) % {"name": recipient.display_name}


@login_required
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.get_contact_for_user(request.user, pk)
    deal = Deal.objects.filter(contact=contact).select_related("supplier", "customer").first()
    can_answer = deal is not None and can_answer_deal(request.user, deal)
    return render(
        request,
        "catalogue/contact_detail.html",
        {
            "contact": contact,
            "deal": deal,
            "can_record_deal": deal is None and can_record_deal(request.user, contact),
            "can_answer_deal": can_answer,
            # Who may answer declines rather than withdraws: one button less.
            "can_withdraw_deal": not can_answer
            and deal is not None
            and can_withdraw_deal(request.user, deal),
            "form": DealForm(),
        },
    )


@login_required
@require_POST
def deal_record(request: HttpRequest, pk: int) -> HttpResponse:
    contact = selectors.get_contact_for_user(request.user, pk)
    if not can_record_deal(request.user, contact):
        raise PermissionDenied(
            _("Seules les deux organisations de ce contact enregistrent leur coopération.")
        )
    form = DealForm(request.POST)
    if form.is_valid():
        try:
            services.record_deal(
                contact=contact,
                user=request.user,
                amount=form.cleaned_data["amount"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _(
                    "Merci ! L'autre organisation est prévenue : la coopération paraîtra sur les "
                    "deux fiches quand elle l'aura confirmée."
                ),
            )
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(contact.get_absolute_url())


def _deal_for_user(request: HttpRequest, pk: int) -> Deal:
    """The deal of a contact the person may read (404 unknown, 403 outsider)."""
    contact = selectors.get_contact_for_user(request.user, pk)
    return get_object_or_404(Deal.objects.select_related("supplier", "customer"), contact=contact)


@login_required
@require_POST
def deal_answer(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _deal_for_user(request, pk)
    if not can_answer_deal(request.user, deal):
        raise PermissionDenied(
            _("Seuls les administrateurs de l'autre organisation confirment cette coopération.")
        )
    confirm = request.POST.get("decision") == "confirm"
    try:
        services.answer_deal(deal=deal, user=request.user, confirm=confirm)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Coopération confirmée : elle paraît sur les deux fiches.")
            if confirm
            else _("Coopération refusée : elle ne paraîtra pas."),
        )
    return redirect(deal.contact.get_absolute_url())


@login_required
@require_POST
def deal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    deal = _deal_for_user(request, pk)
    if not can_withdraw_deal(request.user, deal):
        raise PermissionDenied(_("Seules les deux organisations retirent leur coopération."))
    try:
        services.withdraw_deal(deal=deal, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Coopération retirée des deux fiches."))
    return redirect(deal.contact.get_absolute_url())


@login_required
def my_contacts(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "catalogue/my_contacts.html",
        {"contacts": selectors.contacts_of(request.user)[:200]},
    )
