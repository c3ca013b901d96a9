from __future__ import annotations

from django.urls import path

from projects.views import dashboard, exports, friction, history, inbox, insight, partners, projects

app_name = "projects"

urlpatterns = [
    # --- project pages (projects/views/projects.py) ---
    path("projects/", projects.project_list, name="list"),
    path("projects/new/", projects.project_create, name="create"),
    path("projects/<int:pk>/", projects.project_detail, name="detail"),
    path("projects/<int:pk>/edit/", projects.project_edit, name="edit"),
    path("projects/<int:pk>/geschiedenis/", history.project_history_view, name="history"),
    path("projects/<int:pk>/archive/", projects.project_archive, name="archive"),
    path("projects/<int:pk>/restore/", projects.project_restore, name="restore"),
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
    path(
        "projects/<int:pk>/friction/<int:fp>/edit/",
        friction.friction_edit,
        name="friction_edit",
    ),
    path(
        "projects/<int:pk>/friction/<int:fp>/archive/",
        friction.friction_archive,
        name="friction_archive",
    ),
    path(
        "projects/<int:pk>/friction/<int:fp>/restore/",
        friction.friction_restore,
        name="friction_restore",
    ),
    # --- commissioning dashboard, department inbox, insight and exports ---
    # (projects/views/dashboard.py, inbox.py, insight.py, exports.py)
    path("dashboard/", dashboard.dashboard, name="dashboard"),
    path("dashboard/export.csv", exports.export_csv, name="dashboard_export_csv"),
    path("dashboard/export.xlsx", exports.export_xlsx, name="dashboard_export_xlsx"),
    path("dashboard/rapport/", exports.portfolio_report, name="portfolio_report"),
    path(
        "projects/<int:pk>/friction/<int:fp>/answer/",
        dashboard.support_answer,
        name="support_answer",
    ),
    path(
        "projects/<int:pk>/friction/<int:fp>/rapport/",
        exports.friction_report,
        name="friction_report",
    ),
    path("inbox/", inbox.inbox, name="inbox"),
    path(
        "projects/<int:pk>/friction/<int:fp>/meedenken/",
        inbox.think_along,
        name="think_along",
    ),
    path(
        "inbox/procedures/<int:procedure_pk>/purpose/",
        inbox.procedure_purpose,
        name="procedure_purpose",
    ),
    path("inzicht/", insight.insight, name="insight"),
    # --- partners: contact moments, agreements, portfolio grid (projects/views/partners.py) ---
    path(
        "projects/<int:pk>/interactions/",
        partners.interaction_list,
        name="interaction_list",
    ),
    path(
        "projects/<int:pk>/interactions/new/",
        partners.interaction_create,
        name="interaction_create",
    ),
    path(
        "projects/<int:pk>/agreements/new/",
        partners.agreement_create,
        name="agreement_create",
    ),
    path(
        "partners/<int:pk>/interactions/",
        partners.party_interaction_list,
        name="party_interaction_list",
    ),
    path(
        "partners/<int:pk>/interactions/new/",
        partners.party_interaction_create,
        name="party_interaction_create",
    ),
    path(
        "partners/<int:pk>/agreements/new/",
        partners.party_agreement_create,
        name="party_agreement_create",
    ),
    path("follow-ups/<int:pk>/done/", partners.follow_up_done, name="follow_up_done"),
    path("agreements/<int:pk>/status/", partners.agreement_status, name="agreement_status"),
    path(
        "agreements/<int:pk>/milestone/",
        partners.agreement_milestone,
        name="agreement_milestone",
    ),
    path("dashboard/krachtenveld/", partners.portfolio_grid_view, name="portfolio_grid"),
]
