"""Exports of the directory as CSV, GeoJSON and JSON-LD, streamed in constant memory.

Rows are read as tuples in chunks (`iterator(chunk_size=…)`), each chunk completed with its
kinds in one query, and written as they come: a million organisations never sit in memory.
"""

import io
import json
from collections.abc import Iterator

from django.db.models import FilteredRelation, Q, QuerySet

from maillage.core.csv_safe import csv_writer
from maillage.core.geo import published_coordinate
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


def _rows(organisations: QuerySet[Organisation]) -> Iterator[tuple[tuple, list[str]]]:
    """(values in _VALUES order, kinds) per organisation, chunk by chunk, in id order."""
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
    chunk: list[tuple] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            yield from _with_kinds(chunk)
            chunk = []
    if chunk:
        yield from _with_kinds(chunk)


def _with_kinds(chunk: list[tuple]) -> Iterator[tuple[tuple, list[str]]]:
    # The chunk is a range of ids: one indexed range query, filtered here, beats an IN list.
    kinds: dict[int, list[str]] = {}
    links = Organisation.kinds.through.objects.filter(
        organisation_id__gte=chunk[0][0], organisation_id__lte=chunk[-1][0]
    ).order_by("organisation_id", "structurekind__position")
    for pk, code in links.values_list("organisation_id", "structurekind_id"):
        kinds.setdefault(pk, []).append(code)
    for row in chunk:
        yield _rounded(row), kinds.get(row[0], [])


_LATITUDE, _LONGITUDE = _VALUES.index("head__latitude"), _VALUES.index("head__longitude")


def _rounded(row: tuple) -> tuple:
    """Coordinates as every export publishes them (core.geo.published_coordinate)."""
    values = list(row)
    for position in (_LATITUDE, _LONGITUDE):
        values[position] = published_coordinate(values[position])
    return tuple(values)


def _records(organisations: QuerySet[Organisation]) -> Iterator[dict]:
    for row, kinds in _rows(organisations):
        record = dict(zip(_VALUES, row, strict=True))
        record["kinds"] = kinds
        yield record


# Positions in _VALUES of the CSV columns, in COLUMNS order (kinds apart).
_CSV_SOURCES = [
    "name",
    "brand",
    "head__siret",
    "siren",
    "rna",
    "legal_form_id",
    "ess_family",
    "naf_id",
    None,
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
]
_CSV_POSITIONS = [None if name is None else _VALUES.index(name) for name in _CSV_SOURCES]


def _csv_row(row: tuple, kinds: list[str]) -> list:
    cells = []
    for position in _CSV_POSITIONS:
        if position is None:
            cells.append(",".join(kinds))
            continue
        value = row[position]
        if value is None:
            cells.append("")
        else:
            cells.append(value)  # csv_writer quotes formulas; floats are written as numbers
    return cells


def export_csv(organisations: QuerySet[Organisation], *, bom: bool = False) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv_writer(buffer)
    if bom:
        buffer.write("\ufeff")
    writer.writerow(COLUMNS)
    for count, (row, kinds) in enumerate(_rows(organisations), start=1):
        writer.writerow(_csv_row(row, kinds))
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
