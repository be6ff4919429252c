"""Chainable filters of the directory: each filter a page or the API offers is one method."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from maillage.core.text import search_terms


class OrganisationQuerySet(models.QuerySet):
    def published(self) -> "OrganisationQuerySet":
        """What public lists, search, maps and the API show: published, and not expired past the
        grace period (PROFILE_GRACE_DAYS). Expired profiles stay reachable by their address."""
        hidden_before = timezone.localdate() - datetime.timedelta(days=settings.PROFILE_GRACE_DAYS)
        return self.filter(is_published=True, valid_until__gte=hidden_before)

    def search(self, query: str) -> "OrganisationQuerySet":
        """Every word must appear, accents and case ignored (name, brand, places, activity)."""
        queryset = self
        for term in search_terms(query):
            queryset = queryset.filter(search_text__contains=term)
        return queryset

    def in_sector(self, slug: str) -> "OrganisationQuerySet":
        """A sector, or a group of sectors and everything below it."""
        return self.filter(Q(sectors__slug=slug) | Q(sectors__parent__slug=slug)).distinct()

    def of_kind(self, code: str) -> "OrganisationQuerySet":
        return self.filter(kinds__code=code)

    def in_departement(self, code: str) -> "OrganisationQuerySet":
        return self.filter(establishments__commune__departement_id=code).distinct()

    def in_commune(self, insee_code: str) -> "OrganisationQuerySet":
        """A commune, including its arrondissements (Paris, Lyon, Marseille)."""
        return self.filter(
            Q(establishments__commune_id=insee_code)
            | Q(establishments__commune__parent_id=insee_code)
        ).distinct()

    def with_card_data(self) -> "OrganisationQuerySet":
        """What a result card shows, fetched in a fixed number of queries."""
        from maillage.directory.models import Establishment

        head_offices = Establishment.objects.select_related("commune").order_by(
            "-is_head_office", "pk"
        )
        return self.prefetch_related(
            "kinds",
            "sectors",
            models.Prefetch("establishments", queryset=head_offices),
        ).select_related("naf")
