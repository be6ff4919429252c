"""Participatory validation (C2): colleges of stakeholders vote on an application; a rule decides."""

import datetime
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core.mail import MailBatch
from maillage.directory.models import Organisation
from maillage.membership import emails
from maillage.membership.models import Application, ChangeRecord, College, ReviewReminder, Vote
from maillage.membership.permissions import has_conflict_of_interest
from maillage.membership.services.history import record_change


class ApplicationError(Exception):
    """A submission, vote or decision refused for a reason the user can read (in French)."""


@dataclass
class CollegeTally:
    college: College
    approve: int = 0
    reject: int = 0
    abstain: int = 0

    @property
    def votes(self) -> int:
        return self.approve + self.reject + self.abstain

    @property
    def quorum_reached(self) -> bool:
        return self.votes >= self.college.quorum


@dataclass
class Tally:
    colleges: list[CollegeTally] = field(default_factory=list)

    @property
    def required(self) -> list[CollegeTally]:
        return [t for t in self.colleges if t.college.is_required]

    @property
    def approve(self) -> int:
        return sum(t.approve for t in self.colleges)

    @property
    def reject(self) -> int:
        return sum(t.reject for t in self.colleges)

    @property
    def abstain(self) -> int:
        return sum(t.abstain for t in self.colleges)

    @property
    def quorum_reached(self) -> bool:
        return bool(self.required) and all(t.quorum_reached for t in self.required)

    @property
    def approval_percent(self) -> int:
        cast = self.approve + self.reject
        return round(100 * self.approve / cast) if cast else 0

    @property
    def is_approved(self) -> bool:
        cast = self.approve + self.reject
        return cast > 0 and self.approve * 100 > settings.VALIDATION_APPROVAL_PERCENT * cast

    @property
    def voting_colleges(self) -> int:
        return sum(1 for t in self.colleges if t.votes)

    def explanation(self) -> str:
        lines = [
            _(
                "%(name)s : %(votes)s vote(s) sur %(quorum)s requis%(required)s (%(approve)s pour, %(reject)s contre, %(abstain)s abstention(s))."
            )
            % {
                "name": t.college.name,
                "votes": t.votes,
                "quorum": t.college.quorum,
                "required": "" if t.college.is_required else _(", collège consultatif"),
                "approve": t.approve,
                "reject": t.reject,
                "abstain": t.abstain,
            }
            for t in self.colleges
        ]
        lines.append(
            _(
                "Au total, %(percent)s %% de votes pour parmi les votes exprimés ; il en faut plus de %(needed)s %%."
            )
            % {"percent": self.approval_percent, "needed": settings.VALIDATION_APPROVAL_PERCENT}
        )
        return "\n".join(lines)


def tally(application: Application) -> Tally:
    counts = {
        row["college"]: row
        for row in Vote.objects.filter(application=application, round=application.round)
        .values("college")
        .annotate(
            approve=Count("pk", filter=Q(choice=Vote.Choice.APPROVE)),
            reject=Count("pk", filter=Q(choice=Vote.Choice.REJECT)),
            abstain=Count("pk", filter=Q(choice=Vote.Choice.ABSTAIN)),
        )
    }
    return Tally(
        colleges=[
            CollegeTally(
                college=college,
                approve=counts.get(college.pk, {}).get("approve", 0),
                reject=counts.get(college.pk, {}).get("reject", 0),
                abstain=counts.get(college.pk, {}).get("abstain", 0),
            )
            for college in College.objects.all()
        ]
    )


@transaction.atomic
def submit_application(*, organisation: Organisation, user: User, motivation: str) -> Application:
    """Submit, or resubmit after changes were requested (a new round: earlier votes stay on record)."""
    if not College.objects.filter(is_required=True).exists():
        raise ApplicationError(
            _("Aucun collège n'est encore constitué : l'équipe d'animation doit d'abord les créer.")
        )
    if not motivation.strip():
        raise ApplicationError(_("Présentez la candidature en quelques lignes."))
    if Application.objects.filter(
        organisation=organisation, status=Application.Status.ACCEPTED
    ).exists():
        raise ApplicationError(_("L'organisation est déjà validée par les collèges."))
    application = (
        Application.objects.select_for_update()
        .filter(organisation=organisation)
        .exclude(status__in=[Application.Status.ACCEPTED, Application.Status.REJECTED])
        .first()
    )
    if application is not None and application.is_open:
        raise ApplicationError(_("Une candidature de l'organisation est déjà en cours d'examen."))
    if application is None:
        application = Application(organisation=organisation)
    elif application.status == Application.Status.CHANGES_REQUESTED:
        application.round += 1
    application.status = Application.Status.SUBMITTED
    application.motivation = motivation.strip()
    application.submitted_by = user
    application.submitted_at = timezone.now()
    application.deadline = timezone.localdate() + datetime.timedelta(
        days=settings.VALIDATION_REVIEW_DAYS
    )
    application.save()
    record_change(
        organisation=organisation,
        user=user,
        source=ChangeRecord.Source.USER,
        subject=ChangeRecord.Subject.ORGANISATION,
        summary=_("Candidature déposée (tour %(round)s)") % {"round": application.round},
    )
    transaction.on_commit(lambda: emails.send_application_submitted(application))
    return application


@transaction.atomic
def cast_vote(
    *, application: Application, reviewer: User, college: College, choice: str, comment: str = ""
) -> Vote:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.is_open:
        raise ApplicationError(_("Cette candidature n'est plus ouverte aux votes."))
    if not college.reviewers.filter(pk=reviewer.pk).exists():
        raise ApplicationError(_("Vous ne faites pas partie du collège « %s ».") % college.name)
    if has_conflict_of_interest(reviewer, application.organisation):
        raise ApplicationError(
            _(
                "Vous ne pouvez pas examiner la candidature d'une organisation dont vous êtes membre, ni d'une organisation liée."
            )
        )
    if Vote.objects.filter(
        application=application, round=application.round, reviewer=reviewer
    ).exists():
        raise ApplicationError(_("Vous avez déjà voté sur cette candidature."))
    if choice not in Vote.Choice.values:
        raise ApplicationError(_("Choisissez pour, contre ou abstention."))
    if choice == Vote.Choice.REJECT and not comment.strip():
        raise ApplicationError(_("Un vote contre s'accompagne de ses raisons."))
    vote = Vote.objects.create(
        application=application,
        college=college,
        reviewer=reviewer,
        round=application.round,
        choice=choice,
        comment=comment.strip(),
    )
    application.status = Application.Status.UNDER_REVIEW
    application.save(update_fields=["status", "updated_at"])
    result = tally(application)
    if result.quorum_reached:
        _decide(application, result)
    return vote


def _decide(application: Application, result: Tally) -> None:
    application.status = (
        Application.Status.ACCEPTED if result.is_approved else Application.Status.REJECTED
    )
    application.decided_at = timezone.now()
    application.explanation = result.explanation()
    application.college_count = result.voting_colleges
    application.save()
    record_change(
        organisation=application.organisation,
        user=None,
        source=ChangeRecord.Source.USER,
        subject=ChangeRecord.Subject.ORGANISATION,
        summary=ngettext(
            "Candidature %(status)s par %(count)s collège",
            "Candidature %(status)s par %(count)s collèges",
            result.voting_colleges,
        )
        % {"status": application.get_status_display().lower(), "count": result.voting_colleges},
    )
    transaction.on_commit(lambda: emails.send_application_decided(application))


@transaction.atomic
def request_changes(*, application: Application, by: User, message: str) -> Application:
    application = Application.objects.select_for_update().get(pk=application.pk)
    if not application.is_open:
        raise ApplicationError(_("Cette candidature n'est plus ouverte."))
    if not message.strip():
        raise ApplicationError(_("Dites à l'organisation quels compléments sont attendus."))
    application.status = Application.Status.CHANGES_REQUESTED
    application.changes_requested = message.strip()
    application.save()
    transaction.on_commit(lambda: emails.send_application_decided(application))
    return application


def latest_validation(organisation: Organisation) -> Application | None:
    return (
        Application.objects.filter(organisation=organisation, status=Application.Status.ACCEPTED)
        .order_by("-decided_at")
        .first()
    )


REVIEW_REMINDER_DAYS = 7


def send_review_reminders(*, today: datetime.date | None = None) -> list[ReviewReminder]:
    """A week before the deadline, remind the reviewers of colleges short of their quorum."""
    today = today or timezone.localdate()
    sent = []
    batch = MailBatch("review-reminders")
    applications = Application.objects.filter(
        status__in=Application.OPEN,
        deadline__gte=today,
        deadline__lte=today + datetime.timedelta(days=REVIEW_REMINDER_DAYS),
    ).select_related("organisation")
    for application in applications:
        voted = set(
            application.votes.filter(round=application.round).values_list("reviewer_id", flat=True)
        )
        reminded = set(
            application.review_reminders.filter(round=application.round).values_list(
                "reviewer_id", flat=True
            )
        )
        short = [t.college for t in tally(application).required if not t.quorum_reached]
        reviewers = {
            user
            for college in short
            for user in college.reviewers.filter(is_active=True).exclude(email="")
            if user.pk not in voted | reminded
            and not has_conflict_of_interest(user, application.organisation)
        }
        for reviewer in sorted(reviewers, key=lambda user: user.pk):
            # A failed reminder rolls back (tried again next day); the others still go.
            with batch.isolating(reviewer.pk):
                try:
                    with transaction.atomic():
                        reminder = ReviewReminder.objects.create(
                            application=application, reviewer=reviewer, round=application.round
                        )
                        emails.send_review_reminder(application=application, reviewer=reviewer)
                except IntegrityError:
                    continue
                sent.append(reminder)
    batch.log_summary()
    return sent


@transaction.atomic
def save_college(
    *,
    name: str,
    quorum: int,
    is_required: bool,
    description: str = "",
    college: College | None = None,
) -> College:
    college = college or College()
    college.name = name.strip()
    college.description = description.strip()
    college.quorum = quorum
    college.is_required = is_required
    if quorum < 1:
        raise ApplicationError(_("Le quorum d'un collège est d'au moins un vote."))
    college.full_clean()
    college.save()
    return college


@transaction.atomic
def add_reviewer(*, college: College, email: str) -> User:
    """Seat an account, found by its verified e-mail, in a college."""
    address = (
        EmailAddress.objects.filter(email__iexact=email.strip(), verified=True)
        .select_related("user")
        .first()
    )
    if address is None:
        raise ApplicationError(
            _("Aucun compte vérifié n'a l'adresse %(email)s : la personne doit d'abord s'inscrire.")
            % {"email": email.strip()}
        )
    college.reviewers.add(address.user)
    return address.user
