"""Archive instead of delete, in two POSTs: without ``confirm`` the confirmation page (no
JavaScript needed, nothing changes), with ``confirm=ja`` the change, then back to the
object's page with a message (htmx: a client-side redirect to it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django_htmx.http import HttpResponseClientRedirect

from web.htmx import HtmxHttpRequest


@dataclass(frozen=True)
class ArchiveStep:
    """One way of the two: what it does and what the user is told after."""

    run: Callable[[], Any]
    message: str


def archive_or_restore(
    request: HtmxHttpRequest,
    *,
    step: ArchiveStep,
    template: str,
    context: dict[str, Any],
    back_url: str,
) -> HttpResponse:
    """The confirmation page (``context`` plus ``cancel_url``), or ``step`` done and back to
    ``back_url``; a refusal (``ValidationError``) is shown as an error message there."""
    if request.POST.get("confirm") != "ja":
        return render(request, template, {**context, "cancel_url": back_url})
    try:
        step.run()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, step.message)
    if request.htmx:
        return HttpResponseClientRedirect(back_url)
    return redirect(back_url)
