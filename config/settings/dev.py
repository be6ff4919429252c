"""Local development: debug on, everything on 127.0.0.1."""

from config.env import env_bool
from config.settings.base import *  # noqa: F403

DEBUG = env_bool("DEBUG", True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Django's debug pages use inline styles and scripts: in development the policy only reports
# (violations still show in the browser console); tests and production enforce it.
if DEBUG:
    CONTENT_SECURITY_POLICY_REPORT_ONLY = CONTENT_SECURITY_POLICY  # noqa: F405
    CONTENT_SECURITY_POLICY = None
