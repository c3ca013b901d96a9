from __future__ import annotations

from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data and the ``seed_demo`` command; no models of its own."""

    name = "demo"
    verbose_name = "Demo"
