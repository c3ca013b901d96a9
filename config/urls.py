from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from accounts import no_role
from config import health, pages
from projects.views.projects import home

urlpatterns = [
    path("", home, name="home"),
    path("health/", health.health, name="health"),
    path("geen-rol/", no_role.no_role, name="no_role"),
    path("privacy/", pages.privacy, name="privacy"),
    path("toegankelijkheid/", pages.accessibility, name="accessibility"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("accounts.auth_urls")),
    path("accounts/", include("accounts.urls")),
    path("stakeholders/", include("stakeholders.urls")),
    path("", include("projects.urls")),
]

if settings.BB_OIDC_ENABLED:
    # Login through the organisation's identity provider (accounts/oidc.py).
    urlpatterns.insert(0, path("oidc/", include("mozilla_django_oidc.urls")))
