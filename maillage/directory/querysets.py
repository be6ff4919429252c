"""Chainable filters of the directory: each filter a page or the API offers is one method.

Filters through related tables use `pk__in` subqueries rather than joins, so that they combine
without duplicate rows and without DISTINCT.
"""

import datetime
from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


def _model(name: str):
    return apps.get_model("directory", name)


def listing_limit(today: datetime.date | None = None) -> datetime.date:
    """Profiles that expired before this day have left the public lists (PROFILE_GRACE_DAYS)."""
    return (today or timezone.localdate()) - datetime.timedelta(days=settings.PROFILE_GRACE_DAYS)


class OrganisationQuerySet(models.QuerySet):
    def listed(self) -> "OrganisationQuerySet":
        """What public lists, search, maps (the precomputed cells too) and the API show:
        published, and not expired past the grace period. Expired profiles stay reachable by
        their address."""
        return self.filter(is_published=True, valid_until__gte=listing_limit())

    def published(self) -> "OrganisationQuerySet":
        """The former name of listed()."""
        return self.listed()

    def search(self, query: str) -> "OrganisationQuerySet":
        """Every word must appear (accents and case ignored), through the engine's full-text index."""
        from maillage.directory.search.text import matching

        return matching(self, query)

    def in_sectors(self, slugs: Iterable[str]) -> "OrganisationQuerySet":
        """Sectors, or groups of sectors and everything below them."""
        slugs = list(slugs)
        links = _model("OrganisationSector").objects.filter(
            Q(sector__slug__in=slugs) | Q(sector__parent__slug__in=slugs)
        )
        return self.filter(pk__in=links.values("organisation_id"))

    def of_kinds(self, codes: Iterable[str]) -> "OrganisationQuerySet":
        links = _model("Organisation").kinds.through.objects.filter(
            structurekind_id__in=list(codes)
        )
        return self.filter(pk__in=links.values("organisation_id"))

    def with_labels(self, slugs: Iterable[str]) -> "OrganisationQuerySet":
        links = _model("Organisation").labels.through.objects.filter(label__slug__in=list(slugs))
        return self.filter(pk__in=links.values("organisation_id"))

    def of_families(self, families: Iterable[str]) -> "OrganisationQuerySet":
        return self.filter(ess_family__in=list(families))

    def _with_establishment(self, condition: Q) -> "OrganisationQuerySet":
        establishments = _model("Establishment").objects.filter(condition)
        return self.filter(pk__in=establishments.values("organisation_id"))

    def in_departements(self, codes: Iterable[str]) -> "OrganisationQuerySet":
        return self._with_establishment(Q(commune__departement_id__in=list(codes)))

    def in_region(self, code: str) -> "OrganisationQuerySet":
        return self._with_establishment(Q(commune__departement__region_id=code))

    def in_epci(self, code: str) -> "OrganisationQuerySet":
        return self._with_establishment(Q(commune__epci_id=code))

    def in_commune(self, insee_code: str) -> "OrganisationQuerySet":
        """A commune, including its arrondissements (Paris, Lyon, Marseille)."""
        return self._with_establishment(Q(commune_id=insee_code) | Q(commune__parent_id=insee_code))

    def with_card_data(self) -> "OrganisationQuerySet":
        """What a result card shows, fetched in a fixed number of queries, as plain lists
        (`card_kinds`, `card_sectors`, `card_establishments`, head office first): reading
        them costs nothing, where each `.all()` of a related manager costs tens of µs."""
        head_offices = (
            _model("Establishment")
            .objects.select_related("commune")
            .order_by("-is_head_office", "pk")
        )
        return self.prefetch_related(
            models.Prefetch("kinds", to_attr="card_kinds"),
            models.Prefetch("sectors", to_attr="card_sectors"),
            models.Prefetch("establishments", queryset=head_offices, to_attr="card_establishments"),
        ).select_related("naf")
