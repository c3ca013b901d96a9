"""The htmx request, typed, and whether it asks for a fragment (django-htmx)."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware (django-htmx's docs)."""

    htmx: HtmxDetails


def is_partial(request: HtmxHttpRequest) -> bool:
    """Whether to answer with the fragment htmx swaps rather than the whole page. A
    history restore (back button with the page gone from htmx's cache) needs the page."""
    return bool(request.htmx) and not request.htmx.history_restore_request
