from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config import health, pages
from projects.views.projects import home

urlpatterns = [
    path("", home, name="home"),
    path("health/", health.health, name="health"),
    path("privacy/", pages.privacy, name="privacy"),
    path("toegankelijkheid/", pages.accessibility, name="accessibility"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/", include("accounts.urls")),
    path("stakeholders/", include("stakeholders.urls")),
    path("", include("projects.urls")),
]

if settings.BB_OIDC_ENABLED:
    # Login through the organisation's identity provider (config/oidc.py).
    urlpatterns.insert(0, path("oidc/", include("mozilla_django_oidc.urls")))
