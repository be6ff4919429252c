"""Fixed-window rate limits on the shared cache, for public forms and API writes.

allauth limits the sign-in and sign-up flows itself; this covers the product's own endpoints
(contact forms, needs reports, API writes, exports). Counters live in the default cache, which is
Redis in production so that every worker sees the same counts.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


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


class RateLimited(Exception):
    """Raised when a key has used up its window; `retry_after` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited, retry after {retry_after} s")
        self.retry_after = retry_after


def client_address(request: HttpRequest) -> str:
    """The caller's address: the trusted proxy's header when CLIENT_IP_HEADER names one."""
    if settings.CLIENT_IP_HEADER:
        forwarded = request.headers.get(settings.CLIENT_IP_HEADER, "").strip()
        if forwarded:
            return forwarded[:64]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


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


def hit_by_address(request: HttpRequest, action: str, rate: str) -> None:
    """Rate-limit `action` per client address."""
    hit(action, client_address(request), rate)


def limit_heavy_read(request: HttpRequest, action: str, rate: str = "") -> None:
    """Exports and other costly reads: anonymous callers per address, signed-in ones per person
    (ten times the rate). `rate` defaults to API_HEAVY_READ_RATE."""
    limit = Limit.parse(rate or settings.API_HEAVY_READ_RATE)
    user = getattr(request, "auth", None) or getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        hit(action, f"user:{user.pk}", f"{limit.count * 10}/{limit.seconds}s")
    else:
        hit_by_address(request, action, f"{limit.count}/{limit.seconds}s")
