import datetime
import json

from django import template
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.opendata.models import ImportRun
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


@register.inclusion_tag("membership/_attention_cards.html", takes_context=True)
def opendata_attention_cards(context) -> dict:
    """The animation dashboard's import card: runs to check or still going, and recent failures
    (the animator's own runs, as on the import page; all of them for a platform admin)."""
    user = context["request"].user
    runs = (
        ImportRun.objects.all() if user.is_superuser else ImportRun.objects.filter(started_by=user)
    )
    open_statuses = [ImportRun.Status.PENDING, ImportRun.Status.QUEUED, ImportRun.Status.RUNNING]
    since = timezone.now() - datetime.timedelta(days=30)
    counts = runs.aggregate(
        open=Count("pk", filter=Q(status__in=open_statuses)),
        failed=Count("pk", filter=Q(status=ImportRun.Status.FAILED, created_at__gte=since)),
    )
    return {
        "cards": [
            {
                "count": counts["open"],
                "label": ngettext(
                    "import à vérifier ou en cours",
                    "imports à vérifier ou en cours",
                    counts["open"],
                ),
                "url": reverse("opendata:import_list"),
                "detail": ngettext(
                    "%(count)s échec ces 30 derniers jours",
                    "%(count)s échecs ces 30 derniers jours",
                    counts["failed"],
                )
                % {"count": counts["failed"]}
                if counts["failed"]
                else _("Aucun échec ces 30 derniers jours"),
            }
        ]
    }
