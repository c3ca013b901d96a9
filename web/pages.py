"""Public pages about the service itself: the privacy statement and the accessibility
statement. Nobody needs to log in to read them (nothing in ``config`` requires a login
for every page; the project views each ask for it themselves)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Final

from django.conf import settings
from django.views.generic import TemplateView

# When the accessibility statement was last checked against the application (the Dutch
# model statement asks for the date). Update it with the statement.
ACCESSIBILITY_REVIEWED_ON: Final = dt.date(2026, 11, 27)


class PublicPage(TemplateView):
    """A page of text with the configured figures it quotes; GET and HEAD only."""

    http_method_names = ["get", "head"]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {
            **super().get_context_data(**kwargs),
            "contact_retention_months": settings.BB_CONTACT_RETENTION_MONTHS,
            "session_idle_minutes": settings.BB_SESSION_IDLE_MINUTES,
            "session_max_hours": settings.BB_SESSION_MAX_HOURS,
            "login_failure_limit": settings.AXES_FAILURE_LIMIT,
            "login_cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
            "reviewed_on": ACCESSIBILITY_REVIEWED_ON,
        }


privacy = PublicPage.as_view(template_name="pages/privacy.html")
accessibility = PublicPage.as_view(template_name="pages/accessibility.html")
