"""Exports of the directory as CSV, GeoJSON and JSON-LD, streamed in constant memory.

Rows are read as tuples in chunks (`iterator(chunk_size=…)`), each chunk completed with its
kinds in one query, and written as they come: a million organisations never sit in memory.
"""

import csv
import io
import json
from collections.abc import Iterator

from django.db.models import FilteredRelation, Q, QuerySet

from maillage.directory.models import Organisation
from maillage.opendata.services.jsonld import CONTEXT, organisation_jsonld, organisation_url

CHUNK = 2000
COLUMNS = (
    "name",
    "brand",
    "siret",
    "siren",
    "rna",
    "legal_form",
    "ess_family",
    "naf",
    "kinds",
    "address",
    "postal_code",
    "city",
    "commune_insee",
    "latitude",
    "longitude",
    "website",
    "email",
    "phone",
    "description",
)
_VALUES = (
    "pk",
    "slug",
    "name",
    "brand",
    "head__siret",
    "siren",
    "rna",
    "legal_form_id",
    "ess_family",
    "naf_id",
    "head__address",
    "head__postal_code",
    "head__commune__name",
    "head__commune_id",
    "head__latitude",
    "head__longitude",
    "website",
    "email",
    "phone",
    "description",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _records(organisations: QuerySet[Organisation]) -> Iterator[dict]:
    """One dict per organisation with its head office and kinds, chunk by chunk."""
    rows = (
        organisations.annotate(
            head=FilteredRelation(
                "establishments", condition=Q(establishments__is_head_office=True)
            )
        )
        .order_by("pk")
        .values_list(*_VALUES)
        .iterator(chunk_size=CHUNK)
    )
    links = Organisation.kinds.through.objects
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield from _with_kinds(chunk, links)
            chunk = []
    if chunk:
        yield from _with_kinds(chunk, links)


def _with_kinds(chunk: list[tuple], links) -> Iterator[dict]:
    kinds: dict[int, list[str]] = {}
    for pk, code in (
        links.filter(organisation_id__in=[row[0] for row in chunk])
        .order_by("organisation_id", "structurekind__position")
        .values_list("organisation_id", "structurekind_id")
    ):
        kinds.setdefault(pk, []).append(code)
    for row in chunk:
        record = dict(zip(_VALUES, row, strict=True))
        record["kinds"] = kinds.get(row[0], [])
        yield record


def neutralise(value: str) -> str:
    """A cell a spreadsheet would run as a formula is prefixed with a quote (the import removes it)."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _csv_row(record: dict) -> list[str]:
    naf = record["naf_id"] or ""
    values = [
        record["name"],
        record["brand"],
        record["head__siret"] or "",
        record["siren"],
        record["rna"],
        record["legal_form_id"] or "",
        record["ess_family"],
        naf.replace(".", ""),
        ",".join(record["kinds"]),
        record["head__address"] or "",
        record["head__postal_code"] or "",
        record["head__commune__name"] or "",
        record["head__commune_id"] or "",
        "" if record["head__latitude"] is None else repr(record["head__latitude"]),
        "" if record["head__longitude"] is None else repr(record["head__longitude"]),
        record["website"],
        record["email"],
        record["phone"],
        record["description"],
    ]
    return [neutralise(value) for value in values]


def export_csv(organisations: QuerySet[Organisation], *, bom: bool = False) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    if bom:
        buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    for count, record in enumerate(_records(organisations), start=1):
        writer.writerow(_csv_row(record))
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _feature(record: dict, base_url: str) -> dict:
    latitude, longitude = record["head__latitude"], record["head__longitude"]
    geometry = (
        {"type": "Point", "coordinates": [longitude, latitude]} if latitude is not None else None
    )
    return {
        "type": "Feature",
        "id": record["pk"],
        "geometry": geometry,
        "properties": {
            "name": record["name"],
            "brand": record["brand"],
            "siret": record["head__siret"],
            "siren": record["siren"],
            "rna": record["rna"],
            "ess_family": record["ess_family"],
            "naf": record["naf_id"],
            "kinds": record["kinds"],
            "address": record["head__address"],
            "postal_code": record["head__postal_code"],
            "city": record["head__commune__name"],
            "commune_insee": record["head__commune_id"],
            "website": record["website"],
            "url": organisation_url(base_url, record["slug"]),
        },
    }


def _json_array(items: Iterator[dict], head: str, tail: str) -> Iterator[str]:
    parts = [head]
    for index, item in enumerate(items):
        parts.append(("," if index else "") + json.dumps(item, ensure_ascii=False))
        if len(parts) >= 500:
            yield "".join(parts)
            parts = []
    parts.append(tail)
    yield "".join(parts)


def export_geojson(organisations: QuerySet[Organisation], *, base_url: str) -> Iterator[str]:
    """RFC 7946: WGS 84, [longitude, latitude]; organisations without a point have a null geometry."""
    features = (_feature(record, base_url) for record in _records(organisations))
    return _json_array(features, '{"type":"FeatureCollection","features":[', "]}")


def export_jsonld(organisations: QuerySet[Organisation], *, base_url: str) -> Iterator[str]:
    """schema.org Organization (and ESSGlobal where it fits) in one @graph."""
    nodes = (organisation_jsonld(record, base_url) for record in _records(organisations))
    head = '{"@context":' + json.dumps(CONTEXT) + ',"@graph":['
    return _json_array(nodes, head, "]}")
