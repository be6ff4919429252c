"""Fixed-window rate limits on the shared cache, for public forms, API calls and creations.

Every limited action of the product is listed once in `RULES`, with the setting that holds its
rate and what it counts by (the client's address, or the signed-in account). allauth limits the
sign-in, sign-up and password-reset flows itself; it reads the client's address through
`client_address` too (`maillage.membership.adapter.AccountAdapter`), so that behind the proxy
every limit counts visitors, not the proxy. Counters live in the default cache, which is Redis in
production so that every worker sees the same counts.
"""

import ipaddress
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@dataclass(frozen=True)
class Limit:
    """At most `count` hits per `seconds` for one key."""

    count: int
    seconds: int

    @classmethod
    def parse(cls, rate: str) -> "Limit":
        """`"5/m"`, `"100/h"`, `"20/10m"`, `"1000/d"` → Limit."""
        count, _, period = rate.partition("/")
        units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
        multiplier = int(period[:-1]) if len(period) > 1 else 1
        return cls(count=int(count), seconds=multiplier * units[period[-1]])


@dataclass(frozen=True)
class Rule:
    """A limited action: the setting holding its rate, and what it counts by."""

    setting: str
    per: Literal["address", "account"]


# Every limit of the product's own code. Heavy reads count anonymous callers by address and
# signed-in ones by account (ten times the rate), so they appear under both.
RULES: dict[str, Rule] = {
    "csp-report": Rule("CSP_REPORT_RATE", "address"),
    "catalogue-need-report": Rule("NEED_REPORT_RATE", "address"),
    "heavy-read": Rule("API_HEAVY_READ_RATE", "address"),
    "heavy-read-account": Rule("API_HEAVY_READ_RATE", "account"),
    "api-write": Rule("API_WRITE_RATE", "account"),
    "catalogue-contact": Rule("CONTACT_RATE", "account"),
    "create-organisation": Rule("ORGANISATION_CREATION_RATE", "account"),
    "create-listing": Rule("LISTING_CREATION_RATE", "account"),
    "create-suggestion": Rule("SUGGESTION_CREATION_RATE", "account"),
}


class RateLimited(Exception):
    """Raised when a key has used up its window; `retry_after` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited, retry after {retry_after} s")
        self.retry_after = retry_after


def client_address(request: HttpRequest) -> str:
    """The caller's address, the one every limit counts by (ours and allauth's): the trusted
    proxy's header when CLIENT_IP_HEADER names one, else the socket's peer. A header value that
    is not an address (a proxy misconfigured, a forged list) counts as itself, cut short."""
    raw = ""
    if settings.CLIENT_IP_HEADER:
        raw = request.headers.get(settings.CLIENT_IP_HEADER, "").strip()
    raw = raw or request.META.get("REMOTE_ADDR", "") or ""
    try:
        return str(ipaddress.ip_address(raw.strip("[]")))
    except ValueError:
        return raw[:64] or "unknown"


def rate_of(action: str) -> str:
    """The configured rate of a listed action."""
    return getattr(settings, RULES[action].setting)


def hit(action: str, key: str, rate: str) -> None:
    """Count one hit of `action` by `key`; raise RateLimited when the window is full."""
    limit = Limit.parse(rate)
    now = int(time.time())
    window_start = now - now % limit.seconds
    cache_key = f"ratelimit:{action}:{key}:{window_start}"
    cache.add(cache_key, 0, timeout=limit.seconds + 1)
    try:
        used = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=limit.seconds + 1)
        used = 1
    if used > limit.count:
        raise RateLimited(retry_after=window_start + limit.seconds - now or 1)


def hit_by_address(client: HttpRequest | str, action: str, rate: str = "") -> None:
    """Rate-limit `action` per client address; `rate` defaults to the action's rule. `client` is
    the request, or its address already read by client_address (a service that counts only once
    its checks have passed)."""
    address = client if isinstance(client, str) else client_address(client)
    hit(action, address, rate or rate_of(action))


def hit_by_account(user: "AbstractBaseUser", action: str, rate: str = "") -> None:
    """Rate-limit `action` per signed-in account; `rate` defaults to the action's rule."""
    hit(action, f"user:{user.pk}", rate or rate_of(action))


def limit_heavy_read(request: HttpRequest, action: str = "heavy-read", rate: str = "") -> None:
    """Exports and other costly reads: anonymous callers per address, signed-in ones per person
    (ten times the rate). `rate` defaults to API_HEAVY_READ_RATE."""
    limit = Limit.parse(rate or settings.API_HEAVY_READ_RATE)
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        hit_by_account(user, f"{action}-account", f"{limit.count * 10}/{limit.seconds}s")
    else:
        hit_by_address(request, action, f"{limit.count}/{limit.seconds}s")
