from __future__ import annotations

from django.urls import path

from projects.views import friction, projects

app_name = "projects"

urlpatterns = [
    # --- project pages (projects/views/projects.py) ---
    path("projects/", projects.project_list, name="list"),
    path("projects/new/", projects.project_create, name="create"),
    path("projects/<int:pk>/", projects.project_detail, name="detail"),
    path("projects/<int:pk>/edit/", projects.project_edit, name="edit"),
    path(
        "projects/<int:pk>/steps/<int:step_pk>/status/",
        projects.step_status,
        name="step_status",
    ),
    # --- friction log (projects/views/friction.py) ---
    path("projects/<int:pk>/friction/", friction.friction_list, name="friction_list"),
    path("projects/<int:pk>/friction/new/", friction.friction_create, name="friction_create"),
    path(
        "projects/<int:pk>/friction/<int:fp>/",
        friction.friction_detail,
        name="friction_detail",
    ),
    path(
        "projects/<int:pk>/friction/<int:fp>/comment/",
        friction.friction_comment,
        name="friction_comment",
    ),
    path(
        "projects/<int:pk>/friction/<int:fp>/status/",
        friction.friction_status,
        name="friction_status",
    ),
    path(
        "projects/<int:pk>/friction/<int:fp>/close/",
        friction.friction_close,
        name="friction_close",
    ),
]
