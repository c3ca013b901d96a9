"""The htmx request, typed; whether it asks for a fragment; a form with errors swapped in
place of itself (django-htmx)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django_htmx.http import reswap, retarget
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that went through django-htmx's middleware (django-htmx's docs)."""

    htmx: HtmxDetails


def is_partial(request: HtmxHttpRequest) -> bool:
    """Whether to answer with the fragment htmx swaps rather than the whole page. A
    history restore (back button with the page gone from htmx's cache) needs the page."""
    return bool(request.htmx) and not request.htmx.history_restore_request


def form_again(
    request: HttpRequest, template: str, form: str, context: dict[str, Any]
) -> HttpResponse:
    """The partial ``form`` of ``template`` (a form with its errors) in place of the form on
    the page, the element ``#`` + ``form`` with dashes: the form's own ``hx-target`` is
    where a success goes, not where the form is."""
    response = render(request, f"{template}#{form}", context)
    return retarget(reswap(response, "outerHTML"), "#" + form.replace("_", "-"))


def render_page_or_partial(
    request: HtmxHttpRequest, template: str, partial: str, context: dict[str, Any]
) -> HttpResponse:
    """The partial ``partial`` of ``template`` for htmx (``is_partial``), else the whole
    page; the answer varies on ``HX-Request``, so a cache keeps the two apart."""
    name = f"{template}#{partial}" if is_partial(request) else template
    response = render(request, name, context)
    patch_vary_headers(response, ("HX-Request",))
    return response
