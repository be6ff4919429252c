"""WSGI entry point; production deployments set DJANGO_SETTINGS_MODULE=config.settings.production."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
application = get_wsgi_application()

# Each worker builds its directory index as it starts, not on its first search.
from maillage.directory.search.memory import build_in_background_at_start  # noqa: E402

build_in_background_at_start()
