from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    """The shared web plumbing: the security log's receivers, the session clocks, the
    theme's system check and the audit trail's fallback."""

    name = "web"
    verbose_name = _("Beveiliging")

    def ready(self) -> None:
        # Importing connects the signal receivers (login, logout, failures, lockouts).
        from web import audit_log, history, security, theme  # noqa: F401

        # The audit trail without database triggers (SQLite): see web/history.py.
        history.connect_fallback()
