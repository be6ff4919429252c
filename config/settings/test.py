"""Tests: fast hashing, e-mails kept in memory, tasks run at once, tiles never fetched."""

from config.security import content_security_policy
from config.settings.base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    **STORAGES,  # noqa: F405
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
# Browser tests must not reach the internet: tiles point at a closed local port.
MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"
CONTENT_SECURITY_POLICY = content_security_policy(MAP_TILE_URL)
# The replica alias exists in tests, mirroring the test database; the router is switched on by
# the tests that exercise it (maillage/core/tests/test_db_router.py).
DATABASES["replica"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}  # noqa: F405
# The in-memory directory index is built before answering, so a search sees the test's data.
DIRECTORY_MEMORY_INDEX = "sync"
MATCHING_MEMORY_INDEX = "sync"
# Directory versions in the per-process cache, as before; the database store has its own test
# (maillage/directory/tests/test_shared_version.py).
DIRECTORY_VERSION_STORE = "cache"
