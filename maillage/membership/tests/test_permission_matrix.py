"""Every cell of docs/permissions.md, tried through the real pages as the person of its column."""

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from maillage.directory.models import Organisation
from maillage.directory.tests.factories import make_siret
from maillage.membership.models import (
    Application,
    CharterSignature,
    Claim,
    College,
    Membership,
    PlatformRole,
    SelfAssessment,
    Suggestion,
    Vote,
)
from maillage.membership.permissions import Action
from maillage.membership.tests.factories import (
    ApplicationFactory,
    ClaimFactory,
    CollegeFactory,
    MembershipFactory,
    SuggestionFactory,
    UserFactory,
    published_charter,
)
from maillage.opendata.models import ImportRun

pytestmark = pytest.mark.django_db

MATRIX = Path(settings.BASE_DIR) / "docs" / "permissions.md"
ROLE_FIXTURES = {
    "anonymous": None,
    "signed-in": "signed_in",
    "buyer": "buyer",
    "member": "member",
    "org admin": "org_admin",
    "animator": "animator",
    "other animator": "other_animator",
    "platform admin": "platform_admin",
}


def section_lines(heading: str) -> list[str]:
    """The lines of one `## heading` section of docs/permissions.md (each domain has its table)."""
    text = MATRIX.read_text().split(f"\n## {heading}\n", 1)[1]
    return text.split("\n## ", 1)[0].splitlines()


def read_matrix(heading: str = "Matrix") -> list[tuple[str, str, bool]]:
    """(action, role, allowed) for every cell of the table under `heading` in docs/permissions.md."""
    lines = [line for line in section_lines(heading) if line.startswith("| ")]
    header = next(line for line in lines if line.startswith("| action |"))
    roles = [cell.strip() for cell in header.strip("|").split("|")][1:]
    cells = []
    for line in lines:
        match = re.match(r"\| `(\w+)`", line)
        if not match:
            continue
        marks = [cell.strip() for cell in line.strip("|").split("|")][1:]
        assert len(marks) == len(roles), f"{match.group(1)}: {len(marks)} cells for {len(roles)}"
        for role, mark in zip(roles, marks, strict=True):
            assert mark in ("✅", "❌"), f"{match.group(1)} / {role}: {mark!r}"
            cells.append((match.group(1), role, mark == "✅"))
    return cells


@dataclass
class Stage:
    client: Client
    organisation: Organisation
    actor: object


def _create_organisation(stage: Stage) -> bool:
    stage.client.post(
        reverse("membership:organisation_create"),
        {"name": "Nouvelle structure solidaire", "postal_code": "86000"},
    )
    return Organisation.objects.filter(name="Nouvelle structure solidaire").exists()


def _claim_organisation(stage: Stage) -> bool:
    before = Claim.objects.count()
    stage.client.post(
        reverse("membership:organisation_claim", args=[stage.organisation.slug]), {"message": ""}
    )
    return Claim.objects.count() == before + 1


def _edit_organisation(stage: Stage) -> bool:
    organisation = stage.organisation
    stage.client.post(
        reverse("membership:organisation_edit", args=[organisation.slug]),
        {"name": organisation.name, "siren": organisation.siren, "description": "Modifiée."},
    )
    organisation.refresh_from_db()
    return organisation.description == "Modifiée."


def _edit_establishment(stage: Stage) -> bool:
    organisation = stage.organisation
    stage.client.post(
        reverse("membership:establishment_add", args=[organisation.slug]),
        {"siret": make_siret(organisation.siren, 7), "postal_code": "86000"},
    )
    return organisation.establishments.count() == 2


def _confirm_validity(stage: Stage) -> bool:
    organisation = stage.organisation
    Organisation.objects.filter(pk=organisation.pk).update(valid_until=datetime.date(2020, 1, 1))
    stage.client.post(reverse("membership:organisation_confirm", args=[organisation.slug]))
    organisation.refresh_from_db()
    return organisation.valid_until > datetime.date(2020, 1, 1)


def _suggest_correction(stage: Stage) -> bool:
    organisation = stage.organisation
    stage.client.post(
        reverse("membership:organisation_suggest", args=[organisation.slug]),
        {"name": organisation.name, "siren": organisation.siren, "phone": "05 49 00 11 22"},
    )
    return Suggestion.objects.filter(organisation=organisation).exists()


def _decide_suggestion(stage: Stage) -> bool:
    """A suggestion that has waited 16 days, while the organisation has an administrator."""
    MembershipFactory(organisation=stage.organisation, role=Membership.Role.ADMIN)
    suggestion = SuggestionFactory(organisation=stage.organisation)
    Suggestion.objects.filter(pk=suggestion.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=16)
    )
    stage.client.post(
        reverse("membership:suggestion_decide", args=[stage.organisation.slug, suggestion.pk]),
        {"accept": ["phone"]},
    )
    suggestion.refresh_from_db()
    return suggestion.status == Suggestion.Status.ACCEPTED


def _sign_charter(stage: Stage) -> bool:
    charter = published_charter()
    stage.client.post(
        reverse("membership:charter_sign", args=[stage.organisation.slug]),
        {"criteria": [c.pk for c in charter.criteria.all()]},
    )
    return CharterSignature.objects.filter(organisation=stage.organisation).exists()


def _assess_charter(stage: Stage) -> bool:
    charter = published_charter()
    stage.client.post(
        reverse("membership:charter_assess", args=[stage.organisation.slug]),
        {f"criterion_{c.pk}": "2" for c in charter.criteria.all()},
    )
    return SelfAssessment.objects.filter(organisation=stage.organisation).exists()


def _submit_application(stage: Stage) -> bool:
    CollegeFactory()
    stage.client.post(
        reverse("membership:application_submit", args=[stage.organisation.slug]),
        {"motivation": "Nous demandons à rejoindre le réseau."},
    )
    return Application.objects.filter(organisation=stage.organisation).exists()


def _vote_application(stage: Stage) -> bool:
    college = CollegeFactory(quorum=5)
    if stage.actor is not None:
        college.reviewers.add(stage.actor)
    application = ApplicationFactory(organisation=stage.organisation)
    stage.client.post(
        reverse("membership:application_vote", args=[stage.organisation.slug, application.pk]),
        {"college": college.pk, "choice": "approve"},
    )
    return Vote.objects.filter(application=application).exists()


def _view_application(stage: Stage) -> bool:
    ApplicationFactory(organisation=stage.organisation)
    url = reverse("membership:organisation_validation", args=[stage.organisation.slug])
    return stage.client.get(url).status_code == 200


def _request_changes(stage: Stage) -> bool:
    application = ApplicationFactory(organisation=stage.organisation)
    stage.client.post(
        reverse(
            "membership:application_request_changes",
            args=[stage.organisation.slug, application.pk],
        ),
        {"message": "Précisez vos engagements environnementaux."},
    )
    application.refresh_from_db()
    return application.status == Application.Status.CHANGES_REQUESTED


def _configure_colleges(stage: Stage) -> bool:
    stage.client.post(
        reverse("membership:colleges"),
        {"name": "Collège des usagers", "quorum": 2, "is_required": "on"},
    )
    return College.objects.filter(name="Collège des usagers").exists()


def _view_dashboard(stage: Stage) -> bool:
    return stage.client.get(reverse("membership:dashboard")).status_code == 200


def _view_history(stage: Stage) -> bool:
    response = stage.client.get(
        reverse("membership:organisation_history", args=[stage.organisation.slug])
    )
    return response.status_code == 200


def _manage_members(stage: Stage) -> bool:
    colleague = MembershipFactory(organisation=stage.organisation)
    stage.client.post(
        reverse("membership:member_update", args=[stage.organisation.slug, colleague.pk]),
        {"role": "admin"},
    )
    colleague.refresh_from_db()
    return colleague.role == Membership.Role.ADMIN


def _decide_claim(stage: Stage) -> bool:
    claim = ClaimFactory(organisation=stage.organisation)
    stage.client.post(reverse("membership:claim_decide", args=[claim.pk]), {"decision": "accept"})
    claim.refresh_from_db()
    return claim.status == Claim.Status.ACCEPTED


def _import_organisation(stage: Stage) -> bool:
    """Upload a file whose row changes the profile's website, map it, run it."""
    organisation = stage.organisation
    siret = organisation.establishments.get().siret
    data = f"Nom,SIRET,Code postal,Ville,Site web\n{organisation.name},{siret},86000,Poitiers,https://importe.example.org\n"
    stage.client.post(
        reverse("opendata:import_list"),
        {"file": SimpleUploadedFile("adherents.csv", data.encode()), "format": "csv"},
    )
    run = ImportRun.objects.order_by("pk").last()
    if run is None:
        return False
    columns = ["name", "siret", "postal_code", "city", "website"]
    stage.client.post(
        reverse("opendata:import_start", args=[run.pk]),
        {f"column_{index}": name for index, name in enumerate(columns)},
    )
    stage.client.post(reverse("opendata:import_execute", args=[run.pk]))
    organisation.refresh_from_db()
    return organisation.website == "https://importe.example.org"


def _grant_platform_role(stage: Stage) -> bool:
    someone = UserFactory()
    stage.client.post(
        reverse("admin:membership_platformrole_add"), {"user": someone.pk, "kind": "buyer"}
    )
    return PlatformRole.objects.filter(user=someone, kind=PlatformRole.Kind.BUYER).exists()


ATTEMPTS: dict[str, Callable[[Stage], bool]] = {
    Action.CREATE_ORGANISATION: _create_organisation,
    Action.CLAIM_ORGANISATION: _claim_organisation,
    Action.EDIT_ORGANISATION: _edit_organisation,
    Action.EDIT_ESTABLISHMENT: _edit_establishment,
    Action.CONFIRM_VALIDITY: _confirm_validity,
    Action.VIEW_HISTORY: _view_history,
    Action.SIGN_CHARTER: _sign_charter,
    Action.ASSESS_CHARTER: _assess_charter,
    Action.SUBMIT_APPLICATION: _submit_application,
    Action.VOTE_APPLICATION: _vote_application,
    Action.VIEW_APPLICATION: _view_application,
    Action.REQUEST_CHANGES: _request_changes,
    Action.CONFIGURE_COLLEGES: _configure_colleges,
    Action.SUGGEST_CORRECTION: _suggest_correction,
    Action.DECIDE_SUGGESTION: _decide_suggestion,
    Action.MANAGE_MEMBERS: _manage_members,
    Action.DECIDE_CLAIM: _decide_claim,
    Action.GRANT_PLATFORM_ROLE: _grant_platform_role,
    Action.VIEW_DASHBOARD: _view_dashboard,
    Action.IMPORT_ORGANISATION: _import_organisation,
}
CELLS = read_matrix()


def test_the_matrix_covers_every_action_and_every_role():
    assert {action for action, _role, _allowed in CELLS} == {str(a) for a in Action}
    assert {role for _action, role, _allowed in CELLS} == set(ROLE_FIXTURES)
    assert len(CELLS) == len(Action) * len(ROLE_FIXTURES)


@pytest.mark.parametrize(
    ("action", "role", "allowed"),
    CELLS,
    ids=[f"{action}-{role.replace(' ', '_')}" for action, role, _allowed in CELLS],
)
def test_permission(action, role, allowed, request, client, organisation):
    fixture = ROLE_FIXTURES[role]
    actor = request.getfixturevalue(fixture) if fixture else None
    if actor is not None:
        client.force_login(actor)

    happened = ATTEMPTS[action](Stage(client=client, organisation=organisation, actor=actor))

    assert happened is allowed
