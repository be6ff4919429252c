"""Public pages of the directory: thin views over selectors, rendered with templates."""

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from maillage.directory.forms import DirectoryFilterForm
from maillage.directory.models import Establishment, Organisation, OrganisationSector
from maillage.directory.selectors import (
    DirectoryFilters,
    directory_counts,
    filter_organisations,
    map_points,
)
from maillage.territory.models import Commune, Departement

PAGE_SIZE = 20


def _paginated(request: HttpRequest, filters: DirectoryFilters):
    organisations = filter_organisations(filters).with_card_data()
    return Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))


def home(request: HttpRequest) -> HttpResponse:
    organisations = Organisation.objects.published()
    return render(
        request,
        "directory/home.html",
        {
            "counts": directory_counts(),
            "map_points": map_points(organisations),
            "latest": organisations.with_card_data().order_by("-updated_at", "-pk")[:6],
        },
    )


def organisation_list(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    form.is_valid()
    filters = form.filters() if form.is_bound else DirectoryFilters()
    page = _paginated(request, filters)
    commune = (
        Commune.objects.filter(insee_code=filters.commune).first() if filters.commune else None
    )
    context = {
        "form": form,
        "page": page,
        "filters": filters,
        "commune": commune,
        "query_string": _query_without_page(request),
    }
    if request.headers.get("HX-Request"):
        return render(request, "directory/_results.html", context)
    return render(request, "directory/organisation_list.html", context)


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def organisation_detail(request: HttpRequest, slug: str) -> HttpResponse:
    # Not .published(): a profile hidden from the lists for want of an update keeps its address.
    organisation = get_object_or_404(
        Organisation.objects.filter(is_published=True)
        .select_related("naf", "legal_form")
        .prefetch_related(
            "kinds",
            "labels",
            "networks",
            "poles",
            "daily_needs",
            Prefetch(
                "establishments",
                queryset=Establishment.objects.select_related("commune__departement"),
            ),
            Prefetch(
                "organisationsector_set",
                queryset=OrganisationSector.objects.select_related("sector__parent"),
                to_attr="sector_links",
            ),
        ),
        slug=slug,
    )
    points = [
        [e.latitude, e.longitude, e.name or organisation.display_name, "", e.commune.name]
        for e in organisation.establishments.all()
        if e.has_point
    ]
    return render(
        request,
        "directory/organisation_detail.html",
        {"organisation": organisation, "points": points},
    )


def commune_detail(request: HttpRequest, insee_code: str) -> HttpResponse:
    commune = get_object_or_404(
        Commune.objects.select_related("departement__region", "epci", "parent"),
        insee_code=insee_code,
    )
    page = _paginated(request, DirectoryFilters(commune=insee_code))
    return render(
        request,
        "directory/commune_detail.html",
        {
            "commune": commune,
            "page": page,
            "map_points": map_points(Organisation.objects.published().in_commune(insee_code)),
        },
    )


def departement_detail(request: HttpRequest, code: str) -> HttpResponse:
    departement = get_object_or_404(Departement.objects.select_related("region"), code=code)
    page = _paginated(request, DirectoryFilters(departement=code))
    top_communes = (
        Commune.objects.in_departement(code)
        .filter(establishments__organisation__in=Organisation.objects.published())
        .annotate(organisation_count=Count("establishments__organisation", distinct=True))
        .order_by("-organisation_count", "name")[:12]
    )
    return render(
        request,
        "directory/departement_detail.html",
        {
            "departement": departement,
            "page": page,
            "top_communes": top_communes,
            "map_points": map_points(Organisation.objects.published().in_departement(code)),
        },
    )
