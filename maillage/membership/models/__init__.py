"""Models of the membership domain, one module per subdomain."""

from maillage.membership.models.charter import (
    Charter,
    CharterCriterion,
    CharterSignature,
    SelfAssessment,
)
from maillage.membership.models.profiles import ChangeRecord, FreshnessReminder, Suggestion
from maillage.membership.models.roles import Claim, Membership, PlatformRole
from maillage.membership.models.tokens import ApiToken
from maillage.membership.models.validation import Application, College, ReviewReminder, Vote

__all__ = [
    "ApiToken",
    "Application",
    "ChangeRecord",
    "Charter",
    "CharterCriterion",
    "CharterSignature",
    "Claim",
    "College",
    "FreshnessReminder",
    "Membership",
    "PlatformRole",
    "ReviewReminder",
    "SelfAssessment",
    "Suggestion",
    "Vote",
]
