"""``manage.py check --deploy``: the second factor is not switched off in production."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def second_factor_required_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    if settings.DEBUG or settings.BB_2FA_REQUIRED_FOR != "none":
        return []
    return [
        Warning(
            "BB_2FA_REQUIRED_FOR is 'none': nobody has to use a second factor, not even a "
            "Beheerder, and the admin does not ask for one.",
            hint="Leave it at 'beheerder' (the default) or set 'all'; 'none' is for the demo.",
            id="accounts.W001",
        )
    ]
