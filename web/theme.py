"""The organisation's own look: which token file the pages load, and serving it from disk.

The NL Design System components (``@utrecht/component-library-css``) take their colours,
fonts and spacing from design tokens: CSS custom properties set on a theme class that
``<html>`` carries. BinnenBuiten ships the NL Design System example theme
(``voorbeeld-theme``, EUPL-1.2). ``BB_THEME_CSS`` swaps in the organisation's own token
file and ``BB_THEME_CLASS`` names its class, without a change to the code:

- an ``https://`` address: the pages link it as it is, and settings.py allows exactly
  that address in the policy's ``style-src`` (nothing else from that host);
- a path: the file is read from disk at each request and served at ``THEME_URL`` by the
  static files middleware, so a file mounted into a container or edited later needs
  neither ``collectstatic`` nor a restart.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from whitenoise.middleware import WhiteNoiseMiddleware
from whitenoise.responders import MissingFileError

THEME_URL = "/theme.css"
DEFAULT_STYLESHEET = "vendor/voorbeeld-theme.css"


def is_url(location: str) -> bool:
    return "://" in location


def theme_stylesheet_url() -> str:
    location = settings.BB_THEME_CSS
    if not location:
        return static(DEFAULT_STYLESHEET)
    if is_url(location):
        return location
    # The file's change time in the address: browsers fetch an edited file at once.
    try:
        version = os.stat(location).st_mtime_ns
    except OSError:
        version = 0
    return f"{THEME_URL}?v={version:x}"


def theme(request: HttpRequest) -> dict[str, str]:
    """Context processor: the token file's address and the class ``<html>`` carries."""
    return {"theme_stylesheet": theme_stylesheet_url(), "theme_class": settings.BB_THEME_CLASS}


class StaticFilesMiddleware(WhiteNoiseMiddleware):
    """WhiteNoise, which also answers ``THEME_URL`` with the file ``BB_THEME_CSS`` names
    when that is a path. Before the sessions, like WhiteNoise: the login page and the
    second-factor pages need the look too."""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        location = settings.BB_THEME_CSS
        if request.path_info == THEME_URL and location and not is_url(location):
            try:
                return self.serve(self.get_static_file(location, THEME_URL), request)
            except MissingFileError:
                pass  # removed since start-up: a plain 404 from the URL resolver
        return super().__call__(request)


@register(Tags.templates)
def theme_class_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A token file on disk whose rules hang on another class styles nothing: say so at
    start-up instead of leaving the pages without colours."""
    location = settings.BB_THEME_CSS
    if not location or is_url(location):
        return []
    try:
        text = Path(location).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return []  # the settings refused a missing file; one removed later gives a 404
    classes = settings.BB_THEME_CLASS.split()
    if ":root" in text or any(
        re.search(rf"\.{re.escape(name)}(?![\w-])", text) for name in classes
    ):
        return []
    return [
        Warning(
            f"BB_THEME_CSS ({location}) has no rule for the class "
            f"{settings.BB_THEME_CLASS!r} that the pages carry: its tokens would not apply.",
            hint="Set BB_THEME_CLASS to the class the file's custom properties hang on.",
            id="config.W001",
        )
    ]
