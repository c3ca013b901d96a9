"""The forms of the second factor: a code from the app, a recovery code, the password."""

from __future__ import annotations

import re
from typing import Any, Final

from django import forms
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.twofactor import TOTP_DIGITS, normalise_code

TEXTBOX: Final = "utrecht-textbox utrecht-textbox--html-input"
_APP_CODE = re.compile(rf"^\d{{{TOTP_DIGITS}}}$")
# django-otp's recovery codes: eight characters of base32 (a-z, 2-7).
_RECOVERY_CODE = re.compile(r"^[a-z2-7]{8}$")


class CodeForm(forms.Form):
    """A code from the authenticator app (six digits; spaces are allowed)."""

    code = forms.CharField(
        label=_("Code uit je app"),
        max_length=20,
        help_text=_("De 6 cijfers die je app nu laat zien."),
        widget=forms.TextInput(
            attrs={
                "class": f"{TEXTBOX} bb-code",
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "autocapitalize": "off",
                "spellcheck": "false",
                "size": 8,
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.use_required_attribute = False
        self.fields["code"].widget.attrs["aria-required"] = "true"

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not _APP_CODE.match(code):
            raise forms.ValidationError(_("Een code bestaat uit 6 cijfers."), code="format")
        return code


class RecoveryCodeForm(CodeForm):
    """One of the person's recovery codes (eight letters and digits)."""

    code = forms.CharField(
        label=_("Herstelcode"),
        max_length=40,
        help_text=_("Een van de herstelcodes die je bij het instellen hebt bewaard."),
        widget=forms.TextInput(
            attrs={
                "class": f"{TEXTBOX} bb-code",
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "size": 12,
            }
        ),
    )

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if not _RECOVERY_CODE.match(code):
            raise forms.ValidationError(
                _("Een herstelcode bestaat uit 8 letters en cijfers."), code="format"
            )
        return code


class PasswordConfirmForm(forms.Form):
    """The person's password once more, checked through the authentication backends, so
    django-axes counts wrong tries here as it does at login."""

    password = forms.CharField(
        label=_("Je wachtwoord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"class": TEXTBOX, "autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.user = user
        self.use_required_attribute = False
        self.fields["password"].widget.attrs["aria-required"] = "true"

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        checked = authenticate(self.request, username=self.user.get_username(), password=password)
        if checked is None or checked.pk != self.user.pk:
            raise forms.ValidationError(_("Dit wachtwoord klopt niet."), code="wrong_password")
        return password
