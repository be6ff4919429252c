"""Every e-mail of the platform goes through here, so that no user-written value can break one.

A name, a title or an alert's label reaches subjects; Django refuses a header with a line break
(BadHeaderError), which used to stop a whole batch. Subjects are folded to one line without
control characters and cut to a sane length; addresses that could not be a header are dropped;
plain-text bodies are rendered as text (no HTML escaping: « l'entretien », not « l&#x27;… »).
Batch senders (digests, reminders) isolate each recipient with `MailBatch`.
"""

import functools
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.template import Context, engines
from django.template.base import Template
from django.template.loader import get_template
from django.utils import translation

logger = logging.getLogger("maillage.mail")

SUBJECT_MAX_LENGTH = 150
# C0 and C1 controls, DEL, and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_BODY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def header_text(value: object, *, max_length: int = SUBJECT_MAX_LENGTH) -> str:
    """One line fit for a header: controls and runs of white space become one space, and a
    value longer than `max_length` is cut with an ellipsis."""
    folded = " ".join(_CONTROL.sub(" ", str(value)).split())
    if len(folded) > max_length:
        folded = folded[: max_length - 1].rstrip() + "…"
    return folded


def body_text(value: str) -> str:
    """A plain-text body: line ends as LF, without NUL or other controls (SMTP refuses NUL)."""
    return _BODY_CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def clean_addresses(addresses: list[str] | None) -> list[str]:
    """The addresses that are valid e-mail addresses, without duplicates; others are logged."""
    kept: list[str] = []
    for address in addresses or []:
        try:
            validate_email(address)
        except ValidationError:
            logger.warning("e-mail address dropped: %r", header_text(address, max_length=80))
            continue
        if address not in kept:
            kept.append(address)
    return kept


@functools.cache
def _subject_and_body_templates(name: str) -> tuple[Template, Template]:
    """A mail template's first line is its subject, the rest (after a blank line) its body.
    They are compiled apart, so that a line break in a rendered name cannot move text from the
    subject to the body."""
    source = get_template(name).template.source
    subject, _newline, body = source.partition("\n")
    engine = engines["django"].engine
    return engine.from_string(subject), engine.from_string("{% load i18n %}" + body)


def render_mail(name: str, context: dict) -> tuple[str, str]:
    """(subject, body) of a plain-text mail template, in the site's language, unescaped."""
    subject_template, body_template = _subject_and_body_templates(name)
    with translation.override(settings.LANGUAGE_CODE):
        subject = subject_template.render(Context(context, autoescape=False))
        body = body_template.render(Context(context, autoescape=False))
    return header_text(subject), body_text(body).strip() + "\n"


def send_mail_template(
    name: str,
    context: dict,
    *,
    recipients: list[str],
    reply_to: list[str] | None = None,
) -> int:
    """Render `name` (a .txt template) and send it; returns the number of messages sent (0 when
    no recipient is left)."""
    recipients = clean_addresses(recipients)
    if not recipients:
        return 0
    subject, body = render_mail(name, context)
    return EmailMessage(
        subject,
        body,
        settings.DEFAULT_FROM_EMAIL,
        recipients,
        reply_to=clean_addresses(reply_to) or None,
    ).send()


class MailBatch:
    """One run of a batch sender (a digest, reminders): a failure for one recipient is logged
    and counted, and the others still get theirs."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.failed = 0

    @contextmanager
    def isolating(self, recipient: object) -> Iterator[None]:
        try:
            yield
        except Exception:
            self.failed += 1
            logger.exception(
                "%s: sending to %s failed", self.name, header_text(recipient, max_length=80)
            )

    def log_summary(self) -> None:
        if self.failed:
            logger.error("%s: %d e-mail(s) failed, the others were sent", self.name, self.failed)
