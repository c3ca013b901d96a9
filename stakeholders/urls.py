from __future__ import annotations

from django.urls import path

from stakeholders import views

app_name = "stakeholders"

urlpatterns = [
    path("", views.stakeholder_list, name="list"),
    path("search/", views.stakeholder_search, name="search"),
    path("new/", views.stakeholder_create_inline, name="create_inline"),
    path("<int:pk>/", views.stakeholder_detail, name="detail"),
    path("<int:pk>/archive/", views.stakeholder_archive, name="archive"),
    path("<int:pk>/restore/", views.stakeholder_restore, name="restore"),
    # --- contact persons of a party ---
    path("<int:pk>/contacts/new/", views.contact_add, name="contact_add"),
    path("<int:pk>/contacts/<int:contact_pk>/edit/", views.contact_edit, name="contact_edit"),
]
