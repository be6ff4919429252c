"""Writing through the API: who is calling (a personal token or a session with CSRF), and may
they write to this organisation. Every write endpoint of every app uses these pieces:

    @router.patch("/things/{pk}", auth=WRITE_AUTH, response={200: ThingOut, **WRITE_ERRORS})
    def update_thing(request, pk: int, payload: ThingIn):
        thing = get_object_or_404(Thing, pk=pk)
        user = require_write(request, thing.organisation)   # 403, 429
        ...
"""

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from maillage.core.api import ErrorOut
from maillage.core.ratelimit import hit_by_account
from maillage.directory.models import Organisation
from maillage.membership.permissions import Action, can
from maillage.membership.services.api_tokens import authenticate_api_token


class ApiTokenAuth(HttpBearer):
    """`Authorization: Bearer mlg_…`: a personal token, valid for one organisation."""

    openapi_description = "Jeton personnel créé dans « Mon compte › Jetons d'API »."

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        api_token = authenticate_api_token(token)
        if api_token is None:
            return None
        request.api_token = api_token
        return api_token.user


class SessionCsrfAuth(APIKeyCookie):
    """The signed-in session of the site's own pages; writes need the CSRF token
    (`X-CSRFToken` header), like every form of the site."""

    param_name = settings.SESSION_COOKIE_NAME
    openapi_description = "Session du site ; en-tête X-CSRFToken obligatoire pour écrire."

    def __call__(self, request: HttpRequest) -> User | None:
        # Without a session, let the caller get a 401, not a CSRF 403.
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def _get_key(self, request: HttpRequest) -> str | None:
        if check_csrf(request):
            raise HttpError(403, "Jeton CSRF absent ou invalide (en-tête X-CSRFToken).")
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        return request.user if request.user.is_active else None


# Token first: a script sending a token needs no CSRF token.
WRITE_AUTH = [ApiTokenAuth(), SessionCsrfAuth()]
# The answers every write endpoint documents besides its success.
WRITE_ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut}


def require_write(
    request: HttpRequest,
    organisation: Organisation,
    *,
    action: Action = Action.EDIT_ORGANISATION,
    rate: str = "",
) -> User:
    """The caller, once counted against the write rate limit (429) and allowed to do `action`
    on `organisation` (403): a token only works for its own organisation, and only while its
    person keeps the right to act on it."""
    user: User = request.auth
    hit_by_account(user, "api-write", rate)
    token = getattr(request, "api_token", None)
    if token is not None and token.organisation_id != organisation.pk:
        raise PermissionDenied(
            f"Ce jeton ne donne accès qu'à l'organisation « {token.organisation.name} »."
        )
    if not can(user, action, organisation):
        raise PermissionDenied(
            "Seuls les membres de l'organisation et l'animation de son territoire peuvent "
            "la modifier."
        )
    return user


def get_organisation_for_api_write(
    request: HttpRequest, organisation_id: int, *, action: Action = Action.EDIT_ORGANISATION
) -> Organisation:
    """Fetch and authorise together: 404, then 429 / 403 as `require_write`."""
    organisation = get_object_or_404(Organisation, pk=organisation_id)
    require_write(request, organisation, action=action)
    return organisation
