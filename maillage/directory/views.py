"""Public pages of the directory: thin views over selectors, rendered with templates."""

from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _

from maillage.directory.forms import DirectoryFilterForm
from maillage.directory.models import Establishment, Organisation, OrganisationSector
from maillage.directory.search.cache import places_version, shared_summary
from maillage.directory.search.query import (
    DirectoryFilters,
    SearchResult,
    nearby_sectors,
    search_directory,
)
from maillage.directory.selectors import (
    HOME_SUMMARY_KEY,
    home_summary,
    map_points,
    recently_updated,
)
from maillage.directory.tasks import refresh_home_summary
from maillage.territory.models import Commune, Departement

# The map's frames: metropolitan France first, then the overseas départements, as French public
# maps show them ([south, west, north, east]).
OVERSEAS_VIEWS = [
    ("metropole", _("Métropole"), [41.3, -5.2, 51.1, 9.6]),
    ("guadeloupe", "Guadeloupe", [15.8, -61.85, 16.55, -60.95]),
    ("martinique", "Martinique", [14.38, -61.25, 14.9, -60.8]),
    ("guyane", "Guyane", [2.1, -54.6, 5.8, -51.6]),
    ("reunion", "La Réunion", [-21.4, 55.2, -20.85, 55.85]),
    ("mayotte", "Mayotte", [-13.0, 45.0, -12.63, 45.3]),
]

PAGE_SIZE = 20
HOME_SUMMARY_SECONDS = 60


def _page_number(request: HttpRequest) -> int:
    raw = request.GET.get("page", "1")
    return int(raw) if raw.isdigit() and 0 < int(raw) < 100_000 else 1


def _search(request: HttpRequest, filters: DirectoryFilters, *, with_facets: bool) -> SearchResult:
    return search_directory(
        filters,
        page=_page_number(request),
        page_size=PAGE_SIZE,
        with_facets=with_facets,
        clamp_page=True,
    )


def home(request: HttpRequest) -> HttpResponse:
    # Counts over every organisation (seconds at 1M), the same for every visitor: computed again
    # when organisations appear or disappear (the places version), else once a minute by a
    # background task, never by every visitor at once. The map loads its clusters by itself.
    summary = shared_summary(
        HOME_SUMMARY_KEY,
        places_version(),
        home_summary,
        HOME_SUMMARY_SECONDS,
        refresh_later=refresh_home_summary.enqueue,
    )
    return render(
        request,
        "directory/home.html",
        {**summary, "latest": recently_updated(), "overseas": OVERSEAS_VIEWS},
    )


def organisation_list(request: HttpRequest) -> HttpResponse:
    form = DirectoryFilterForm(request.GET or None)
    form.is_valid()
    filters = form.filters() if form.is_bound else DirectoryFilters()
    result = _search(request, filters, with_facets=True)
    context = {
        "form": form,
        "result": result,
        "filters": filters,
        "suggested_sectors": nearby_sectors(filters) if result.count == 0 else [],
        "query_string": _query_without(request),
        "query_without_near": _query_without(request, drop=("page", "near", "radius_km")),
        # The map reads the cleaned filters (the commune as its INSEE code), not the raw text.
        "map_query": form.query() if form.is_bound else "",
        "overseas": OVERSEAS_VIEWS,
    }
    if request.headers.get("HX-Request"):
        return render(request, "directory/_search_panels.html", context)
    return render(request, "directory/organisation_list.html", context)


def directory_map(request: HttpRequest) -> HttpResponse:
    """Full-page map; its filters and position live in the URL so that a link can be shared."""
    form = DirectoryFilterForm(request.GET or None)
    form.is_valid()
    filters = form.filters() if form.is_bound else DirectoryFilters()
    return render(
        request,
        "directory/map.html",
        {
            "form": form,
            "filters": filters,
            "facets": search_directory(filters, page_size=1).facets,
            "map_query": form.query() if form.is_bound else "",
            "overseas": OVERSEAS_VIEWS,
        },
    )


def _query_without(request: HttpRequest, drop: tuple[str, ...] = ("page",)) -> str:
    query = request.GET.copy()
    for name in drop:
        query.pop(name, None)
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
    result = _search(request, DirectoryFilters(commune=insee_code), with_facets=False)
    return render(
        request,
        "directory/commune_detail.html",
        {
            "commune": commune,
            "result": result,
            "map_points": map_points(Organisation.objects.published().in_commune(insee_code)),
        },
    )


def departement_detail(request: HttpRequest, code: str) -> HttpResponse:
    departement = get_object_or_404(Departement.objects.select_related("region"), code=code)
    result = _search(request, DirectoryFilters(departements=(code,)), with_facets=False)
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
            "result": result,
            "top_communes": top_communes,
            "map_points": map_points(Organisation.objects.published().in_departements([code])),
        },
    )
