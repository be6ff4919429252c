"""Saved searches: create from a search, list, delete; unsubscribe by signed link; Atom feed."""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.catalogue.forms import SavedSearchForm
from maillage.catalogue.models import SavedSearch
from maillage.catalogue.services import alerts as services
from maillage.catalogue.views._forms import add_errors
from maillage.core.feeds import TextAtomFeed


@login_required
def alert_list(request: HttpRequest) -> HttpResponse:
    initial = {
        "query": request.GET.get("q", ""),
        "side": request.GET.get("side", ""),
        "name": request.GET.get("q", "") or _("Mon alerte"),
    }
    if request.GET.get("kind"):
        initial["kinds"] = [request.GET["kind"]]
    for name in ("departement", "near", "radius_km"):  # the listing search's own filters
        if request.GET.get(name):
            initial[name] = request.GET[name]
    form = SavedSearchForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_search(user=request.user, data=form.search_data())
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("L'alerte est enregistrée."))
            return redirect("catalogue:alerts")
    return render(
        request,
        "catalogue/alerts.html",
        {
            "form": form,
            "alerts": SavedSearch.objects.filter(user=request.user)
            .select_related("near", "departement")
            .prefetch_related("sectors"),
        },
    )


@login_required
@require_POST
def alert_delete(request: HttpRequest, pk: int) -> HttpResponse:
    saved = get_object_or_404(SavedSearch, pk=pk, user=request.user)
    services.delete_search(saved=saved)
    messages.success(request, _("L'alerte est supprimée."))
    return redirect("catalogue:alerts")


def alert_unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """A page with one button, so that mail scanners opening the link unsubscribe nobody."""
    try:
        saved = services.read_unsubscribe_token(token)
    except services.AlertLinkError as error:
        return render(
            request, "catalogue/alert_unsubscribe.html", {"error": str(error)}, status=400
        )
    if request.method == "POST":
        services.unsubscribe(saved=saved)
    return render(request, "catalogue/alert_unsubscribe.html", {"saved": saved})


class AlertFeed(Feed):
    """Atom feed of one saved search; its address (a random token) is the only key. Its id is a
    tag URI of the alert (one per feed, and stable, without the secret token); the platform is
    the feed's author, each organisation the author of its entries (RFC 4287, 4.1.1)."""

    feed_type = TextAtomFeed
    author_name = "Maillage"

    def get_object(self, request, token: str) -> SavedSearch:
        return get_object_or_404(SavedSearch, feed_token=token)

    def title(self, obj: SavedSearch) -> str:
        return _("Maillage – alerte « %(name)s »") % {"name": obj.name}

    def link(self, obj: SavedSearch) -> str:
        return "/catalogue/"

    def feed_guid(self, obj: SavedSearch) -> str:
        host = urlsplit(settings.SITE_URL).hostname or "maillage.localhost"
        return f"tag:{host},2025:alerte/{obj.pk}"

    def item_author_name(self, item) -> str:
        return item.organisation.display_name

    def subtitle(self, obj: SavedSearch) -> str:
        return _("Nouvelles offres et nouveaux besoins selon vos critères.")

    def items(self, obj: SavedSearch):
        return services.listings_for(obj)[:50]

    def item_title(self, item) -> str:
        return f"{item.get_side_display()} · {item.title}"

    def item_description(self, item) -> str:
        return f"{item.organisation.display_name} – {item.description[:500]}"

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at
