"""Where to go back to after a form: a ``next`` parameter, only when it is safe."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, candidate: str | None = None, fallback: str = "") -> str:
    """``candidate`` (default: the request's ``next``) when it is a path on this site,
    else ``fallback``.

    Only absolute paths count: Django's ``redirect()`` takes anything else without a "/"
    or "." for the name of a URL pattern, and a ``next`` of "0" would crash it.
    """
    if candidate is None:
        candidate = request.POST.get("next") or request.GET.get("next") or ""
    if (
        candidate.startswith("/")
        and not candidate.startswith("//")
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return fallback
