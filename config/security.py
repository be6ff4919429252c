"""The Content Security Policy, built from the settings it depends on (the map tiles' host)."""

from urllib.parse import urlsplit

from csp.constants import NONE, SELF


def tile_source(tile_url: str) -> str:
    """`https://{s}.tile.example.org/{z}/{x}/{y}.png` → `https://*.tile.example.org`."""
    parts = urlsplit(tile_url)
    host = parts.netloc.replace("{s}", "*")
    if not parts.scheme or not host or "{" in host:
        return ""
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str) -> dict[str, object]:
    """No inline script or style, no eval, nothing from elsewhere but the tiles' images."""
    tiles = tile_source(tile_url)
    return {
        "DIRECTIVES": {
            "default-src": [SELF],
            "script-src": [SELF],
            "style-src": [SELF],
            "img-src": [SELF, "data:", *([tiles] if tiles else [])],
            "font-src": [SELF],
            "connect-src": [SELF],
            "object-src": [NONE],
            "base-uri": [SELF],
            "form-action": [SELF],
            "frame-ancestors": [NONE],
            "report-uri": ["/csp-report"],
        }
    }
