"""Demo offers and needs of real demo organisations (Vienne, Hautes-Alpes, Gironde), marked as
examples (« Exemple ») so that nobody mistakes them for what the organisations published.

They are written through the same service as people's listings, so the same rules apply. Loading
twice changes nothing; --force replaces the examples.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from maillage.catalogue.models import ExchangeMode, Kind, Listing, NeedReport, Recurrence, Side
from maillage.catalogue.services.listings import publish_listing
from maillage.directory.models import Organisation, Sector
from maillage.territory.models import Commune


@dataclass
class Example:
    organisation: str
    side: str
    kind: str
    title: str
    description: str
    sectors: list[str]
    mode: str
    radius_km: int = 30
    price: str | None = None
    on_quote: bool = False
    quantity: str | None = None
    unit: str = ""
    starts_in_days: int | None = None
    lasts_days: int | None = None
    recurrence: str = Recurrence.ONCE
    reserved_market: str = ""
    departements: list[str] = field(default_factory=list)


EXAMPLES = [
    Example(
        "sarl-tremplin-restauration-86",
        Side.OFFER,
        Kind.SERVICE,
        "Repas traiteur pour vos événements, jusqu'à 80 couverts",
        "Cuisine de saison préparée par notre équipe en insertion, produits locaux, livraison "
        "et service compris dans Grand Poitiers.",
        ["restaurants-cantines"],
        ExchangeMode.PRICED,
        radius_km=40,
        on_quote=True,
        quantity="80",
        unit="couverts",
    ),
    Example(
        "regie-de-quartiers-insersud-86",
        Side.NEED,
        Kind.SERVICE,
        "Traiteur pour le repas de fin d'année de nos équipes",
        "Un repas chaud pour 60 personnes, salariés en insertion et bénévoles, dans notre salle "
        "des Couronneries. Nous préférons une structure de l'ESS et des produits locaux.",
        ["restaurants-cantines"],
        ExchangeMode.PRICED,
        radius_km=30,
        quantity="60",
        unit="couverts",
        starts_in_days=25,
        lasts_days=20,
    ),
    Example(
        "le-toit-du-monde-86",
        Side.NEED,
        Kind.SERVICE,
        "Entretien des espaces verts de nos jardins partagés",
        "Tonte, taille des haies et débroussaillage deux fois par mois d'avril à octobre, "
        "environ 3 000 m² à Poitiers.",
        ["creation-et-entretien-des-espaces-verts"],
        ExchangeMode.PRICED,
        radius_km=20,
        quantity="3000",
        unit="m²",
        starts_in_days=10,
        lasts_days=200,
        recurrence=Recurrence.MONTHLY,
        reserved_market="siae",
    ),
    Example(
        "assoc-cap-vert-86",
        Side.OFFER,
        Kind.SERVICE,
        "Tonte, taille de haies et débroussaillage",
        "Équipes encadrées et matériel professionnel ; interventions ponctuelles ou contrats "
        "à l'année autour de Buxerolles et Poitiers.",
        ["creation-et-entretien-des-espaces-verts"],
        ExchangeMode.PRICED,
        radius_km=25,
        on_quote=True,
        quantity="5000",
        unit="m²",
    ),
    Example(
        "sarl-eive-86-86",
        Side.OFFER,
        Kind.SERVICE,
        "Entretien d'espaces verts et d'espaces naturels",
        "Entreprise d'insertion : entretien courant, gestion différenciée, plantations.",
        ["entretien-restauration-amenagement-des-espaces-naturels"],
        ExchangeMode.PRICED,
        radius_km=40,
        on_quote=True,
    ),
    Example(
        "association-action-ozon-86",
        Side.OFFER,
        Kind.SERVICE,
        "Espaces verts et petits travaux dans le Châtelleraudais",
        "Chantier d'insertion : tonte, taille, petits travaux de maçonnerie paysagère.",
        ["creation-et-entretien-des-espaces-verts"],
        ExchangeMode.PRICED,
        radius_km=25,
        on_quote=True,
    ),
    Example(
        "job-86-86-f88e",
        Side.OFFER,
        Kind.PRODUCT,
        "Paniers de légumes bio de saison, chaque semaine",
        "Légumes cultivés en agriculture biologique par notre jardin d'insertion à Saulgé ; "
        "paniers de 5 à 7 kg livrés chaque mardi.",
        ["maraichage"],
        ExchangeMode.PRICED,
        radius_km=60,
        price="15.00",
        quantity="120",
        unit="paniers",
        recurrence=Recurrence.WEEKLY,
    ),
    Example(
        "restaurant-du-coeur-de-la-vienne-86",
        Side.NEED,
        Kind.PRODUCT,
        "Légumes frais pour notre atelier cuisine",
        "50 paniers de légumes par semaine pour l'atelier cuisine et les familles accueillies.",
        ["maraichage"],
        ExchangeMode.PRICED,
        radius_km=60,
        quantity="50",
        unit="paniers",
        recurrence=Recurrence.WEEKLY,
    ),
    Example(
        "ctre-de-plein-air-86",
        Side.OFFER,
        Kind.PREMISES,
        "Salle de réunion et hébergement pour vos séminaires",
        "Salle de 60 places, 40 lits et restauration sur place, au bord de la Gartempe.",
        ["sport"],
        ExchangeMode.PRICED,
        radius_km=150,
        on_quote=True,
        quantity="60",
        unit="places",
    ),
    Example(
        "assoc-alpes-blanchisserie-insertion-05",
        Side.OFFER,
        Kind.SERVICE,
        "Blanchisserie : linge d'hébergement et de restauration",
        "Lavage, séchage, repassage et livraison dans les Hautes-Alpes ; 500 kg par semaine.",
        ["blanchisserie"],
        ExchangeMode.PRICED,
        radius_km=80,
        on_quote=True,
        quantity="500",
        unit="kg",
    ),
    Example(
        "villages-des-jeunes-solidarites-jeunesse-05",
        Side.NEED,
        Kind.SERVICE,
        "Lavage du linge de nos chantiers de bénévoles cet été",
        "Draps et linge de 40 volontaires internationaux, deux fois par semaine en juillet et "
        "août, à Veynes.",
        ["blanchisserie"],
        ExchangeMode.PRICED,
        radius_km=60,
        quantity="200",
        unit="kg",
        starts_in_days=40,
        lasts_days=60,
    ),
    Example(
        "les-jardins-du-buech-05",
        Side.OFFER,
        Kind.VOLUNTEER,
        "Journées de chantier participatif au jardin",
        "Venez planter, pailler et récolter avec nos équipes : une journée par mois, repas "
        "partagé.",
        ["creation-et-entretien-des-espaces-verts"],
        ExchangeMode.FREE,
        radius_km=50,
        recurrence=Recurrence.MONTHLY,
    ),
    Example(
        "humanys-travail-temporaire-05",
        Side.OFFER,
        Kind.SERVICE,
        "Personnel en insertion pour vos pics d'activité",
        "Manutention, chantiers, entretien : missions de quelques jours à plusieurs mois, "
        "avec accompagnement.",
        ["manutention", "travaux-de-chantiers-74"],
        ExchangeMode.PRICED,
        radius_km=80,
        on_quote=True,
        departements=["04"],
    ),
    Example(
        "lacs-rivieres-et-sentiers-05",
        Side.NEED,
        Kind.SERVICE,
        "Renfort de trois personnes pour l'entretien des sentiers au printemps",
        "Débroussaillage et petits ouvrages sur les sentiers du Gapençais, six semaines.",
        ["travaux-de-chantiers-74"],
        ExchangeMode.PRICED,
        radius_km=50,
        quantity="3",
        unit="personnes",
        starts_in_days=30,
        lasts_days=45,
    ),
    Example(
        "assoc-ei-aveugles-du-sud-ouest-33",
        Side.OFFER,
        Kind.SERVICE,
        "Numérisation et archivage de documents",
        "Numérisation, indexation et archivage, par une entreprise d'insertion employant des "
        "personnes déficientes visuelles.",
        ["numerisation-ged"],
        ExchangeMode.PRICED,
        radius_km=60,
        on_quote=True,
    ),
    Example(
        "assoc-livre-vert-33",
        Side.NEED,
        Kind.SERVICE,
        "Numérisation de 2 000 livres anciens",
        "Numériser notre fonds de livres anciens pour le proposer en ligne ; marché réservé à "
        "une structure inclusive.",
        ["numerisation-ged"],
        ExchangeMode.PRICED,
        radius_km=40,
        quantity="2000",
        unit="livres",
        reserved_market="inclusive",
    ),
    Example(
        "assoc-amos-33",
        Side.OFFER,
        Kind.PRODUCT,
        "Textiles de réemploi triés, au kilo",
        "Vêtements et linge de maison triés par qualité, pour friperies, ateliers de couture "
        "et associations.",
        ["recyclage-textiles"],
        ExchangeMode.PRICED,
        radius_km=100,
        price="2.50",
        quantity="1000",
        unit="kg",
    ),
]

REPORTS = [
    (
        "Pas d'atelier de réparation de vélos à Chauvigny : les jeunes n'ont pas de solution pour "
        "entretenir leur vélo.",
        "86070",
        "les jeunes et les familles",
        NeedReport.Frequency.ALWAYS,
    ),
    (
        "Aucune blanchisserie pour les gîtes du Champsaur en été.",
        "05132",
        "les gîtes et campings",
        NeedReport.Frequency.OFTEN,
    ),
]


def _data(example: Example, organisation: Organisation, today: datetime.date) -> dict:
    starts = (
        today + datetime.timedelta(days=example.starts_in_days) if example.starts_in_days else None
    )
    ends = (
        starts + datetime.timedelta(days=example.lasts_days)
        if starts and example.lasts_days
        else None
    )
    return {
        "title": example.title,
        "description": f"Exemple de démonstration. {example.description}",
        "kind": example.kind,
        "exchange_mode": example.mode,
        "price": Decimal(example.price) if example.price else None,
        "price_on_quote": example.on_quote,
        "quantity": Decimal(example.quantity) if example.quantity else None,
        "unit": example.unit,
        "available_from": starts,
        "available_until": ends,
        "recurrence": example.recurrence,
        "radius_km": example.radius_km,
        "reserved_market": example.reserved_market,
        "sectors": list(Sector.objects.filter(slug__in=example.sectors)),
        "area_departements": example.departements,
    }


@transaction.atomic
def load_demo_catalogue(*, force: bool = False) -> int:
    """Publish the examples whose organisation is in the directory; returns how many."""
    if Listing.objects.filter(is_example=True).exists():
        if not force:
            return 0
        Listing.objects.filter(is_example=True).delete()
        NeedReport.objects.filter(reporter_name="Exemple de démonstration").delete()
    today = timezone.localdate()
    organisations = Organisation.objects.in_bulk(
        [e.organisation for e in EXAMPLES], field_name="slug"
    )
    created = 0
    for example in EXAMPLES:
        organisation = organisations.get(example.organisation)
        if organisation is None or not organisation.establishments.exists():
            continue
        publish_listing(
            organisation=organisation,
            user=None,
            side=example.side,
            data=_data(example, organisation, today),
            is_example=True,
        )
        created += 1
    for what, insee, for_whom, frequency in REPORTS:
        commune = Commune.objects.filter(pk=insee).first()
        if commune is not None:
            NeedReport.objects.create(
                what=what,
                commune=commune,
                for_whom=for_whom,
                frequency=frequency,
                reporter_kind=NeedReport.ReporterKind.CITIZEN,
                reporter_name="Exemple de démonstration",
            )
    return created
