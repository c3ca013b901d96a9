"""The start page: ``home`` sends each role to where its work starts (not namespaced:
``LOGIN_REDIRECT_URL`` names it)."""

from __future__ import annotations

from django.urls import path

from projects.views.projects import home

urlpatterns = [
    path("", home, name="home"),
]
