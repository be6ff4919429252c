import json

from django import template
from django.utils.safestring import SafeString, mark_safe

from maillage.opendata.services.jsonld import CONTEXT, organisation_jsonld, organisation_record

register = template.Library()

# As django.utils.html.json_script: nothing in the data can close the <script> element.
_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


def jsonld_script(data: dict) -> SafeString:
    text = json.dumps(data, ensure_ascii=False).translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')


@register.simple_tag(takes_context=True)
def organisation_jsonld_script(context, organisation) -> SafeString:
    """The profile as JSON-LD (schema.org), a data block that search engines read in the head."""
    base_url = context["request"].build_absolute_uri("/").rstrip("/")
    node = organisation_jsonld(organisation_record(organisation), base_url)
    return jsonld_script({"@context": CONTEXT, **node})
