"""Behind the reverse proxy, every rate limit counts visitors by their own address (the header
named by CLIENT_IP_HEADER), never the proxy's: one visitor cannot lock the others out.

The actions come from the lists the code itself uses: `RULES` in maillage/core/ratelimit.py for
ours, allauth's effective `RATE_LIMITS` for sign-in, sign-up and password reset. A new limit is
tested here without anyone adding it."""

import pytest
from allauth.account import app_settings as allauth_settings
from allauth.core import ratelimit as allauth_ratelimit
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse

from maillage.core.ratelimit import RULES, RateLimited, hit_by_address
from maillage.membership.tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.1"
VISITOR_A, VISITOR_B = "203.0.113.7", "198.51.100.9"


@pytest.fixture(autouse=True)
def behind_the_proxy(settings):
    settings.CLIENT_IP_HEADER = "X-Real-IP"


def _proxied(address: str):
    request = RequestFactory().post(
        "/", headers={"X-Real-IP": address}, REMOTE_ADDR=PROXY, secure=True
    )
    request.user = AnonymousUser()
    request.session = {}
    return request


def _allauth_actions_per_address() -> list[str]:
    return sorted(
        action for action, rates in allauth_settings.RATE_LIMITS.items() if rates and "/ip" in rates
    )


@pytest.mark.parametrize(
    "action", sorted(name for name, rule in RULES.items() if rule.per == "address")
)
def test_our_address_limits_count_each_visitor_behind_the_proxy(action, settings):
    setattr(settings, RULES[action].setting, "2/h")
    hit_by_address(_proxied(VISITOR_A), action)
    hit_by_address(_proxied(VISITOR_A), action)
    with pytest.raises(RateLimited):
        hit_by_address(_proxied(VISITOR_A), action)

    hit_by_address(_proxied(VISITOR_B), action)  # the other visitor keeps their own count


@pytest.mark.parametrize("action", _allauth_actions_per_address())
def test_allauth_address_limits_count_each_visitor_behind_the_proxy(action, settings):
    settings.ACCOUNT_RATE_LIMITS = {action: "2/m/ip"}

    def consume(address: str) -> bool:
        return allauth_ratelimit.consume(_proxied(address), action=action)

    assert [consume(VISITOR_A) for _ in range(3)] == [True, True, False]
    assert consume(VISITOR_B)


def test_the_sign_in_sign_up_and_reset_limits_are_among_those_tested():
    assert {"login", "login_failed", "signup", "reset_password"} <= set(
        _allauth_actions_per_address()
    )


def test_failed_sign_ins_from_one_visitor_do_not_lock_out_another(client):
    UserFactory(email="marc@exemple.test")
    for attempt in range(11):
        client.post(
            reverse("account_login"),
            {"login": f"intrus{attempt}@exemple.test", "password": "faux"},
            headers={"X-Real-IP": VISITOR_A},
            REMOTE_ADDR=PROXY,
        )

    response = client.post(
        reverse("account_login"),
        {"login": "marc@exemple.test", "password": PASSWORD},
        headers={"X-Real-IP": VISITOR_B},
        REMOTE_ADDR=PROXY,
    )

    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_failed_sign_ins_from_one_visitor_still_lock_that_visitor(client):
    UserFactory(email="marc@exemple.test")
    for attempt in range(11):
        client.post(
            reverse("account_login"),
            {"login": f"intrus{attempt}@exemple.test", "password": "faux"},
            headers={"X-Real-IP": VISITOR_A},
            REMOTE_ADDR=PROXY,
        )

    response = client.post(
        reverse("account_login"),
        {"login": "marc@exemple.test", "password": PASSWORD},
        headers={"X-Real-IP": VISITOR_A},
        REMOTE_ADDR=PROXY,
    )

    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 429)


def _limit_calls() -> list[tuple[str, str, object]]:
    """(file, function, action) of every rate-limit call in the product's code."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    action_argument = {"hit": 0, "hit_by_address": 1, "hit_by_account": 1, "limit_heavy_read": 1}
    calls = []
    for path in root.rglob("*.py"):
        if "tests" in path.parts or path.name == "ratelimit.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in action_argument:
                position = action_argument[name]
                argument = node.args[position] if len(node.args) > position else None
                action = argument.value if isinstance(argument, ast.Constant) else argument
                calls.append((path.name, name, action))
    return calls


def test_every_rate_limit_in_the_code_is_a_listed_action():
    calls = _limit_calls()

    assert calls
    for file, function, action in calls:
        assert function != "hit", f"{file}: use hit_by_address or hit_by_account"
        if function == "limit_heavy_read" and action is None:
            continue  # the listed "heavy-read" by default
        assert action in RULES, f"{file}: {function}({action!r}) is not in RULES"
