"""Reads of the directory for its pages: counts, sector groups and map points.

The search itself (filters, order, facets) is in `search/query.py`."""

from django.db.models import Count, Q, QuerySet

from maillage.directory.models import Establishment, Organisation, Sector
from maillage.territory.models import Commune, Departement


def sector_groups_with_counts() -> QuerySet[Sector]:
    """Groups of sectors with the number of published organisations in any of their sectors."""
    return (
        Sector.objects.filter(parent=None)
        .annotate(
            organisation_count=Count(
                "children__organisations",
                filter=Q(children__organisations__is_published=True),
                distinct=True,
            )
        )
        .filter(organisation_count__gt=0)
        .order_by("-organisation_count", "name")
    )


def directory_counts() -> dict[str, int]:
    published = Organisation.objects.published()
    return {
        "organisations": published.count(),
        "communes": Commune.objects.filter(establishments__organisation__in=published)
        .distinct()
        .count(),
        "departements": Departement.objects.filter(
            communes__establishments__organisation__in=published
        )
        .distinct()
        .count(),
        "sectors": Sector.objects.filter(parent__isnull=False, organisations__isnull=False)
        .distinct()
        .count(),
    }


def map_points(organisations: QuerySet[Organisation], limit: int = 5000) -> list[list]:
    """Head-office points for a map, compact: [latitude, longitude, name, slug, commune]."""
    rows = Establishment.objects.filter(
        organisation__in=organisations, is_head_office=True, latitude__isnull=False
    ).values_list(
        "latitude",
        "longitude",
        "organisation__name",
        "organisation__brand",
        "organisation__slug",
        "commune__name",
    )[:limit]
    return [
        [round(lat, 5), round(lon, 5), brand or name, slug, commune]
        for lat, lon, name, brand, slug, commune in rows
    ]


def recently_updated(limit: int = 6) -> list[Organisation]:
    """The published organisations changed last, with their card data.

    Read from the newest rows of the updated_at index, then filtered: filtering first makes
    SQLite sort the whole table (1.5 s at 1M). Falls back to that when the newest rows hold too
    few published organisations.
    """
    newest = list(
        Organisation.objects.order_by("-updated_at", "-pk").values_list("pk", flat=True)[
            : limit * 50
        ]
    )
    published = Organisation.objects.published().with_card_data().order_by("-updated_at", "-pk")
    found = list(published.filter(pk__in=newest)[:limit])
    return found if len(found) == limit else list(published[:limit])


HOME_SUMMARY_KEY = "home:summary"


def home_summary() -> dict:
    """The home page's counts and sectors (seconds at 1M: shared, see views.home)."""
    return {"counts": directory_counts(), "sector_groups": list(sector_groups_with_counts())}
