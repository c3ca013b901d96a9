"""The accounts' pages at the root of the site (the others are under ``accounts/``)."""

from __future__ import annotations

from django.urls import path

from accounts import no_role

urlpatterns = [
    path("geen-rol/", no_role.no_role, name="no_role"),
]
