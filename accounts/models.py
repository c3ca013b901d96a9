"""People and how they sign in (accounts are Django's own ``auth.User``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OIDCIdentity(models.Model):
    """An account's identity at the organisation's identity provider: the provider's stable
    subject (``sub``) for this person, which is unique within one issuer. The login through
    the provider (accounts/oidc.py) finds accounts by it, never by e-mail once linked.

    One identity per issuer per account, so an account linked to one subject cannot be
    linked to a second one that merely claims the same e-mail address.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="oidc_identities",
        verbose_name=_("account"),
    )
    issuer = models.CharField(_("identiteitsprovider"), max_length=255)
    # OpenID Connect Core 1.0, 2: a subject is at most 255 ASCII characters.
    subject = models.CharField(_("kenmerk bij de identiteitsprovider"), max_length=255)
    created_at = models.DateTimeField(_("gekoppeld op"), auto_now_add=True)
    last_login_at = models.DateTimeField(_("laatst ingelogd op"), default=timezone.now)

    class Meta:
        verbose_name = _("koppeling met organisatieaccount")
        verbose_name_plural = _("koppelingen met organisatieaccount")
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="oidc_subject_once"),
            models.UniqueConstraint(fields=["user", "issuer"], name="oidc_one_identity_per_issuer"),
            models.CheckConstraint(
                condition=~models.Q(subject="") & ~models.Q(issuer=""), name="oidc_subject_given"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.issuer} {self.subject}"
