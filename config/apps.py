from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SecurityConfig(AppConfig):
    """The site's own security pieces: the security log's receivers."""

    name = "config"
    verbose_name = _("Beveiliging")

    def ready(self) -> None:
        # Importing connects the signal receivers (login, logout, failures, lockouts).
        from config import audit_log, history, security, theme  # noqa: F401

        # The audit trail without database triggers (SQLite): see config/history.py.
        history.connect_fallback()
