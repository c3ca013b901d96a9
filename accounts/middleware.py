"""Nothing but the code pages for a session that still owes its second factor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from accounts.twofactor import ENROL, second_factor_step
from web.security import resume_path

# What a session may open before it gave its code or set up its app: the steps themselves,
# logging in and out (also through the identity provider), and the public pages.
OPEN_BEFORE_SECOND_FACTOR: Final = frozenset(
    {
        "accounts:two_factor_verify",
        "accounts:two_factor_recovery",
        "accounts:two_factor_enrol",
        "login",
        "logout",
        "oidc_authentication_init",
        "oidc_authentication_callback",
        "oidc_logout",
        "health",
        "privacy",
        "accessibility",
        "set_language",
    }
)


class SecondFactorMiddleware:
    """Sends a signed-in session that must give a code, or must set up an app first
    (``BB_2FA_REQUIRED_FOR``, and the admin for every member of staff), to that page
    before any other view runs: pages, htmx fragments (``HX-Redirect``), exports and the
    admin alike. A URL that matches nothing stays a 404.

    Must come after the authentication, django-otp, session and htmx middleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        match = request.resolver_match
        if match is None or match.view_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        step = second_factor_step(request, admin="admin" in match.app_names)
        if step is None:
            return None
        url = reverse(
            "accounts:two_factor_enrol" if step == ENROL else "accounts:two_factor_verify"
        )
        next_path = resume_path(request)
        if next_path:
            url += "?" + urlencode({"next": next_path})
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(url)
        return HttpResponseRedirect(url)
