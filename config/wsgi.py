"""WSGI entry point; production deployments set DJANGO_SETTINGS_MODULE=config.settings.production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
application = get_wsgi_application()

# Each worker builds its in-memory indexes as it starts, not on its first search or match.
from maillage.catalogue.match_index import keeper as matching_index  # noqa: E402
from maillage.directory.search.memory import build_in_background_at_start  # noqa: E402

build_in_background_at_start()
if matching_index.mode == "background":
    matching_index.rebuild_in_background()
