"""The page frame and the organisation cards: what a person reads, on a phone first."""

import re

import pytest
from django.conf import settings
from django.utils.html import escape

from maillage.directory.models import NafCode, Sector
from maillage.directory.tests.factories import located_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def aiden():
    sectors = list(Sector.objects.filter(parent__isnull=False).order_by("name")[:3])
    organisation = located_organisation(
        name="ASSOC AIDEN SERVICES", sectors=sectors, naf=NafCode.objects.get(code="88.99B")
    )
    return organisation, sectors


def test_a_card_shows_the_title_cased_name_not_the_capitals(client, aiden):
    content = client.get("/annuaire/").content.decode()
    assert "Association Aiden Services" in content
    assert "ASSOC AIDEN SERVICES" not in content


def test_a_card_shows_every_sector_instead_of_the_naf_label(client, aiden):
    organisation, sectors = aiden
    content = client.get("/annuaire/").content.decode()
    assert all(escape(sector.name) in content for sector in sectors)
    assert organisation.naf.label not in content


def test_the_profile_keeps_the_legal_name_under_the_display_name(client, aiden):
    organisation, _sectors = aiden
    content = client.get(organisation.get_absolute_url()).content.decode()
    assert "<h1>Association Aiden Services</h1>" in content
    assert "ASSOC AIDEN SERVICES" in content


def test_search_results_have_a_heading_between_the_title_and_the_cards(client, aiden):
    content = client.get("/annuaire/").content.decode()
    assert content.index("<h1>") < content.index('<h2 class="result-count">')
    assert content.index('<h2 class="result-count">') < content.index('<h3 class="card-title">')


def test_the_navigation_collapses_behind_a_menu_button_without_script(client):
    content = client.get("/").content.decode()
    assert '<details class="site-menu" data-open-wide>' in content
    assert '<summary class="menu-button">' in content


def test_the_api_link_is_in_the_footer_not_the_main_navigation(client):
    content = client.get("/").content.decode()
    header, footer = content.split('<footer class="site-footer">')
    assert "/api/v1/docs" not in header
    assert "/api/v1/docs" in footer


def test_the_header_menu_links_alerts_and_contacts_when_signed_in(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("marie", "marie@exemple.test"))
    header = client.get("/").content.decode().split("</header>")[0]
    assert "/alertes/" in header and "/contacts/" in header


def test_the_search_filters_wait_behind_a_filters_button_on_phones(client, aiden):
    content = client.get("/annuaire/").content.decode()
    assert 'id="facets-toggle" data-open-wide open' in content
    assert '<summary class="filters-button">Filtres</summary>' in content


def test_templates_use_data_hx_attributes_so_pages_validate(client, aiden):
    content = client.get("/annuaire/").content.decode()
    assert "data-hx-get=" in content
    assert " hx-get=" not in content


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    high, low = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_focus_ring_contrasts_at_least_3_to_1_with_every_background_it_sits_on():
    css = (settings.BASE_DIR / "static" / "css" / "maillage.css").read_text()
    page_ring = re.search(r":root \{[^}]*--focus-ring: 3px solid (#[0-9a-f]{6})", css)[1]
    dark_ring = re.search(r"\.site-footer, \.hero \{ --focus-ring: 3px solid (#[0-9a-f]{6})", css)[
        1
    ]
    assert _contrast(page_ring, "#ffffff") >= 3 and _contrast(page_ring, "#f6f8f7") >= 3
    assert _contrast(dark_ring, "#1d2522") >= 3 and _contrast(dark_ring, "#0b6e4f") >= 3
