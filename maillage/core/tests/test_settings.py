import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int

ROOT = Path(__file__).resolve().parents[3]


def run_production_check(**env: str) -> subprocess.CompletedProcess:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
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
    )
    assert result.returncode == 0, result.stderr


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
