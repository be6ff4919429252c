"""Upkeep of an organisation's derived data: its search text and its sectors deduced from NAF."""

from collections.abc import Iterable

from maillage.core.text import fold
from maillage.directory.models import NafSectorRule, Organisation, OrganisationSector
from maillage.directory.search.changes import directory_changed


def fold_parts(*parts: str) -> str:
    return " ".join(fold(part) for part in parts if part)


def build_search_text(
    *,
    naf_label: str,
    places: Iterable[str],
    sectors: Iterable[str],
    kinds: Iterable[str],
    description: str = "",
) -> str:
    """Everything but the name, folded, so that search ignores accents and case on any engine."""
    return fold_parts(naf_label, *places, *sectors, *kinds, description)


def refresh_search_text(
    organisation: Organisation, *, places_changed: bool = True, announce: bool = True
) -> None:
    """Recompute the folded search columns after the profile or its relations changed.

    `announce`: record the change for the search indexes (an import announces its rows at once);
    `places_changed`: it may have added, moved or removed establishments (map cells)."""
    establishments = organisation.establishments.select_related("commune")
    places = [
        text
        for establishment in establishments
        for text in (establishment.commune.name, establishment.postal_code)
    ]
    organisation.search_name = fold_parts(organisation.name, organisation.brand)
    organisation.search_text = build_search_text(
        naf_label=organisation.naf.label if organisation.naf_id else "",
        places=places,
        sectors=organisation.sectors.values_list("name", flat=True),
        kinds=organisation.kinds.values_list("code", flat=True),
        description=organisation.description,
    )
    Organisation.objects.filter(pk=organisation.pk).update(
        search_name=organisation.search_name, search_text=organisation.search_text
    )
    if announce:
        directory_changed([organisation.pk], places_changed=places_changed)


class NafSectorIndex:
    """The NAF→sector rules in memory; the rules with the longest prefix of a code win."""

    def __init__(self) -> None:
        self._rules: dict[str, list[int]] = {}
        for prefix, sector_id in NafSectorRule.objects.values_list("naf_prefix", "sector_id"):
            self._rules.setdefault(prefix, []).append(sector_id)

    def sectors_for(self, naf_compact: str) -> list[int]:
        for length in range(len(naf_compact), 1, -1):
            sector_ids = self._rules.get(naf_compact[:length])
            if sector_ids:
                return sector_ids
        return []


def derive_sectors(organisation: Organisation, index: NafSectorIndex | None = None) -> None:
    """Replace the sectors deduced from NAF; sectors chosen by people are never touched."""
    index = index or NafSectorIndex()
    OrganisationSector.objects.filter(organisation=organisation, is_derived=True).delete()
    if not organisation.naf_id:
        return
    chosen = set(organisation.sectors.values_list("pk", flat=True))
    OrganisationSector.objects.bulk_create(
        [
            OrganisationSector(organisation=organisation, sector_id=sector_id, is_derived=True)
            for sector_id in index.sectors_for(organisation.naf.code_compact)
            if sector_id not in chosen
        ]
    )
