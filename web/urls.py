"""The site's own pages: the health probe and the public statements (no login)."""

from __future__ import annotations

from django.urls import path

from web import health, pages

urlpatterns = [
    path("health/", health.health, name="health"),
    path("privacy/", pages.privacy, name="privacy"),
    path("toegankelijkheid/", pages.accessibility, name="accessibility"),
]
