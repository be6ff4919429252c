"""The one JSON API of the platform, /api/v1/, with French error messages in one shape."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from pydantic import BaseModel, ConfigDict

from maillage.core.ratelimit import RateLimited


class CompactJSONRenderer(JSONRenderer):
    """No spaces after separators: map payloads are a third smaller."""

    json_dumps_params = {"separators": (",", ":"), "ensure_ascii": False}


GEOJSON = "application/geo+json"  # RFC 7946's media type

# Models of responses served in another media type than plain JSON (GeoJSON, JSON-LD) or
# built as dicts for speed: declared with `media()`, published in the OpenAPI components.
_DECLARED_SCHEMAS: dict[str, type[BaseModel]] = {}


def media(media_type: str, model: type[BaseModel] | None = None) -> dict:
    """The OpenAPI `content` of a response: its media type, typed by `model` (a string without).

    Use in `openapi_extra={"responses": {200: {"description": …, "content": media(…)}}}` with
    `response={200: None}` and `declared_response()`, so that the payload is served as built and
    documented as typed (a test validates real payloads against the same model)."""
    if model is None:
        return {media_type: {"schema": {"type": "string"}}}
    _DECLARED_SCHEMAS[model.__name__] = model
    return {media_type: {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}


def declared_response(request: HttpRequest, data: dict, media_type: str) -> HttpResponse:
    """The 200 of an operation documented with `media()`: rendered as the API renders JSON."""
    response = api.create_response(request, data, status=200)
    response["Content-Type"] = media_type
    return response


class MaillageAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs) -> dict:
        """Ninja's document, with the models declared through `media()` in its components."""
        schema = super().get_openapi_schema(*args, **kwargs)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        for name, model in _DECLARED_SCHEMAS.items():
            body = model.model_json_schema(ref_template="#/components/schemas/{model}")
            components.update(body.pop("$defs", {}))
            components[name] = body
        return schema


api = MaillageAPI(
    renderer=CompactJSONRenderer(),
    title="Maillage API",
    version="1",
    description=(
        "Annuaire ouvert des organisations de l'économie sociale et solidaire. "
        "Lecture publique, sans authentification. Listes paginées : `page` (à partir de 1) et "
        "`page_size` (20 par défaut, 100 au plus). Écriture : jeton personnel "
        "(`Authorization: Bearer mlg_…`, créé dans « Mon compte ») ou session du site avec "
        "l'en-tête `X-CSRFToken` ; limites de débit, réponse 429 avec `Retry-After`."
    ),
    urls_namespace="api-v1",
)


class FieldError(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    """Every 4xx of the API: a message for people, and one entry per faulty field."""

    detail: str
    errors: list[FieldError]


_MESSAGES = {
    "int_parsing": "doit être un nombre entier",
    "int_type": "doit être un nombre entier",
    "float_parsing": "doit être un nombre",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "greater_than": "doit être supérieur à {gt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "less_than": "doit être inférieur à {lt}",
    "missing": "est obligatoire",
    "string_too_long": "doit compter au plus {max_length} caractères",
    "string_too_short": "doit compter au moins {min_length} caractères",
    "string_pattern_mismatch": "n'a pas le format attendu",
    "enum": "doit valoir l'une de ces valeurs : {expected}",
    "literal_error": "doit valoir l'une de ces valeurs : {expected}",
    "bool_parsing": "doit valoir true ou false",
    "extra_forbidden": "est un champ inconnu de cette opération",
}


def _french_message(error: dict) -> str:
    template = _MESSAGES.get(error.get("type", ""))
    if template is None:
        return error.get("msg", "valeur invalide")
    try:
        return template.format(**error.get("ctx", {}))
    except (KeyError, IndexError):
        return template


def _field_name(error: dict) -> str:
    """The field as the client wrote it: without the location, nor the body parameter's name."""
    location = list(error.get("loc", ()))
    if location[:1] == ["body"]:
        location = location[2:]
    location = [str(part) for part in location if part not in ("query", "path")]
    return ".".join(location) or "?"


class WriteSchema(Schema):
    """The base of every request body: a field the endpoint does not know is a 400 naming it,
    never silently ignored (a misspelt `nmae` would otherwise look like a success)."""

    model_config = ConfigDict(extra="forbid")


def error_response(
    request: HttpRequest, status: int, detail: str, errors: list[dict] | None = None
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = [
        {"field": _field_name(error), "message": f"{_field_name(error)} {_french_message(error)}."}
        for error in exc.errors
    ]
    unknown = [_field_name(error) for error in exc.errors if error.get("type") == "extra_forbidden"]
    detail = f"Champs inconnus : {', '.join(unknown)}." if unknown else "Paramètres invalides."
    return error_response(request, 400, detail, errors)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return error_response(request, 404, str(exc) or "Ressource introuvable.")


@api.exception_handler(RateLimited)
def on_rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = error_response(
        request, 429, f"Trop de requêtes : réessayez dans {exc.retry_after} secondes."
    )
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = error_response(
        request,
        401,
        "Authentification requise : jeton personnel (Authorization: Bearer …) ou session.",
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(PermissionDenied)
def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return error_response(request, 403, str(exc) or "Action non autorisée.")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return error_response(request, exc.status_code, str(exc))
