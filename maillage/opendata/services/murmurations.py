"""Organisation profiles for the Murmurations network (organizations_schema-v1.0.0, in data/)."""

from maillage.opendata.services.jsonld import organisation_record

SCHEMA = "organizations_schema-v1.0.0"


def murmurations_profile(organisation, *, base_url: str) -> dict:
    record = organisation_record(organisation)
    url = f"{base_url}{organisation.get_absolute_url()}"
    profile: dict = {
        "linked_schemas": [SCHEMA],
        "name": organisation.name,
        "primary_url": url,
        "country_iso_3166": "FR",
        "status": "active",
    }
    tags = (
        set(record["kinds"])
        | {sector.name[:100] for sector in organisation.sectors.all()}
        | ({str(organisation.get_ess_family_display())} if organisation.ess_family else set())
    )
    if tags:  # the schema wants at least one tag when the field is there
        profile["tags"] = sorted(tags)
    if organisation.brand:
        profile["nickname"] = organisation.brand
    if organisation.description:
        profile["description"] = organisation.description[:2000]
    address = ", ".join(
        part
        for part in (
            record["head__address"],
            f"{record['head__postal_code']} {record['head__commune__name']}".strip(),
            "France",
        )
        if part
    )
    profile["full_address"] = address
    if record["head__latitude"] is not None:
        profile["geolocation"] = {"lat": record["head__latitude"], "lon": record["head__longitude"]}
    urls = [{"name": "Maillage", "url": url}]
    if organisation.website:
        urls.append({"name": "Site web", "url": organisation.website})
        profile["primary_url"] = organisation.website
    profile["urls"] = urls
    profile["contact_details"] = {"contact_form": url}
    if organisation.email:
        profile["contact_details"]["email"] = organisation.email
    if organisation.phone:
        profile["telephone"] = organisation.phone
    return profile
