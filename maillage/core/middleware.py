"""French first: the language is the one the visitor chose, else French, whatever the browser says."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation

from maillage.core.ratelimit import RateLimited


class ChosenLanguageMiddleware:
    """Replaces LocaleMiddleware: a French platform should not switch to English on its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response


class RateLimitedMiddleware:
    """Turns RateLimited raised by a page view into a 429 page with Retry-After."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RateLimited):
            return None
        response = render(request, "429.html", {"retry_after": exception.retry_after}, status=429)
        response["Retry-After"] = str(exception.retry_after)
        return response


class RejectNulMiddleware:
    """A NUL character is never legitimate in an address, a parameter or a form field, and
    PostgreSQL refuses it in text: answer 400 naming where it was (the French error page, or the
    API's error shape), before any view or query sees it. Checked once here for every URL, so no
    view needs to. A cookie holding one is dropped instead (a session cookie becomes no session):
    refusing it would lock its holder out until they clear their cookies."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        for name in [name for name, value in request.COOKIES.items() if "\x00" in name + value]:
            del request.COOKIES[name]
        field = self._field_with_nul(request)
        if field is None:
            return self.get_response(request)
        message = f"{field} ne doit pas contenir de caractère nul (\\0)."
        if request.path.startswith("/api/"):
            return JsonResponse(
                {
                    "detail": "Paramètres invalides.",
                    "errors": [{"field": field, "message": message}],
                },
                status=400,
                json_dumps_params={"ensure_ascii": False},
            )
        return render(request, "400.html", {"message": message}, status=400)

    @staticmethod
    def _field_with_nul(request: HttpRequest) -> str | None:
        if "\x00" in request.path_info:
            return "L'adresse de la page"
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                return name.replace("\x00", "")
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        if request.content_type == "application/json":
            body = request.body
            if b"\\u0000" in body or b"\x00" in body:
                return "body"
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for name, values in request.POST.lists():
                if "\x00" in name or any("\x00" in value for value in values):
                    return name.replace("\x00", "")
            for name, files in request.FILES.lists():
                if any("\x00" in (upload.name or "") for upload in files):
                    return name.replace("\x00", "")
        return None


class RequestSizeLimitMiddleware:
    """Refuse a request whose declared size exceeds what any form or import accepts, before its
    body is read: a 100 MB upload gets a 413 at once instead of filling a temporary file. The
    reverse proxy's `client_max_body_size` is the first guard; this one holds without it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        limit = settings.MAX_UPLOAD_SIZE + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if declared <= limit:
            return self.get_response(request)
        message = (
            f"La demande pèse {declared / 1_048_576:.0f} Mo : "
            f"{limit / 1_048_576:.0f} Mo au plus, fichiers compris."
        )
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": message, "errors": []},
                status=413,
                json_dumps_params={"ensure_ascii": False},
            )
        return render(request, "400.html", {"message": message}, status=413)
