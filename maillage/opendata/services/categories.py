"""Categories of another platform's map (GoGoCarto) linked to the directory's sectors by name.

A category whose folded name is a sector's becomes a link chosen by the source (not derived
from the NAF code, so a later NAF derivation keeps it); the others are reported once each.
"""

from maillage.core.text import fold
from maillage.directory.models import OrganisationSector, Sector
from maillage.opendata.models import SourceRecord
from maillage.opendata.readers.base import RowProblem
from maillage.opendata.services.checks import Candidate


class CategoryLinker:
    def __init__(self, *, source: str) -> None:
        self.source = source
        self.sectors = {fold(name): pk for pk, name in Sector.objects.values_list("pk", "name")}
        self.reported: set[str] = set()
        self.pending: dict[str, list[int]] = {}  # source id → sectors, until the batch commits

    def read(self, candidate: Candidate, categories: str) -> list[RowProblem]:
        """Remember the sectors of a checked row; the categories without one, reported once."""
        sectors, problems = [], []
        for name in (part.strip() for part in categories.split(",")):
            key = fold(name)
            if key in self.sectors:
                sectors.append(self.sectors[key])
            elif key and key not in self.reported:
                self.reported.add(key)
                problems.append(
                    RowProblem(
                        candidate.line,
                        "categories",
                        name,
                        f"Catégorie « {name} » sans filière du même nom dans l'annuaire : "
                        "ignorée (signalée à sa première ligne seulement).",
                    )
                )
        if sectors:
            self.pending[candidate.source_id] = sectors
        return problems

    def link(self) -> None:
        """Link the sectors of the rows just written (inside the batch's transaction)."""
        if not self.pending:
            return
        organisations = dict(
            SourceRecord.objects.filter(
                source=self.source, source_id__in=list(self.pending)
            ).values_list("source_id", "organisation_id")
        )
        OrganisationSector.objects.bulk_create(
            [
                OrganisationSector(organisation_id=organisations[source_id], sector_id=sector)
                for source_id, sectors in self.pending.items()
                if source_id in organisations
                for sector in sectors
            ],
            ignore_conflicts=True,
        )
        self.pending.clear()
