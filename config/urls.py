"""The site's URLs: each app's own URLconf, by name (``config`` imports no app)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("projects.root_urls")),
    path("", include("web.urls")),
    path("", include("accounts.root_urls")),
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
