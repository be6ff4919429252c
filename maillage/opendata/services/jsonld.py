"""Organisations as linked data: schema.org Organization, with ESSGlobal terms where they fit.

ESSGlobal is the vocabulary of the social and solidarity economy maps (RIPESS). Its published
namespace is `http://purl.org/essglobal/vocab/` (the vocabulary's own
`vann:preferredNamespaceUri`), and its controlled vocabularies are SKOS concept schemes under
`http://purl.org/essglobal/standard/`: values are concepts (`{"@id": …}`), never labels.
ESSGlobal has no term for most identifiers, so schema.org carries those.
"""

from django.urls import reverse

from maillage.core.geo import published_coordinate
from maillage.directory.models import EssFamily

ESSGLOBAL = "http://purl.org/essglobal/vocab/"
ESSGLOBAL_STANDARD = "http://purl.org/essglobal/standard/"
CONTEXT = {"@vocab": "https://schema.org/", "essglobal": ESSGLOBAL}
# Our ESS families in ESSGlobal's organisational-structure scheme. Cooperatives and mutuals have
# no concept of their own there (only kinds of cooperatives: workers', consumers'…, which the
# family does not tell), so they get none rather than a wrong one.
ORGANISATIONAL_STRUCTURE = {
    EssFamily.ASSOCIATION: "OS20",  # Not-for-profit organisation
    EssFamily.FONDATION: "OS40",  # Charity
    EssFamily.COMPANY: "OS30",  # Social enterprise
}
# Structure kinds in ESSGlobal's qualifiers scheme: integration through work (SIAE, GEIQ) is
# « Social insertion initiatives »; work for disabled people (EA, ESAT) is « Socially fair ».
QUALIFIERS = {
    "EI": "Socialinsertioninitiatives",
    "ETTI": "Socialinsertioninitiatives",
    "ACI": "Socialinsertioninitiatives",
    "AI": "Socialinsertioninitiatives",
    "EITI": "Socialinsertioninitiatives",
    "GEIQ": "Socialinsertioninitiatives",
    "EA": "q03",
    "ESAT": "q03",
}


def _concept(scheme: str, code: str) -> dict:
    return {"@id": f"{ESSGLOBAL_STANDARD}{scheme}/{code}"}


def organisation_url(base_url: str, slug: str) -> str:
    return base_url + reverse("directory:organisation", args=[slug])


def _identifiers(record: dict) -> list[dict]:
    pairs = [
        ("SIRET", record.get("head__siret")),
        ("SIREN", record.get("siren")),
        ("RNA", record.get("rna")),
        ("NAF rév. 2", record.get("naf_id")),
    ]
    return [
        {"@type": "PropertyValue", "propertyID": name, "value": value}
        for name, value in pairs
        if value
    ]


def organisation_jsonld(record: dict, base_url: str) -> dict:
    """One node from an export record (see exports._records) or from organisation_record()."""
    address = {
        "@type": "PostalAddress",
        "streetAddress": record.get("head__address") or "",
        "postalCode": record.get("head__postal_code") or "",
        "addressLocality": record.get("head__commune__name") or "",
        "addressCountry": "FR",
    }
    node: dict = {
        "@type": ["Organization", "essglobal:SSEInitiative"],
        "@id": organisation_url(base_url, record["slug"]),
        "name": record["brand"] or record["name"],
        "legalName": record["name"],
        "identifier": _identifiers(record),
        "address": address,
    }
    if record.get("siren"):
        node["taxID"] = record["siren"]
    latitude = published_coordinate(record.get("head__latitude"))
    if latitude is not None:
        # schema.org gives `geo` to places, not organisations: the head office is a Place.
        node["location"] = {
            "@type": "Place",
            "address": address,
            "geo": {
                "@type": "GeoCoordinates",
                "latitude": latitude,
                "longitude": published_coordinate(record["head__longitude"]),
            },
        }
    for key, term in (
        ("website", "url"),
        ("email", "email"),
        ("phone", "telephone"),
        ("description", "description"),
    ):
        if record.get(key):
            node[term] = record[key]
    # No isicV4: NAF rév. 2 refines NACE rév. 2, whose classes do not all match an ISIC rév. 4
    # class (its first four digits are not one for about a third of the organisations); the NAF
    # code goes as an identifier instead.
    structure = ORGANISATIONAL_STRUCTURE.get(record.get("ess_family") or "")
    if structure:
        node["essglobal:organisationalStructure"] = _concept("organisational-structure", structure)
    qualifiers = sorted(
        {QUALIFIERS[kind] for kind in record.get("kinds") or [] if kind in QUALIFIERS}
    )
    if qualifiers:
        node["essglobal:qualifier"] = [_concept("qualifiers", code) for code in qualifiers]
    return node


def organisation_record(organisation) -> dict:
    """The export record of one organisation already loaded (its page)."""
    establishments = list(organisation.establishments.all())
    head = next(
        (e for e in establishments if e.is_head_office),
        establishments[0] if establishments else None,
    )
    return {
        "pk": organisation.pk,
        "slug": organisation.slug,
        "name": organisation.name,
        "brand": organisation.brand,
        "siren": organisation.siren,
        "rna": organisation.rna,
        "legal_form_id": organisation.legal_form_id,
        "ess_family": organisation.ess_family,
        "naf_id": organisation.naf_id,
        "website": organisation.website,
        "email": organisation.email,
        "phone": organisation.phone,
        "description": organisation.description,
        "kinds": [kind.code for kind in organisation.kinds.all()],
        "head__siret": head.siret if head else None,
        "head__address": head.address if head else "",
        "head__postal_code": head.postal_code if head else "",
        "head__commune__name": head.commune.name if head else "",
        "head__commune_id": head.commune_id if head else "",
        "head__latitude": published_coordinate(head.latitude) if head else None,
        "head__longitude": published_coordinate(head.longitude) if head else None,
    }
