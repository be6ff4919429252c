"""Needs reporting (B4): anyone reports an unmet need; animators qualify it and route it."""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.catalogue import emails
from maillage.catalogue.matching import Match, Party, match_organisations
from maillage.catalogue.models import NeedReport, Side
from maillage.core.ratelimit import hit_by_address
from maillage.directory.models import Organisation

REPORT_FIELDS = [
    "what",
    "commune",
    "for_whom",
    "frequency",
    "reporter_kind",
    "reporter_name",
    "reporter_email",
]
# A report names a commune, not an area: organisations within this distance may answer it.
ROUTING_RADIUS_KM = 30


@transaction.atomic
def submit_report(*, data: dict[str, Any], client: str) -> NeedReport:
    """Store a report from `client` (its address). Only an accepted report counts against the
    address's limit: the limit is hit after every check, just before the write."""
    report = NeedReport(**{name: data[name] for name in REPORT_FIELDS if name in data})
    report.full_clean()
    hit_by_address(client, "catalogue-need-report")
    report.save()
    transaction.on_commit(lambda: emails.send_report_received(report))
    return report


@transaction.atomic
def qualify_report(*, report: NeedReport, user: User, data: dict[str, Any]) -> NeedReport:
    """Sector, place, duplicate and status, with a note the reporter reads on the follow page."""
    report = NeedReport.objects.select_for_update().get(pk=report.pk)
    status_before = report.status
    for name in ("sector", "commune", "duplicate_of", "status", "public_note"):
        if name in data:
            setattr(report, name, data[name])
    if report.duplicate_of_id:
        report.status = NeedReport.Status.DUPLICATE
    elif report.status == NeedReport.Status.DUPLICATE:
        raise ValidationError(
            {"duplicate_of": _("Indiquez de quel signalement celui-ci est le doublon.")}
        )
    if (
        report.status in (NeedReport.Status.QUALIFIED, NeedReport.Status.ROUTED)
        and not report.sector_id
    ):
        raise ValidationError({"sector": _("Choisissez la filière du besoin pour le qualifier.")})
    if report.status == NeedReport.Status.RECEIVED:
        report.status = NeedReport.Status.QUALIFIED if report.sector_id else report.status
    report.qualified_by = user
    report.qualified_at = timezone.now()
    report.full_clean()
    report.save()
    if report.status != status_before:
        transaction.on_commit(lambda: emails.send_report_status(report))
    return report


def report_party(report: NeedReport) -> Party:
    commune = report.commune
    return Party(
        side=Side.NEED,
        organisation_id=None,
        latitude=commune.latitude,
        longitude=commune.longitude,
        commune_id=commune.pk,
        epci_id=commune.epci_id,
        departement_id=commune.departement_id,
        radius_km=ROUTING_RADIUS_KM,
        sector_ids=frozenset([report.sector_id]) if report.sector_id else frozenset(),
    )


def suggested_organisations(report: NeedReport, *, limit: int = 10) -> list[Match]:
    """Who could answer, by the matching service; empty until the report has a sector."""
    if not report.sector_id:
        return []
    matches = match_organisations(report_party(report), limit=limit)
    organisations = Organisation.objects.in_bulk([m.organisation_id for m in matches])
    for match in matches:
        match.organisation = organisations.get(match.organisation_id)
    return matches


@transaction.atomic
def route_report(
    *, report: NeedReport, user: User, organisations: list[Organisation]
) -> NeedReport:
    """Send the report to organisations that could answer it; the reporter sees « transmise »."""
    if not organisations:
        raise ValidationError({"organisations": _("Choisissez au moins une organisation.")})
    report = NeedReport.objects.select_for_update().get(pk=report.pk)
    if not report.sector_id:
        raise ValidationError(
            {"sector": _("Qualifiez le besoin (filière) avant de le transmettre.")}
        )
    new = [o for o in organisations if not report.routed_to.filter(pk=o.pk).exists()]
    report.routed_to.add(*new)
    changed = report.status != NeedReport.Status.ROUTED
    report.status = NeedReport.Status.ROUTED
    report.qualified_by = report.qualified_by or user
    report.save(update_fields=["status", "qualified_by", "updated_at"])
    transaction.on_commit(lambda: emails.send_report_routed(report, new))
    if changed:
        transaction.on_commit(lambda: emails.send_report_status(report))
    return report
