"""The alert's Atom feed, parsed with the standard library's XML parser and checked against the
requirements of RFC 4287 (feedparser is not installed)."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from maillage.catalogue.models import Listing
from maillage.catalogue.services import alerts
from maillage.catalogue.tests.factories import offer, sector
from maillage.membership.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def _alert(name: str = "Espaces verts"):
    return alerts.save_search(
        user=UserFactory(), data={"name": name, "frequency": "daily", "sectors": [sector()]}
    )


def _feed(client, saved) -> ET.Element:
    response = client.get(reverse("catalogue:alert_feed", args=[saved.feed_token]))
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def test_the_feed_meets_the_required_elements_of_rfc_4287(client):
    offer(title="Tonte de pelouses")
    feed = _feed(client, _alert())

    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}").text
    assert feed.find(f"{ATOM}author/{ATOM}name").text == "Maillage"
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.find(f"{ATOM}{required}").text
        assert entry.find(f"{ATOM}author/{ATOM}name").text
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href")


def test_each_alert_feed_has_its_own_id():
    from django.test import Client

    first, second = _alert("Un"), _alert("Deux")
    ids = {_feed(Client(), saved).find(f"{ATOM}id").text for saved in (first, second)}

    assert len(ids) == 2
    assert all(feed_id.startswith("tag:") for feed_id in ids)


def test_user_written_text_is_sent_as_text_not_html(client):
    listing = offer(title="Haies <b>taillées</b>", description="<script>alert(1)</script> & co")
    entry = _feed(client, _alert()).find(f"{ATOM}entry")

    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "text"
    assert "<script>alert(1)</script> & co" in summary.text
    assert entry.find(f"{ATOM}title").get("type", "text") == "text"
    assert entry.find(f"{ATOM}title").text.endswith(listing.title)


def test_characters_xml_cannot_carry_do_not_break_the_feed(client):
    listing = offer(title="Haies")
    Listing.objects.filter(pk=listing.pk).update(description="Tonte\x0b et\x1b taille")

    summary = _feed(client, _alert()).find(f"{ATOM}entry/{ATOM}summary")
    assert summary.text.endswith("Tonte et taille")
