"""Create or update the organisations of one batch: a few queries per batch, none per unchanged row.

The key is the SIRET, else the RNA number, else the source and its identifier. Imports fill and
correct: an empty value in the file never erases what the directory knows. Every changed field
is written to the profile's history with its source, run and date, as members' edits are.

Row-level policy (docs/opendata.md, docs/security.md):
- a row never merges into a profile whose SIREN differs from its own (identity squatting);
- a run started by a person writes only the rows that person may edit (`can(user,
  EDIT_ORGANISATION)`, and for a new profile a commune of their territory); command-line runs
  (no person) are the platform's and unrestricted;
- a field a member edited since the last import is not overwritten: the imported value waits
  for an animator's choice (`FieldReview`);
- the administrators of every changed profile get one e-mail per run.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from django.db import transaction
from django.utils import timezone

from maillage.core.geo import cells_of, published_coordinate
from maillage.core.text import slug_of
from maillage.directory.models import Establishment, Organisation, OrganisationSector, Sector
from maillage.directory.services.profile import (
    NafSectorIndex,
    derive_sectors,
    refresh_search_text,
)
from maillage.membership.emails import send_profile_imported
from maillage.membership.models import ChangeRecord
from maillage.membership.permissions import commune_scope, editable_by, is_platform_admin
from maillage.opendata.models import FieldReview, ImportProblem, ImportRun, SourceRecord
from maillage.opendata.services.bulk import Table, insert_returning_ids, insert_rows
from maillage.opendata.services.checks import (
    ESTABLISHMENT_FIELDS,
    ORGANISATION_FIELDS,
    Candidate,
    field_label,
)
from maillage.opendata.services.text import fast_fold, plural
from maillage.territory.models import Commune

CREATED, UPDATED, UNCHANGED, SKIPPED = "created", "updated", "unchanged", "skipped"
# History sources that are a person's edit: imports do not overwrite them without review.
PERSON_SOURCES = (ChangeRecord.Source.USER, ChangeRecord.Source.SUGGESTION)


@lru_cache(maxsize=200_000)
def _folded(text: str) -> str:
    """Communes, NAF labels and sectors repeat across rows: fold each once."""
    return fast_fold(text)


def _search_text(candidate: Candidate, sectors: list[str]) -> str:
    """What build_search_text gives, with the repeated parts folded from a cache."""
    parts = [
        candidate.naf_label,
        candidate.commune_name,
        candidate.establishment["postal_code"],
        *sectors,
        *candidate.kinds,
    ]
    folded = [_folded(part) for part in parts if part]
    description = candidate.organisation["description"]
    if description:
        folded.append(fast_fold(description))
    return " ".join(folded)


@dataclass
class Plan:
    action: str
    candidate: Candidate
    organisation_id: int | None = None
    establishment_id: int | None = None
    changes: dict[str, tuple] = field(default_factory=dict)  # field → (old, new)
    establishment_changes: dict[str, tuple] = field(default_factory=dict)
    new_kinds: list[str] = field(default_factory=list)
    # Fields a member edited since the last import: (subject, field) → (old, new), not written.
    held: dict[tuple[str, str], tuple] = field(default_factory=dict)

    @property
    def is_approximate(self) -> bool:
        """The row placed the establishment at its commune's centre (created or moved there)."""
        place = self.candidate.establishment
        if self.action == CREATED:
            return place["is_approximate_location"]
        return (
            self.action == UPDATED
            and "latitude" in self.establishment_changes
            and bool(place["is_approximate_location"])
        )


def _is_empty(value) -> bool:
    return value in ("", None, False)


def _is_same(name: str, new, old) -> bool:
    """Coordinates are the same point at the precision exports publish (6 decimals, about 10 cm),
    so that an export imported back changes nothing."""
    if name in ("latitude", "longitude") and old is not None:
        return published_coordinate(new) == published_coordinate(old)
    return new == old


class Upsert:
    def __init__(self, *, run: ImportRun) -> None:
        self.run = run
        self.source = run.source
        self.sector_index = NafSectorIndex()
        self.sector_names = dict(Sector.objects.values_list("pk", "name"))
        # Into an empty directory nothing can match but rows of the same file, which the checks
        # already refuse as duplicates: the batches then skip every lookup (first loads).
        self.directory_was_empty = run.checkpoint_line == 0 and not Organisation.objects.exists()
        # None: the platform (command line) or a platform admin, who may write every row.
        user = run.started_by
        self.user = None if user is None or is_platform_admin(user) else user
        self.territory = commune_scope(self.user) if self.user else None
        self.changed_organisations: set[int] = set()

    # Planning: what would happen, without writing (also the dry run).

    def plan(self, candidates: list[Candidate]) -> tuple[list[Plan], list[ImportProblem]]:
        if self.directory_was_empty:
            plans = [Plan(CREATED, candidate) for candidate in candidates]
            return plans, self._outside_territory(plans)
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
        plans, problems = [], []
        for candidate in candidates:
            pk = matches.get(candidate.line)
            siren = candidate.organisation["siren"]
            if pk is not None and siren and current[pk]["siren"] != siren:
                plans.append(Plan(SKIPPED, candidate, pk))
                problems.append(self._identity_problem(candidate, current[pk]))
            elif pk is None:
                plans.append(Plan(CREATED, candidate))
            elif records.get(candidate.source_id) == candidate.checksum:
                plans.append(Plan(UNCHANGED, candidate, pk))
            else:
                plans.append(
                    self._compare(
                        candidate, pk, current[pk], establishments.get(pk, []), kinds.get(pk, set())
                    )
                )
        problems += self._outside_territory(plans)
        self._hold_members_edits([p for p in plans if p.action == UPDATED])
        problems += [self._review_problem(plan) for plan in plans if plan.held]
        created = [p.candidate for p in plans if p.action == CREATED]
        return plans, problems + self._possible_duplicates(created)

    def _identity_problem(self, candidate: Candidate, current: dict) -> ImportProblem:
        return ImportProblem(
            run=self.run,
            kind=ImportProblem.Kind.IDENTITY,
            line=candidate.line,
            field="siret",
            value=candidate.siret or candidate.organisation["rna"],
            reason=(
                "Ligne non importée : la fiche qu'elle désigne a un autre SIREN, et une fiche "
                "n'est jamais fusionnée avec une autre entreprise ; à examiner par l'animation "
                f"(« {current['name']} », SIREN {current['siren'] or 'absent'} au lieu de "
                f"{candidate.organisation['siren']})."
            ),
        )

    def _outside_territory(self, plans: list[Plan]) -> list[ImportProblem]:
        """Rows the person who imports may not edit (`can(user, EDIT_ORGANISATION)`, row by
        row) or create (a commune outside their territory): reported, not written."""
        if self.user is None:
            return []
        matched = {p.organisation_id for p in plans if p.action in (UPDATED, UNCHANGED)}
        allowed = editable_by(self.user, matched)
        communes = {p.candidate.establishment["commune_id"] for p in plans if p.action == CREATED}
        ours = (
            set(
                Commune.objects.filter(self.territory, pk__in=communes).values_list("pk", flat=True)
            )
            if self.territory is not None and communes
            else set()
        )
        problems = []
        for plan in plans:
            outside = (
                plan.action in (UPDATED, UNCHANGED) and plan.organisation_id not in allowed
            ) or (plan.action == CREATED and plan.candidate.establishment["commune_id"] not in ours)
            if outside:
                plan.action = SKIPPED
                candidate = plan.candidate
                problems.append(
                    ImportProblem(
                        run=self.run,
                        kind=ImportProblem.Kind.TERRITORY,
                        line=candidate.line,
                        field="city",
                        value=f"{candidate.organisation['name']} ({candidate.commune_name})",
                        reason=(
                            "Hors de votre territoire : ligne non écrite "
                            f"(« {candidate.organisation['name']} », {candidate.commune_name})."
                        ),
                    )
                )
        return problems

    def _hold_members_edits(self, plans: list[Plan]) -> None:
        """Move out of the plans the fields a person edited after the last import wrote them."""
        if not plans:
            return
        last: dict[tuple[int, str, str], tuple] = {}  # (org, subject, field) → (when, by a person)
        for pk, source, subject, changes, when in ChangeRecord.objects.filter(
            organisation_id__in={p.organisation_id for p in plans},
            source__in=(*PERSON_SOURCES, ChangeRecord.Source.IMPORT),
        ).values_list("organisation_id", "source", "subject", "changes", "created_at"):
            for change in changes:
                key = (pk, subject, change.get("field", ""))
                if key not in last or last[key][0] <= when:
                    last[key] = (when, source in PERSON_SOURCES)
        # Values an animator already chose to keep out: not asked again.
        kept = set(
            FieldReview.objects.filter(
                organisation_id__in={p.organisation_id for p in plans},
                status=FieldReview.Status.KEPT,
            ).values_list("organisation_id", "field", "imported_value")
        )
        subjects = (
            (ChangeRecord.Subject.ORGANISATION, "changes"),
            (ChangeRecord.Subject.ESTABLISHMENT, "establishment_changes"),
        )
        for plan in plans:
            for subject, attribute in subjects:
                changes = getattr(plan, attribute)
                for name in list(changes):
                    key = (plan.organisation_id, subject, name.removesuffix("_id"))
                    if not last.get(key, (0, False))[1]:
                        continue
                    old, new = changes.pop(name)
                    if (plan.organisation_id, name, str(new)) not in kept:
                        plan.held[(subject, name)] = (old, new)
            if not (plan.changes or plan.establishment_changes or plan.new_kinds):
                plan.action = UNCHANGED

    def _review_problem(self, plan: Plan) -> ImportProblem:
        labels = ", ".join(field_label(name) for _subject, name in plan.held)
        return ImportProblem(
            run=self.run,
            kind=ImportProblem.Kind.REVIEW,
            line=plan.candidate.line,
            field=next(iter(plan.held))[1],
            value=plan.candidate.organisation["name"],
            reason=(
                plural(
                    "Modifié par un membre depuis le dernier import : la valeur importée attend "
                    "votre choix (« %(name)s » : %(labels)s).",
                    "Modifiés par un membre depuis le dernier import : les valeurs importées "
                    "attendent votre choix (« %(name)s » : %(labels)s).",
                    len(plan.held),
                )
                % {"name": plan.candidate.organisation["name"], "labels": labels}
            ),
        )

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
            place = candidate.establishment
            # A commune's centre never replaces a point; a point replaces a centre.
            keep_point = place["is_approximate_location"] and target["latitude"] is not None
            for name, new in place.items():
                if keep_point and name in ("latitude", "longitude", "is_approximate_location"):
                    continue
                if name == "is_approximate_location":
                    if new != target[name] and "latitude" in plan.establishment_changes:
                        plan.establishment_changes[name] = (target[name], new)
                elif not _is_empty(new) and not _is_same(name, new, target[name]):
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
        names = {c.folded_name for c in created}
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
            key = c.folded_name
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
        self._store_reviews([p for p in plans if p.held])
        self._record_sources([p for p in plans if p.action not in (CREATED, SKIPPED)], now)

    def _store_reviews(self, plans: list[Plan]) -> None:
        """One review per held field, unless the same imported value already waits."""
        if not plans:
            return
        known = set(
            FieldReview.objects.filter(
                organisation_id__in={p.organisation_id for p in plans}
            ).values_list("organisation_id", "field", "imported_value")
        )
        reviews = []
        for plan in plans:
            for (subject, name), (old, new) in plan.held.items():
                key = (plan.organisation_id, name, str(new))
                if key in known:
                    continue
                known.add(key)
                is_place = subject == ChangeRecord.Subject.ESTABLISHMENT
                reviews.append(
                    FieldReview(
                        run=self.run,
                        organisation_id=plan.organisation_id,
                        establishment_id=plan.establishment_id if is_place else None,
                        field=name,
                        label=field_label(name)[:100],
                        current_value="" if old is None else str(old),
                        imported_value=str(new),
                    )
                )
        FieldReview.objects.bulk_create(reviews)
        self.run.review_count += len(reviews)
        self.changed_organisations |= {review.organisation_id for review in reviews}

    def notify(self) -> None:
        """Once the run's last batch is committed: one e-mail per changed organisation to its
        administrators, with what changed and what waits for review."""
        organisations = sorted(self.changed_organisations)
        self.changed_organisations = set()
        if self.run.is_dry_run or not organisations:
            return
        run = self.run

        def send() -> None:
            written = {
                organisation.pk: labels for organisation, labels in changed_organisations(run)
            }
            held: dict[int, list[str]] = {}
            for pk, label in FieldReview.objects.filter(run=run).values_list(
                "organisation_id", "label"
            ):
                held.setdefault(pk, []).append(label)
            for organisation in Organisation.objects.filter(pk__in=organisations):
                send_profile_imported(
                    organisation=organisation,
                    run_label=run_label(run),
                    fields=written.get(organisation.pk, []),
                    held=held.get(organisation.pk, []),
                )

        transaction.on_commit(send)

    def _create(self, candidates: list[Candidate], now) -> None:
        """New organisations with their establishments, kinds, derived sectors and provenance."""
        if not candidates:
            return
        organisations, establishments = Table(Organisation), Table(Establishment)
        template = organisations.defaults(created_at=now, updated_at=now, source=self.source)
        positions = organisations.positions(
            *ORGANISATION_FIELDS, "slug", "source_id", "search_name", "search_text"
        )
        rows = []
        for candidate, slug in zip(candidates, self._slugs(candidates), strict=True):
            values = candidate.organisation
            naf_id = values["naf_id"]
            candidate.sector_ids = (
                self.sector_index.sectors_for(naf_id.replace(".", "")) if naf_id else []
            )
            row = template.copy()
            texts = (
                slug,
                candidate.source_id,
                candidate.folded_name,
                _search_text(candidate, [self.sector_names[pk] for pk in candidate.sector_ids]),
            )
            for position, value in zip(
                positions, [*(values[name] for name in ORGANISATION_FIELDS), *texts], strict=True
            ):
                row[position] = value
            rows.append(row)
        ids = insert_returning_ids(organisations, rows)
        template = establishments.defaults(created_at=now, updated_at=now)
        positions = establishments.positions(
            "organisation_id", "is_head_office", *ESTABLISHMENT_FIELDS, "h3_r3", "h3_r5", "h3_r7"
        )
        rows = []
        for candidate, pk in zip(candidates, ids, strict=True):
            for index, place in enumerate([candidate.establishment, *candidate.others]):
                latitude, longitude = place["latitude"], place["longitude"]
                cells = (
                    cells_of(latitude, longitude) if latitude is not None else (None, None, None)
                )
                row = template.copy()
                for position, value in zip(
                    positions,
                    [pk, index == 0, *(place[name] for name in ESTABLISHMENT_FIELDS), *cells],
                    strict=True,
                ):
                    row[position] = value
                rows.append(row)
        insert_rows(establishments.table, establishments.columns, rows)
        insert_rows(
            Organisation.kinds.through._meta.db_table,
            ("organisation_id", "structurekind_id"),
            [(pk, code) for c, pk in zip(candidates, ids, strict=True) for code in c.kinds],
        )
        insert_rows(
            OrganisationSector._meta.db_table,
            ("organisation_id", "sector_id", "is_derived"),
            [
                (pk, sector, True)
                for c, pk in zip(candidates, ids, strict=True)
                for sector in c.sector_ids
            ],
        )
        records = Table(SourceRecord)
        template = records.defaults(
            source=self.source, last_seen_at=now, last_run_id=self.run.pk, values={}, changed_at={}
        )
        positions = records.positions("organisation_id", "source_id", "checksum")
        rows = []
        for candidate, pk in zip(candidates, ids, strict=True):
            row = template.copy()
            for position, value in zip(
                positions, (pk, candidate.source_id, candidate.checksum), strict=True
            ):
                row[position] = value
            rows.append(row)
        insert_rows(records.table, records.columns, rows)

    def _slugs(self, candidates: list[Candidate]) -> list[str]:
        bases = [
            (
                slug_of(c.slug)
                or slug_of(f"{c.organisation['name']}-{c.commune_name}")
                or "organisation"
            )[:200]
            for c in candidates
        ]
        taken = set(Organisation.objects.filter(slug__in=set(bases)).values_list("slug", flat=True))
        # Numbered variants exist only where the plain slug does: look them up for those alone.
        for base in taken.copy():
            # A range rather than LIKE, so that the unique index serves it ("." follows "-").
            taken |= set(
                Organisation.objects.filter(slug__gt=f"{base}-", slug__lt=f"{base}.").values_list(
                    "slug", flat=True
                )
            )
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
        refresh_search_text(organisation, announce=False)  # the import announces its end
        self._history(plan, organisation, establishment)
        self.changed_organisations.add(plan.organisation_id)

    def _history(self, plan: Plan, organisation, establishment) -> None:
        def entry(model, name, old, new):
            label = str(model._meta.get_field(name.removesuffix("_id")).verbose_name)
            return {
                "field": name.removesuffix("_id"),
                "label": label,
                "old": "" if old is None else str(old),
                "new": str(new),
            }

        label = f"{run_label(self.run)}, ligne {plan.candidate.line}"
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
                    user=self.run.started_by,
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
                    user=self.run.started_by,
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


def run_label(run: ImportRun) -> str:
    """How the history and the e-mails name a run: « Import n° 12 « source » (fichier.csv) »."""
    return f"Import n° {run.pk} « {run.source} » ({run.file_name})"[:200]


def changed_organisations(run: ImportRun) -> list[tuple[Organisation, list[str]]]:
    """The profiles a run updated, with the labels of the fields it wrote: the report names
    them, the e-mails to their administrators list the same fields."""
    fields: dict[int, set[str]] = {}
    for pk, changes in ChangeRecord.objects.filter(
        source=ChangeRecord.Source.IMPORT, summary__startswith=f"{run_label(run)}, ligne "
    ).values_list("organisation_id", "changes"):
        fields.setdefault(pk, set()).update(change["label"] for change in changes)
    organisations = Organisation.objects.filter(pk__in=fields).order_by("name")
    return [(organisation, sorted(fields[organisation.pk])) for organisation in organisations]
