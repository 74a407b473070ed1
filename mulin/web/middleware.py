"""Display preferences that work before sign-in too: large text for elderly users."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

TEXT_SIZE_COOKIE = "mulin_text_size"


class DisplayPreferencesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.large_text = request.COOKIES.get(TEXT_SIZE_COOKIE) == "large"  # type: ignore[attr-defined]
        return self.get_response(request)
