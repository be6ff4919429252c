"""Create or update the organisations of one batch: a few queries per batch, none per unchanged row.

The key is the SIRET, else the RNA number, else the source and its identifier. Imports fill and
correct: an empty value in the file never erases what the directory knows. Every changed field
is written to the profile's history with its source and date, as members' edits are.
"""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from maillage.directory.models import Establishment, Organisation, OrganisationSector, Sector
from maillage.directory.services.profile import (
    NafSectorIndex,
    build_search_text,
    derive_sectors,
    fold_parts,
    refresh_search_text,
)
from maillage.membership.models import ChangeRecord
from maillage.opendata.models import ImportProblem, ImportRun, SourceRecord
from maillage.opendata.services.checks import ESTABLISHMENT_FIELDS, ORGANISATION_FIELDS, Candidate

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


@dataclass
class Plan:
    action: str
    candidate: Candidate
    organisation_id: int | None = None
    establishment_id: int | None = None
    changes: dict[str, tuple] = field(default_factory=dict)  # field → (old, new)
    establishment_changes: dict[str, tuple] = field(default_factory=dict)
    new_kinds: list[str] = field(default_factory=list)


def _is_empty(value) -> bool:
    return value in ("", None, False)


class Upsert:
    def __init__(self, *, run: ImportRun) -> None:
        self.run = run
        self.source = run.source
        self.sector_index = NafSectorIndex()
        self.sector_names = dict(Sector.objects.values_list("pk", "name"))

    # Planning: what would happen, without writing (also the dry run).

    def plan(self, candidates: list[Candidate]) -> tuple[list[Plan], list[ImportProblem]]:
        matches = self._match(candidates)
        records = dict(
            SourceRecord.objects.filter(
                source=self.source, source_id__in=[c.source_id for c in candidates]
            ).values_list("source_id", "checksum")
        )
        ids = {pk for pk in matches.values() if pk}
        current = {
            row["id"]: row
            for row in Organisation.objects.filter(pk__in=ids).values("id", *ORGANISATION_FIELDS)
        }
        establishments: dict[int, list[dict]] = {}
        for row in (
            Establishment.objects.filter(organisation_id__in=ids)
            .order_by("-is_head_office", "pk")
            .values("id", "organisation_id", *ESTABLISHMENT_FIELDS)
        ):
            establishments.setdefault(row["organisation_id"], []).append(row)
        kinds: dict[int, set[str]] = {}
        for pk, code in Organisation.kinds.through.objects.filter(
            organisation_id__in=ids
        ).values_list("organisation_id", "structurekind_id"):
            kinds.setdefault(pk, set()).add(code)
        plans = []
        for candidate in candidates:
            pk = matches.get(candidate.line)
            if pk is None:
                plans.append(Plan(CREATED, candidate))
            elif records.get(candidate.source_id) == candidate.checksum:
                plans.append(Plan(UNCHANGED, candidate, pk))
            else:
                plans.append(
                    self._compare(
                        candidate, pk, current[pk], establishments.get(pk, []), kinds.get(pk, set())
                    )
                )
        return plans, self._possible_duplicates([p.candidate for p in plans if p.action == CREATED])

    def _match(self, candidates: list[Candidate]) -> dict[int, int | None]:
        by_siret = dict(
            Establishment.objects.filter(
                siret__in=[c.siret for c in candidates if c.siret]
            ).values_list("siret", "organisation_id")
        )
        rnas = [c.organisation["rna"] for c in candidates if not c.siret and c.organisation["rna"]]
        by_rna = (
            dict(Organisation.objects.filter(rna__in=rnas).values_list("rna", "id")) if rnas else {}
        )
        source_ids = [c.source_id for c in candidates]
        by_source = dict(
            SourceRecord.objects.filter(source=self.source, source_id__in=source_ids).values_list(
                "source_id", "organisation_id"
            )
        )
        by_source |= {
            sid: pk
            for sid, pk in Organisation.objects.filter(
                source=self.source, source_id__in=source_ids
            ).values_list("source_id", "id")
            if sid not in by_source
        }
        matches = {}
        for c in candidates:
            if c.siret:
                matches[c.line] = by_siret.get(c.siret) or by_source.get(c.source_id)
            elif c.organisation["rna"]:
                matches[c.line] = by_rna.get(c.organisation["rna"]) or by_source.get(c.source_id)
            else:
                matches[c.line] = by_source.get(c.source_id)
        return matches

    def _compare(self, candidate, pk, current, establishments, kinds) -> Plan:
        plan = Plan(UPDATED, candidate, pk)
        for name, new in candidate.organisation.items():
            if not _is_empty(new) and new != current[name]:
                plan.changes[name] = (current[name], new)
        target = next(
            (e for e in establishments if candidate.siret and e["siret"] == candidate.siret), None
        )
        target = target or (establishments[0] if establishments else None)
        if target:
            plan.establishment_id = target["id"]
            for name, new in candidate.establishment.items():
                if not _is_empty(new) and new != target[name]:
                    plan.establishment_changes[name] = (target[name], new)
        plan.new_kinds = [code for code in candidate.kinds if code not in kinds]
        if not (plan.changes or plan.establishment_changes or plan.new_kinds):
            plan.action = UNCHANGED
        return plan

    def _possible_duplicates(self, created: list[Candidate]) -> list[ImportProblem]:
        """New rows that look like an organisation already there: listed for review, still created."""
        if not created:
            return []
        problems = []
        sirens = {c.organisation["siren"] for c in created if c.organisation["siren"]}
        known_sirens = dict(
            Organisation.objects.filter(siren__in=sirens).values_list("siren", "slug")
        )
        names = {fold_parts(c.organisation["name"], c.organisation["brand"]) for c in created}
        communes = {c.establishment["commune_id"] for c in created}
        known_names = dict(
            Establishment.objects.filter(
                commune_id__in=communes, organisation__search_name__in=names
            ).values_list("organisation__search_name", "organisation__slug")
        )
        for c in created:
            siren = c.organisation["siren"]
            if siren in known_sirens:
                problems.append(
                    self._problem(
                        c,
                        "siren",
                        siren,
                        f"Doublon possible : l'annuaire a déjà une organisation de SIREN {siren} ({known_sirens[siren]}).",
                    )
                )
            key = fold_parts(c.organisation["name"], c.organisation["brand"])
            if key in known_names:
                problems.append(
                    self._problem(
                        c,
                        "name",
                        c.organisation["name"],
                        f"Doublon possible : même nom dans la même commune que {known_names[key]}.",
                    )
                )
        return problems

    def _problem(self, candidate, name, value, reason) -> ImportProblem:
        return ImportProblem(
            run=self.run,
            kind=ImportProblem.Kind.DUPLICATE,
            line=candidate.line,
            field=name,
            value=value,
            reason=reason,
        )

    # Writing.

    def apply(self, plans: list[Plan]) -> None:
        now = timezone.now()
        self._create([p.candidate for p in plans if p.action == CREATED], now)
        updated = [p for p in plans if p.action == UPDATED]
        for plan in updated:
            self._update(plan, now)
        self._record_sources([p for p in plans if p.action != CREATED], now)

    def _create(self, candidates: list[Candidate], now) -> None:
        if not candidates:
            return
        slugs = self._slugs(candidates)
        organisations = []
        for candidate, slug in zip(candidates, slugs, strict=True):
            values = candidate.organisation
            sector_ids = (
                self.sector_index.sectors_for(values["naf_id"].replace(".", ""))
                if values["naf_id"]
                else []
            )
            candidate.sector_ids = sector_ids
            places = [candidate.commune_name, candidate.establishment["postal_code"]]
            organisations.append(
                Organisation(
                    **values,
                    slug=slug,
                    source=self.source,
                    source_id=candidate.source_id,
                    search_name=fold_parts(values["name"], values["brand"]),
                    search_text=build_search_text(
                        naf_label=candidate.naf_label,
                        places=places,
                        sectors=[self.sector_names[pk] for pk in sector_ids],
                        kinds=candidate.kinds,
                        description=values["description"],
                    ),
                )
            )
        Organisation.objects.bulk_create(organisations)
        establishments = []
        for candidate, organisation in zip(candidates, organisations, strict=True):
            for index, place in enumerate([candidate.establishment, *candidate.others]):
                establishment = Establishment(
                    organisation=organisation, is_head_office=index == 0, **place
                )
                establishment.set_cells()
                establishments.append(establishment)
        Establishment.objects.bulk_create(establishments)
        links = Organisation.kinds.through
        links.objects.bulk_create(
            [
                links(organisation_id=o.pk, structurekind_id=code)
                for c, o in zip(candidates, organisations, strict=True)
                for code in c.kinds
            ]
        )
        OrganisationSector.objects.bulk_create(
            [
                OrganisationSector(organisation_id=o.pk, sector_id=pk, is_derived=True)
                for c, o in zip(candidates, organisations, strict=True)
                for pk in c.sector_ids
            ]
        )
        SourceRecord.objects.bulk_create(
            [
                SourceRecord(
                    organisation_id=o.pk,
                    source=self.source,
                    source_id=c.source_id,
                    checksum=c.checksum,
                    last_seen_at=now,
                    last_run=self.run,
                )
                for c, o in zip(candidates, organisations, strict=True)
            ],
            ignore_conflicts=True,
        )

    def _slugs(self, candidates: list[Candidate]) -> list[str]:
        bases = [
            (
                slugify(c.slug)
                or slugify(f"{c.organisation['name']}-{c.commune_name}")
                or "organisation"
            )[:200]
            for c in candidates
        ]
        query = Q()
        for base in set(bases):
            query |= Q(slug__startswith=base)
        taken = set(Organisation.objects.filter(query).values_list("slug", flat=True))
        slugs = []
        for base in bases:
            slug, counter = base, 2
            while slug in taken:
                slug, counter = f"{base}-{counter}", counter + 1
            taken.add(slug)
            slugs.append(slug)
        return slugs

    def _update(self, plan: Plan, now) -> None:
        organisation_changes = {name: new for name, (_old, new) in plan.changes.items()}
        if organisation_changes:
            Organisation.objects.filter(pk=plan.organisation_id).update(
                **organisation_changes, updated_at=now
            )
        establishment = None
        if plan.establishment_changes:
            establishment = Establishment.objects.get(pk=plan.establishment_id)
            for name, (_old, new) in plan.establishment_changes.items():
                setattr(establishment, name, new)
            establishment.save()
        if plan.new_kinds:
            links = Organisation.kinds.through
            links.objects.bulk_create(
                [
                    links(organisation_id=plan.organisation_id, structurekind_id=code)
                    for code in plan.new_kinds
                ]
            )
        organisation = Organisation.objects.select_related("naf").get(pk=plan.organisation_id)
        if "naf_id" in plan.changes:
            derive_sectors(organisation, self.sector_index)
        refresh_search_text(organisation)
        self._history(plan, organisation, establishment)

    def _history(self, plan: Plan, organisation, establishment) -> None:
        def entry(model, name, old, new):
            label = str(model._meta.get_field(name.removesuffix("_id")).verbose_name)
            return {
                "field": name.removesuffix("_id"),
                "label": label,
                "old": "" if old is None else str(old),
                "new": str(new),
            }

        label = f"Import « {self.source} » ({self.run.file_name}, ligne {plan.candidate.line})"
        records = []
        if plan.changes or plan.new_kinds:
            changes = [
                entry(Organisation, name, old, new) for name, (old, new) in plan.changes.items()
            ]
            if plan.new_kinds:
                changes.append(
                    {
                        "field": "kinds",
                        "label": "types",
                        "old": "",
                        "new": ", ".join(plan.new_kinds),
                    }
                )
            records.append(
                ChangeRecord(
                    organisation=organisation,
                    source=ChangeRecord.Source.IMPORT,
                    subject=ChangeRecord.Subject.ORGANISATION,
                    summary=label[:255],
                    changes=changes,
                )
            )
        if plan.establishment_changes:
            changes = [
                entry(Establishment, name, old, new)
                for name, (old, new) in plan.establishment_changes.items()
            ]
            records.append(
                ChangeRecord(
                    organisation=organisation,
                    source=ChangeRecord.Source.IMPORT,
                    subject=ChangeRecord.Subject.ESTABLISHMENT,
                    summary=label[:255],
                    changes=changes,
                )
            )
        ChangeRecord.objects.bulk_create(records)

    def _record_sources(self, plans: list[Plan], now) -> None:
        """The source's key and checksum for every matched row; the date of each changed field."""
        if not plans:
            return
        existing = {
            r.source_id: r
            for r in SourceRecord.objects.filter(
                source=self.source, source_id__in=[p.candidate.source_id for p in plans]
            )
        }
        new, changed = [], []
        for plan in plans:
            record = existing.get(plan.candidate.source_id)
            if record is None:
                record = SourceRecord(
                    organisation_id=plan.organisation_id,
                    source=self.source,
                    source_id=plan.candidate.source_id,
                    values={},
                    changed_at={},
                )
                new.append(record)
            elif record.checksum == plan.candidate.checksum and plan.action == UNCHANGED:
                continue
            else:
                changed.append(record)
            record.checksum, record.last_seen_at, record.last_run = (
                plan.candidate.checksum,
                now,
                self.run,
            )
            for name, (_old, new_value) in (plan.changes | plan.establishment_changes).items():
                record.values[name] = str(new_value)
                record.changed_at[name] = now.isoformat()
        SourceRecord.objects.bulk_create(new, ignore_conflicts=True)
        SourceRecord.objects.bulk_update(
            changed, ["checksum", "last_seen_at", "last_run", "values", "changed_at"]
        )
        SourceRecord.objects.filter(
            source=self.source, source_id__in=[p.candidate.source_id for p in plans]
        ).update(last_seen_at=now)
