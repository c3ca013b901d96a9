"""Login through the organisation's identity provider (OpenID Connect), when BB_OIDC_ENABLED.

mozilla-django-oidc runs the code flow (with PKCE) and checks the ID token's signature; this
backend checks that the token is for us from our provider and decides which account it
belongs to. The account is found by the provider's stable subject (``sub``, with the issuer
``OIDC_OP_ISSUER``), through ``accounts.OIDCIdentity``:

1. an identity with this issuer and subject: its account;
2. otherwise an existing account with the claimed e-mail address, but only when the
   provider says the address is verified (``email_verified`` exactly true), exactly one
   account has it, and that account has no identity at this issuer yet: it is linked;
3. otherwise a new account without password, role or group, linked to the subject.

So an account linked to one subject is never taken over by another subject that claims the
same address; that login gets an account of its own, which a Beheerder can see and judge.
A token without a subject, from another issuer or for another client is refused. Links and
refusals go to the security log. Nothing here changes roles, groups, staff or superuser
status, and a deactivated account can neither log in nor stay logged in this way.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.utils import timezone
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.models import OIDCIdentity
from web.audit_log import security_event

_NOT_IN_USERNAME = re.compile(r"[^\w.@+-]")
_USERNAME_LENGTH = 150
_SUBJECT_LENGTH = 255


class OrganisationOIDCBackend(OIDCAuthenticationBackend):
    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> Any:
        """The account for a verified ID token (``payload``) and the provider's userinfo;
        replaces the library's matching by e-mail address. Raises SuspiciousOperation for a
        token it refuses (the library then logs it and the login fails)."""
        claims = self.get_userinfo(access_token, id_token, payload)
        issuer = settings.OIDC_OP_ISSUER
        refused = _refusal(payload, claims, issuer=issuer, client_id=self.OIDC_RP_CLIENT_ID)
        if refused:
            security_event(
                "oidc_login_refused",
                request=getattr(self, "request", None),
                user=None,
                level=logging.WARNING,
                reason=refused,
                issuer=issuer,
            )
            raise SuspiciousOperation(f"OpenID Connect login refused: {refused}")
        subject = payload["sub"]
        try:
            with transaction.atomic():
                return self.account_for(issuer=issuer, subject=subject, claims=claims)
        except IntegrityError:
            # A first login of the same subject in a parallel request linked it just now.
            identity = _identity(issuer, subject)
            if identity is None:
                raise SuspiciousOperation("OpenID Connect login refused: link conflict") from None
            return identity.user

    def account_for(self, *, issuer: str, subject: str, claims: dict[str, Any]) -> Any:
        """Find, link or create the account of ``subject`` at ``issuer`` (the rules above)."""
        identity = _identity(issuer, subject)
        if identity is not None:
            OIDCIdentity.objects.filter(pk=identity.pk).update(last_login_at=timezone.now())
            return self.update_user(identity.user, claims)
        email = _verified_email(claims)
        user = self._unlinked_account_with(email, issuer=issuer) if email else None
        linked_by = "verified_email"
        if user is None:
            user = self.create_user(claims)
            linked_by = "new_account"
        else:
            user = self.update_user(user, claims)
        OIDCIdentity.objects.create(user=user, issuer=issuer, subject=subject)
        security_event(
            "oidc_identity_linked",
            request=getattr(self, "request", None),
            user=user,
            linked_by=linked_by,
            issuer=issuer,
            subject=subject,
        )
        return user

    def _unlinked_account_with(self, email: str, *, issuer: str) -> Any:
        """The one account with this address, if it has no identity at ``issuer`` yet."""
        accounts = list(self.UserModel.objects.filter(email__iexact=email)[:2])
        if len(accounts) != 1 or accounts[0].oidc_identities.filter(issuer=issuer).exists():
            return None
        return accounts[0]

    def create_user(self, claims: dict[str, Any]) -> Any:
        """A new account without password or role (a Beheerder assigns roles); it carries
        the e-mail address only when the provider verified it."""
        return self.UserModel.objects.create_user(
            self.free_username(claims),
            email=_verified_email(claims),
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
        """``preferred_username`` (or the verified e-mail address's local part) made fit for
        a Django username, with -2, -3 ... added when another account already has it."""
        wanted = _claim(claims, "preferred_username", 1000) or _verified_email(claims).split("@")[0]
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


def _refusal(
    payload: dict[str, Any], claims: dict[str, Any], *, issuer: str, client_id: str
) -> str | None:
    """Why this ID token (``payload``) and userinfo (``claims``) cannot sign anyone in."""
    subject = payload.get("sub")
    if not isinstance(subject, str) or not subject.strip() or len(subject) > _SUBJECT_LENGTH:
        return "no_subject"
    if payload.get("iss") != issuer:
        return "wrong_issuer"
    audience = payload.get("aud")
    if client_id not in ([audience] if isinstance(audience, str) else audience or []):
        return "wrong_audience"
    # OpenID Connect Core 1.0, 5.3.2: userinfo is about the ID token's subject, or unusable.
    if claims.get("sub") != subject:
        return "userinfo_subject_differs"
    return None


def _identity(issuer: str, subject: str) -> OIDCIdentity | None:
    return (
        OIDCIdentity.objects.select_related("user").filter(issuer=issuer, subject=subject).first()
    )


def _verified_email(claims: dict[str, Any]) -> str:
    """The e-mail claim when the provider verified it (a JSON true, not "true"), else ""."""
    return _claim(claims, "email", 254) if claims.get("email_verified") is True else ""


def _claim(claims: dict[str, Any], name: str, length: int) -> str:
    value = claims.get(name)
    return value.strip()[:length] if isinstance(value, str) else ""
