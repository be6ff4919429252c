"""Organisations as linked data: schema.org Organization, with ESSGlobal terms where they fit.

ESSGlobal is the vocabulary of the social and solidarity economy maps (RIPESS); it has no
term for most identifiers, so schema.org carries those.
"""

from django.urls import reverse

from maillage.directory.models import EssFamily

ESSGLOBAL = "https://purl.org/solidarityeconomics/experimental/essglobal/vocab/"
CONTEXT = {"@vocab": "https://schema.org/", "essglobal": ESSGLOBAL}
# Our ESS families in ESSGlobal's organisational-structure vocabulary.
ORGANISATIONAL_STRUCTURE = {
    EssFamily.ASSOCIATION: "Not-for-profit organisation",
    EssFamily.COOPERATIVE: "Co-operative",
    EssFamily.MUTUELLE: "Mutual",
    EssFamily.FONDATION: "Charity",
    EssFamily.COMPANY: "Social enterprise",
}


def organisation_url(base_url: str, slug: str) -> str:
    return base_url + reverse("directory:organisation", args=[slug])


def _identifiers(record: dict) -> list[dict]:
    pairs = [
        ("SIRET", record.get("head__siret")),
        ("SIREN", record.get("siren")),
        ("RNA", record.get("rna")),
    ]
    return [
        {"@type": "PropertyValue", "propertyID": name, "value": value}
        for name, value in pairs
        if value
    ]


def organisation_jsonld(record: dict, base_url: str) -> dict:
    """One node from an export record (see exports._records) or from organisation_record()."""
    node: dict = {
        "@type": ["Organization", "essglobal:SSEInitiative"],
        "@id": organisation_url(base_url, record["slug"]),
        "name": record["brand"] or record["name"],
        "legalName": record["name"],
        "identifier": _identifiers(record),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": record.get("head__address") or "",
            "postalCode": record.get("head__postal_code") or "",
            "addressLocality": record.get("head__commune__name") or "",
            "addressCountry": "FR",
        },
    }
    if record.get("siren"):
        node["taxID"] = record["siren"]
    if record.get("head__latitude") is not None:
        node["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": record["head__latitude"],
            "longitude": record["head__longitude"],
        }
    for key, term in (
        ("website", "url"),
        ("email", "email"),
        ("phone", "telephone"),
        ("description", "description"),
    ):
        if record.get(key):
            node[term] = record[key]
    if record.get("naf_id"):
        # NAF is the French subdivision of NACE, itself built on ISIC rev. 4: its 4 digits match.
        node["isicV4"] = record["naf_id"].replace(".", "")[:4]
    structure = ORGANISATIONAL_STRUCTURE.get(record.get("ess_family") or "")
    if structure:
        node["essglobal:organisationalStructure"] = structure
    if record.get("kinds"):
        node["essglobal:qualifier"] = record["kinds"]
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
        "head__latitude": head.latitude if head else None,
        "head__longitude": head.longitude if head else None,
    }
