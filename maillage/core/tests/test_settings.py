import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import cache_settings, email_settings, env_bool, env_int, env_rate
from config.security import content_security_policy

ROOT = Path(__file__).resolve().parents[3]


def run_production_check(**env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in (
            "SECRET_KEY",
            "DEBUG",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
            "EMAIL_URL",
            "REDIS_URL",
            "CACHE_URL",
        )
    }
    environment.update(DJANGO_SETTINGS_MODULE="config.settings.production", **env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deployment_checklist():
    result = run_production_check(
        SECRET_KEY="x" * 20 + "-a-long-random-production-secret-key",
        ALLOWED_HOSTS="maillage.example.org",
        EMAIL_URL="smtp://maillage:secret@smtp.example.org:587",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_a_way_to_send_emails():
    result = run_production_check(
        SECRET_KEY="x" * 20 + "-a-long-random-production-secret-key",
        ALLOWED_HOSTS="maillage.example.org",
    )
    assert "EMAIL_URL is required" in result.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://maillage:p%40ss@smtp.example.org:2525",
            {
                "EMAIL_HOST": "smtp.example.org",
                "EMAIL_PORT": 2525,
                "EMAIL_HOST_PASSWORD": "p@ss",
                "EMAIL_USE_TLS": True,
            },
        ),
        ("smtps://smtp.example.org", {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True}),
        ("console://", {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}),
    ],
)
def test_email_url_gives_the_email_settings(url, expected):
    settings = email_settings(url)
    assert {key: settings[key] for key in expected} == expected


def test_a_malformed_email_url_is_refused():
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        email_settings("mail.example.org")


def test_production_refuses_to_start_without_a_secret_key():
    result = run_production_check(ALLOWED_HOSTS="maillage.example.org")
    assert "SECRET_KEY is required" in result.stderr


def test_env_helpers_fail_loudly_on_bad_values(monkeypatch):
    monkeypatch.setenv("MAILLAGE_FLAG", "peut-être")
    with pytest.raises(ImproperlyConfigured, match="not a boolean"):
        env_bool("MAILLAGE_FLAG", False)
    monkeypatch.setenv("MAILLAGE_NUMBER", "douze")
    with pytest.raises(ImproperlyConfigured, match="not an integer"):
        env_int("MAILLAGE_NUMBER", 1)


def test_production_refuses_to_start_without_a_shared_cache():
    result = run_production_check(
        SECRET_KEY="x" * 20 + "-a-long-random-production-secret-key",
        ALLOWED_HOSTS="maillage.example.org",
        EMAIL_URL="smtp://maillage:secret@smtp.example.org:587",
    )
    assert "CACHE_URL (or REDIS_URL) is required" in result.stderr


def test_cache_url_is_accepted_like_redis_url():
    result = run_production_check(
        SECRET_KEY="x" * 20 + "-a-long-random-production-secret-key",
        ALLOWED_HOSTS="maillage.example.org",
        EMAIL_URL="smtp://maillage:secret@smtp.example.org:587",
        CACHE_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("redis://127.0.0.1:6379/3", "django.core.cache.backends.redis.RedisCache"),
        ("", "django.core.cache.backends.locmem.LocMemCache"),
        ("locmem://", "django.core.cache.backends.locmem.LocMemCache"),
    ],
)
def test_cache_url_gives_the_cache_backend(url, backend):
    assert cache_settings(url)["BACKEND"] == backend


def test_a_cache_url_of_an_unknown_kind_is_refused():
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_settings("memcached://127.0.0.1:11211")


def test_the_map_tiles_host_is_the_only_outside_source_of_images():
    policy = content_security_policy("https://{s}.tile.example.org/{z}/{x}/{y}.png")
    directives = policy["DIRECTIVES"]
    assert directives["img-src"] == ["'self'", "data:", "https://*.tile.example.org"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]


@pytest.mark.parametrize("raw", ["5", "5/x", "cinq/m", "5/m/ip", "-1/h"])
def test_a_malformed_rate_is_refused_at_start_up(monkeypatch, raw):
    monkeypatch.setenv("CONTACT_RATE", raw)
    with pytest.raises(ImproperlyConfigured, match="CONTACT_RATE"):
        env_rate("CONTACT_RATE", "10/h")


@pytest.mark.parametrize("raw", ["5/m", "100/h", "20/10m", "3/d"])
def test_a_well_formed_rate_is_read_from_the_environment(monkeypatch, raw):
    monkeypatch.setenv("CONTACT_RATE", raw)
    assert env_rate("CONTACT_RATE", "10/h") == raw
