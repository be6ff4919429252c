"""Factories for people and their roles; users have a verified e-mail, as allauth requires to sign in."""

import datetime

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import User
from django.utils import timezone

from maillage.directory.tests.factories import OrganisationFactory
from maillage.membership.models import (
    Application,
    Charter,
    CharterCriterion,
    Claim,
    College,
    Membership,
    PlatformRole,
    Suggestion,
)

PASSWORD = "mot-de-passe-solide-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"personne{n}")
    email = factory.Sequence(lambda n: f"personne{n}@exemple.test")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Martin{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        self.save()
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.MEMBER


class PlatformRoleFactory(factory.django.DjangoModelFactory):
    """An animator of the Vienne (86) by default."""

    class Meta:
        model = PlatformRole

    user = factory.SubFactory(UserFactory)
    kind = PlatformRole.Kind.ANIMATOR
    departement_id = "86"


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    message = "Je suis la directrice de la structure."


class SuggestionFactory(factory.django.DjangoModelFactory):
    """A new phone number proposed for an organisation."""

    class Meta:
        model = Suggestion

    organisation = factory.SubFactory(OrganisationFactory)
    author = factory.SubFactory(UserFactory)
    changes = factory.LazyAttribute(
        lambda o: [
            {
                "field": "phone",
                "label": "téléphone public",
                "old": o.organisation.phone,
                "new": "05 49 00 11 22",
            }
        ]
    )
    message = "Le numéro a changé en septembre."


def published_charter(version: int = 1, criteria: int = 3) -> Charter:
    charter = Charter.objects.create(
        version=version,
        title="Charte de l'ESS du Grand Poitiers",
        text="Nous coopérons plutôt que nous concurrencer.",
        published_at=timezone.now() - datetime.timedelta(days=1),
    )
    for position in range(criteria):
        CharterCriterion.objects.create(
            charter=charter, position=position, text=f"Critère numéro {position + 1}"
        )
    return charter


class CollegeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = College
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Collège {n}")
    quorum = 2
    is_required = True

    @factory.post_generation
    def reviewers(self, create, extracted, **kwargs):
        if create and extracted:
            self.reviewers.set(extracted)


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A submitted application, open to votes."""

    class Meta:
        model = Application

    organisation = factory.SubFactory(OrganisationFactory)
    status = Application.Status.SUBMITTED
    motivation = "Recyclerie associative, 12 salariés en insertion."
    submitted_at = factory.LazyFunction(timezone.now)
    deadline = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
