from __future__ import annotations

from django.urls import path

from accounts.views import two_factor as views

app_name = "accounts"

urlpatterns = [
    path("tweestapsverificatie/", views.two_factor, name="two_factor"),
    path("tweestapsverificatie/instellen/", views.two_factor_enrol, name="two_factor_enrol"),
    path("tweestapsverificatie/code/", views.two_factor_verify, name="two_factor_verify"),
    path(
        "tweestapsverificatie/herstelcode/", views.two_factor_recovery, name="two_factor_recovery"
    ),
    path(
        "tweestapsverificatie/herstelcodes/",
        views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path(
        "tweestapsverificatie/herstelcodes/nieuw/",
        views.two_factor_recovery_codes_new,
        name="two_factor_recovery_codes_new",
    ),
    path("tweestapsverificatie/uitzetten/", views.two_factor_remove, name="two_factor_remove"),
]
