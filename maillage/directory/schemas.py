import datetime
from typing import Literal

from ninja import Field, Schema

from maillage.core.pagination import PageMeta


class SectorOut(Schema):
    slug: str
    name: str


class KindOut(Schema):
    code: str
    name: str


class CommuneRef(Schema):
    insee_code: str
    name: str
    departement: str

    @staticmethod
    def resolve_departement(commune) -> str:
        return commune.departement_id


class EstablishmentOut(Schema):
    siret: str | None
    name: str
    address: str
    postal_code: str
    commune: CommuneRef
    latitude: float | None
    longitude: float | None
    is_head_office: bool


class OrganisationSummary(Schema):
    id: int
    slug: str
    name: str
    brand: str
    siren: str
    ess_family: str
    is_esus: bool
    kinds: list[KindOut]
    sectors: list[SectorOut]
    head_office: EstablishmentOut | None
    url: str

    @staticmethod
    def resolve_kinds(organisation) -> list:
        return organisation.card_kinds  # queryset.with_card_data()

    @staticmethod
    def resolve_sectors(organisation) -> list:
        return organisation.card_sectors

    @staticmethod
    def resolve_head_office(organisation):
        establishments = organisation.card_establishments
        return establishments[0] if establishments else None

    @staticmethod
    def resolve_url(organisation) -> str:
        return organisation.get_absolute_url()


class NafOut(Schema):
    code: str
    label: str


class LegalFormOut(Schema):
    code: str
    label: str


class NamedOut(Schema):
    slug: str
    name: str


class OrganisationDetail(OrganisationSummary):
    rna: str
    legal_form: LegalFormOut | None
    naf: NafOut | None
    description: str
    website: str
    email: str
    phone: str
    size_band: str
    labels: list[NamedOut]
    networks: list[NamedOut]
    poles: list[NamedOut]
    daily_needs: list[NamedOut]
    establishments: list[EstablishmentOut]
    valid_until: datetime.date
    updated_at: datetime.datetime

    @staticmethod
    def resolve_labels(organisation) -> list:
        return list(organisation.labels.all())

    @staticmethod
    def resolve_networks(organisation) -> list:
        return list(organisation.networks.all())

    @staticmethod
    def resolve_poles(organisation) -> list:
        return list(organisation.poles.all())

    @staticmethod
    def resolve_daily_needs(organisation) -> list:
        return list(organisation.daily_needs.all())

    @staticmethod
    def resolve_establishments(organisation) -> list:
        return organisation.card_establishments  # head office first


class SearchResultItem(OrganisationSummary):
    distance_km: float | None = None

    @staticmethod
    def resolve_distance_km(organisation) -> float | None:
        distance = getattr(organisation, "distance_km", None)
        return round(distance, 3) if distance is not None else None


class FacetOut(Schema):
    value: str
    label: str
    count: int
    selected: bool


class OrganisationPage(PageMeta):
    results: list[SearchResultItem]
    facets: dict[str, list[FacetOut]]
    is_approximate: bool
    corrected_query: str = Field(
        "",
        description="Quand aucune organisation ne contient un mot : la recherche faite à la "
        "place, avec des mots proches.",
    )


# The map's clusters as GeoJSON (RFC 7946), documented for clients; the payload itself is built
# as plain dicts (a screenful must stay fast) and checked against these models in the tests.
class PointGeometry(Schema):
    type: Literal["Point"]
    coordinates: list[float] = Field(..., description="[longitude, latitude] (WGS 84)")


class ClusterProperties(Schema):
    count: int = Field(..., description="Organisations groupées ici (1 : une seule)")
    id: int | None = Field(None, description="Une seule organisation : son identifiant")
    name: str | None = Field(None, description="Une seule organisation : son nom")
    slug: str | None = Field(
        None, description="Une seule organisation : sa fiche /organisations/<slug>/"
    )


class ClusterFeature(Schema):
    type: Literal["Feature"]
    geometry: PointGeometry
    properties: ClusterProperties


class ClusterCollectionProperties(Schema):
    zoom: int
    grouping: str = Field(..., description="« points », ou h3_rN : cellules H3 de résolution N")
    total: int = Field(..., description="Organisations comptées dans les éléments")
    extent: list[float] | None = Field(
        None, description="Avec extent=true : [min_lon, min_lat, max_lon, max_lat] des résultats"
    )


class ClusterCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[ClusterFeature]
    properties: ClusterCollectionProperties
