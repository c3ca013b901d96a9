from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """People and how they sign in: the accounts a Beheerder manages, their roles,
    the organisation's login and the second factor."""

    name = "accounts"
    verbose_name = _("Mensen en inloggen")

    def ready(self) -> None:
        # The deploy check and the login receiver that starts a session's second-factor state.
        from accounts import checks, twofactor  # noqa: F401
