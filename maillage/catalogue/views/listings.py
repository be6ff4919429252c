"""Offers and needs: list and search, read with matches, publish, edit, close, renew."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.catalogue import selectors
from maillage.catalogue.forms import CatalogueFilterForm, CloseForm, ListingForm
from maillage.catalogue.matching import matches_for
from maillage.catalogue.models import Side
from maillage.catalogue.permissions import can_contact, can_publish
from maillage.catalogue.services import listings as services
from maillage.catalogue.views._forms import add_errors
from maillage.membership.permissions import Action
from maillage.membership.selectors import get_organisation_for_user

PAGE_SIZE = 20
MAP_LIMIT = 2000


def listing_list(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    filters = selectors.ListingFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.ListingFilters(
            q=data["q"],
            side=data["side"],
            kind=data["kind"],
            mode=data["mode"],
            sector=data["sector"],
            departement_id=data["departement"].pk if data["departement"] else "",
            near=data["near"],
            radius_km=data["radius_km"],
        )
    listings = selectors.search_listings(filters)
    if filters.near is not None:
        listings = selectors.with_distances(
            list(listings[:MAP_LIMIT]), filters.near, filters.radius_km
        )
    page = Paginator(listings, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalogue/listing_list.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "map_points": selectors.map_points(page.object_list),
        },
    )


def listing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    listing = selectors.get_listing(pk)
    result = matches_for(listing)
    return render(
        request,
        "catalogue/listing_detail.html",
        {
            "listing": listing,
            "result": result,
            "can_edit": can_publish(request.user, listing.organisation),
            "can_contact": can_contact(request.user),
            "close_form": CloseForm(),
        },
    )


@login_required
def listing_create(request: HttpRequest, slug: str) -> HttpResponse:
    organisation = get_organisation_for_user(request.user, slug, action=Action.EDIT_ORGANISATION)
    side = request.GET.get("type") or request.POST.get("side")
    side = side if side in Side.values else Side.OFFER
    form = ListingForm(request.POST or None, organisation=organisation, side=side)
    if request.method == "POST" and form.is_valid():
        try:
            listing = services.publish_listing(
                organisation=organisation, user=request.user, side=side, data=form.listing_data()
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("L'annonce est publiée."))
            return redirect(listing.get_absolute_url())
    return render(
        request,
        "catalogue/listing_form.html",
        {"form": form, "organisation": organisation, "side": side, "listing": None},
    )


@login_required
def listing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    listing = selectors.get_listing_for_user(request.user, pk)
    form = ListingForm(
        request.POST or None, instance=listing, organisation=listing.organisation, side=listing.side
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_listing(listing=listing, user=request.user, data=form.listing_data())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("L'annonce est enregistrée."))
            return redirect(listing.get_absolute_url())
    listing.refresh_from_db()
    return render(
        request,
        "catalogue/listing_form.html",
        {
            "form": form,
            "organisation": listing.organisation,
            "side": listing.side,
            "listing": listing,
        },
    )


@login_required
@require_POST
def listing_close(request: HttpRequest, pk: int) -> HttpResponse:
    listing = selectors.get_listing_for_user(request.user, pk)
    form = CloseForm(request.POST)
    if form.is_valid():
        services.close_listing(
            listing=listing, user=request.user, status=form.cleaned_data["status"]
        )
        messages.success(
            request, _("L'annonce est fermée : elle ne paraît plus dans les recherches.")
        )
    else:
        messages.error(request, _("Choisissez pourquoi vous fermez l'annonce."))
    return redirect(listing.get_absolute_url())


@login_required
@require_POST
def listing_renew(request: HttpRequest, pk: int) -> HttpResponse:
    listing = selectors.get_listing_for_user(request.user, pk)
    services.renew_listing(listing=listing, user=request.user)
    messages.success(request, _("L'annonce est ouverte pour trois mois de plus."))
    return redirect(listing.get_absolute_url())
