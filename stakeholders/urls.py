from __future__ import annotations

from django.urls import path

from stakeholders import views

app_name = "stakeholders"

urlpatterns = [
    path("", views.stakeholder_list, name="list"),
    path("search/", views.stakeholder_search, name="search"),
    path("new/", views.stakeholder_create_inline, name="create_inline"),
    path("<int:pk>/", views.stakeholder_detail, name="detail"),
]
