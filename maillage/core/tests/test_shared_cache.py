"""CACHE_URL on the Redis of this machine: counters are shared between processes (workers)."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from django.core.cache import cache, caches

from config.env import cache_settings
from maillage.core.ratelimit import RateLimited, hit

ROOT = Path(__file__).resolve().parents[3]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/3")


def _redis_is_up() -> bool:
    try:
        return redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5).ping()
    except redis.RedisError:
        return False


pytestmark = pytest.mark.skipif(not _redis_is_up(), reason=f"no Redis at {REDIS_URL}")


@pytest.fixture
def redis_cache(settings):
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {"default": {**cache_settings(REDIS_URL), "KEY_PREFIX": prefix}}
    yield prefix
    cache.clear()


def test_the_cache_url_selects_redis(redis_cache):
    cache.set("sonde", "ok", timeout=5)
    assert cache.get("sonde") == "ok"
    assert type(caches["default"]).__name__ == "RedisCache"


def test_rate_limits_are_shared_between_worker_processes(redis_cache):
    # Windows are fixed: with a day's, the other process (seconds to start) cannot land in the
    # next window, as it could with a minute's.
    hit("shared-test", "203.0.113.9", "2/d")
    hit("shared-test", "203.0.113.9", "2/d")
    other_worker = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup()\n"
            "from django.conf import settings\n"
            f"settings.CACHES['default']['KEY_PREFIX'] = {redis_cache!r}\n"
            "from maillage.core.ratelimit import RateLimited, hit\n"
            "try:\n    hit('shared-test', '203.0.113.9', '2/d')\nexcept RateLimited:\n"
            "    print('limited')\n",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "CACHE_URL": REDIS_URL,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert other_worker.stdout.strip() == "limited", other_worker.stderr
    with pytest.raises(RateLimited):
        hit("shared-test", "203.0.113.9", "2/d")


def test_readyz_checks_the_redis_cache(client, db, redis_cache):
    assert client.get("/readyz").json()["cache"] is True
