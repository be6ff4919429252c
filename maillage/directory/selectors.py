"""Reads of the directory shared by pages and API: the filtered list and its parameters."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from maillage.directory.models import Establishment, Organisation, Sector, StructureKind
from maillage.territory.models import Commune, Departement


@dataclass(frozen=True)
class DirectoryFilters:
    q: str = ""
    sector: str = ""
    kind: str = ""
    departement: str = ""
    commune: str = ""


def filter_organisations(filters: DirectoryFilters) -> QuerySet[Organisation]:
    organisations = Organisation.objects.published()
    if filters.q:
        organisations = organisations.search(filters.q)
    if filters.sector:
        organisations = organisations.in_sector(filters.sector)
    if filters.kind:
        organisations = organisations.of_kind(filters.kind)
    if filters.departement:
        organisations = organisations.in_departement(filters.departement)
    if filters.commune:
        organisations = organisations.in_commune(filters.commune)
    return organisations.order_by("name", "pk")


def unknown_filter_values(filters: DirectoryFilters) -> dict[str, str]:
    """Filter values that name nothing, with a message: a typo must not look like 'no result'."""
    errors = {}
    if filters.sector and not Sector.objects.filter(slug=filters.sector).exists():
        errors["sector"] = f"Filière inconnue : « {filters.sector} »."
    if filters.kind and not StructureKind.objects.filter(code=filters.kind).exists():
        errors["kind"] = f"Type de structure inconnu : « {filters.kind} »."
    if filters.departement and not Departement.objects.filter(code=filters.departement).exists():
        errors["departement"] = f"Département inconnu : « {filters.departement} »."
    if filters.commune and not Commune.objects.filter(insee_code=filters.commune).exists():
        errors["commune"] = f"Commune inconnue : code INSEE « {filters.commune} »."
    return errors


def sector_choices() -> QuerySet[Sector]:
    """Groups with their sectors, for a grouped select."""
    return Sector.objects.filter(parent=None).prefetch_related("children").order_by("name")


def departement_choices() -> QuerySet[Departement]:
    return Departement.objects.order_by("code")


def kinds_with_counts() -> QuerySet[StructureKind]:
    return StructureKind.objects.annotate(organisation_count=Count("organisations")).order_by(
        "position"
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
