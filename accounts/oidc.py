"""Login through the organisation's identity provider (OpenID Connect), when BB_OIDC_ENABLED.

mozilla-django-oidc runs the code flow (with PKCE) and checks the ID token; this backend only
decides which account the verified claims belong to.
"""

from __future__ import annotations

import re
from typing import Any

from mozilla_django_oidc.auth import OIDCAuthenticationBackend

_NOT_IN_USERNAME = re.compile(r"[^\w.@+-]")
_USERNAME_LENGTH = 150


class OrganisationOIDCBackend(OIDCAuthenticationBackend):
    """The account with the claimed e-mail address (made by a Beheerder, or on an earlier
    login), or else a new one named after ``preferred_username``.

    A new account gets no role: a Beheerder assigns roles. Nothing here changes roles,
    groups, staff or superuser status. A deactivated account cannot log in, nor stay
    logged in, through the identity provider.
    """

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        # An address the provider says it has not verified does not identify anyone.
        return bool(_email(claims)) and claims.get("email_verified") is not False

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        email = _email(claims)
        if not email:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(email__iexact=email)

    def create_user(self, claims: dict[str, Any]) -> Any:
        return self.UserModel.objects.create_user(
            self.free_username(claims),
            email=_email(claims),
            first_name=_claim(claims, "given_name", 150),
            last_name=_claim(claims, "family_name", 150),
        )

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        """Keep the name as the organisation spells it; leave everything else alone."""
        changed = []
        for field, claim in (("first_name", "given_name"), ("last_name", "family_name")):
            value = _claim(claims, claim, 150)
            if value and getattr(user, field) != value:
                setattr(user, field, value)
                changed.append(field)
        if changed:
            user.save(update_fields=changed)
        return user

    def free_username(self, claims: dict[str, Any]) -> str:
        """``preferred_username`` (or the e-mail address's local part) made fit for a Django
        username, with -2, -3 ... added when another account already has it."""
        wanted = _claim(claims, "preferred_username", 1000) or _email(claims).split("@")[0]
        base = _NOT_IN_USERNAME.sub("", wanted)[:_USERNAME_LENGTH] or "gebruiker"
        candidate, number = base, 1
        while self.UserModel.objects.filter(username__iexact=candidate).exists():
            number += 1
            suffix = f"-{number}"
            candidate = base[: _USERNAME_LENGTH - len(suffix)] + suffix
        return candidate

    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        user = super().authenticate(request, **kwargs)
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_user(self, user_id: Any) -> Any:
        user = super().get_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None


def _email(claims: dict[str, Any]) -> str:
    return _claim(claims, "email", 254)


def _claim(claims: dict[str, Any], name: str, length: int) -> str:
    value = claims.get(name)
    return value.strip()[:length] if isinstance(value, str) else ""
