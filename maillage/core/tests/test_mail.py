"""The one way e-mails are built and sent: headers safe whatever users typed, text not escaped,
and a batch that goes on when one recipient fails."""

import logging

import pytest
from django.core import mail

from maillage.core.mail import (
    SUBJECT_MAX_LENGTH,
    MailBatch,
    body_text,
    clean_addresses,
    header_text,
    render_mail,
    send_mail_template,
)
from tests.conftest import corpus


def _escaped_corpus() -> list[str]:
    return [
        line.encode("latin-1", "backslashreplace").decode("unicode_escape")
        for line in corpus("mail_headers.txt")
    ]


@pytest.mark.parametrize("value", _escaped_corpus())
def test_a_header_value_is_one_line_without_control_characters(value):
    folded = header_text(value)
    assert not any(ord(char) < 32 or 0x7F <= ord(char) <= 0x9F for char in folded)
    assert "\u2028" not in folded and "\u2029" not in folded
    assert folded == folded.strip()


def test_line_breaks_in_a_header_value_become_one_space():
    assert header_text("Recyclerie\r\n\x00du   Clain") == "Recyclerie du Clain"


def test_a_2000_character_name_is_cut_with_an_ellipsis():
    folded = header_text("R" * 2000)
    assert len(folded) == SUBJECT_MAX_LENGTH
    assert folded.endswith("…")


def test_a_body_keeps_its_lines_but_loses_nul_and_carriage_returns():
    assert body_text("Bonjour,\r\n\x00ligne\rdeux\tfin") == "Bonjour,\nligne\ndeux\tfin"


def test_addresses_that_could_not_be_a_header_are_dropped():
    assert clean_addresses(
        ["a@exemple.test", "b@exemple.test\r\nBcc: c@exemple.test", "a@exemple.test", "x\x00@y.fr"]
    ) == ["a@exemple.test"]


def test_a_plain_text_mail_is_not_html_escaped():
    subject, body = render_mail(
        "catalogue/emails/expiry_reminder.txt",
        {"listing": {"title": "L'entretien « des haies » & <jardins>"}, "url": "http://x/"},
    )
    assert subject == "« L'entretien « des haies » & <jardins> » expire bientôt"
    assert "&#x27;" not in body and "&amp;" not in body and "&lt;" not in body


def test_a_line_break_in_a_name_stays_in_the_subject():
    subject, body = render_mail(
        "catalogue/emails/expiry_reminder.txt",
        {"listing": {"title": "Haies\n\nBcc: victime@exemple.test"}, "url": "http://x/"},
    )
    assert subject == "« Haies Bcc: victime@exemple.test » expire bientôt"
    assert not body.startswith("Bcc")


def test_a_mail_with_a_hostile_subject_is_sent(db):
    sent = send_mail_template(
        "catalogue/emails/expiry_reminder.txt",
        {"listing": {"title": "Haies\r\n\x00" + "x" * 2000}, "url": "http://x/"},
        recipients=["a@exemple.test"],
    )
    assert sent == 1
    assert "\n" not in mail.outbox[0].subject
    assert mail.outbox[0].message()  # Django builds the headers without BadHeaderError


def test_no_mail_is_sent_without_a_valid_recipient(db):
    assert send_mail_template("catalogue/emails/expiry_reminder.txt", {}, recipients=["x"]) == 0
    assert mail.outbox == []


def test_a_batch_logs_and_counts_a_failure_and_goes_on(caplog):
    batch, done = MailBatch("essai"), []
    with caplog.at_level(logging.ERROR, logger="maillage.mail"):
        for recipient in (1, 2, 3):
            with batch.isolating(recipient):
                if recipient == 2:
                    raise ValueError("boom")
                done.append(recipient)
        batch.log_summary()

    assert done == [1, 3]
    assert batch.failed == 1
    assert "essai: sending to 2 failed" in caplog.text
    assert "1 e-mail(s) failed" in caplog.text
