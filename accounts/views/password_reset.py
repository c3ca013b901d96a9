"""Pages of signing in that Django's auth views do not cover as BinnenBuiten needs."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.views import PasswordResetConfirmView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts.password_reset import password_reset_request
from web.audit_log import security_event


@require_http_methods(["GET", "POST"])
def password_reset(request: HttpRequest) -> HttpResponse:
    """Ask for the e-mail address; a valid one always leads to the same "check your e-mail"
    page, whether an account has it, and whether the request was throttled or not."""
    form = PasswordResetForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        password_reset_request(request=request, email=form.cleaned_data["email"])
        return redirect("password_reset_done")
    return render(request, "registration/password_reset_form.html", {"form": form})


class PasswordResetConfirm(PasswordResetConfirmView):
    """Django's page behind the link in the e-mail, which also logs the new password."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        security_event("password_reset_completed", request=self.request, user=form.user)
        return response
