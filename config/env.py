"""Small typed readers for settings from the environment.

Each raises ImproperlyConfigured on a value it cannot read, instead of silently
coercing it. Secrets may also come from ``NAME_FILE`` (Docker/Kubernetes secrets).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_CSS_CLASS = re.compile(r"-?[A-Za-z_][A-Za-z0-9_-]*")
# Characters that would end or extend a Content-Security-Policy source, or an HTML attribute.
_NOT_IN_URL = frozenset(" \t\n\r;,'\"<>\\")


def env_str(name: str, default: str | None = None) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE points to {file_name!r}: {exc}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}")
    if maximum is not None and value > maximum:
        raise ImproperlyConfigured(f"{name} must be at most {maximum}, not {value}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {'|'.join(choices)}, not {raw!r}")
    return value


def env_stylesheet(name: str, *, base_dir: Path, allow_http: bool) -> str:
    """Where a stylesheet is: "" when unset; an ``https://`` URL to a file (``http://`` too
    when ``allow_http``), without credentials or characters a CSP source cannot hold; or
    the absolute path of an existing ``.css`` file (a relative path is taken from
    ``base_dir``)."""
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return ""
    if _SCHEME.match(raw):
        parts = urlsplit(raw)
        schemes = ("https", "http") if allow_http else ("https",)
        if (
            parts.scheme.lower() not in schemes
            or not parts.hostname
            or parts.username is not None
            or not parts.path.strip("/")
            or parts.path.endswith("/")
            or _NOT_IN_URL.intersection(raw)
        ):
            raise ImproperlyConfigured(
                f"{name} must be an https:// address of a stylesheet "
                f"(or the path of a .css file), not {raw!r}"
            )
        return raw
    path = Path(raw)
    if not path.is_absolute():
        path = base_dir / path
    if path.suffix != ".css" or not path.is_file():
        raise ImproperlyConfigured(
            f"{name} must be an existing .css file or an https:// address, not {raw!r}"
        )
    return str(path.resolve())


def env_css_classes(name: str, default: str) -> str:
    """One or more CSS class names separated by spaces, e.g. ``"voorbeeld-theme"``."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    classes = raw.split()
    if not all(_CSS_CLASS.fullmatch(item) for item in classes):
        raise ImproperlyConfigured(f"{name} must be CSS class names, not {raw!r}")
    return " ".join(classes)


SECRET_KEY_MISSING = (
    "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off "
    "(set it, or DJANGO_SECRET_KEY_FILE, to a long random value)."
)


def require_secret_key(*args: object, **kwargs: object) -> None:
    """Stop a production start (web server, worker, beat) that has no secret key.

    Django refuses an empty key only where it is first used; the entry points ask at once,
    so a forgotten key stops the start instead of the first request. (The arguments let it
    serve as a Celery signal receiver.)"""
    from django.conf import settings

    try:
        settings.SECRET_KEY  # noqa: B018 - Django raises here when the key is empty
    except ImproperlyConfigured:
        raise ImproperlyConfigured(SECRET_KEY_MISSING) from None
