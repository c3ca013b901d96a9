"""A signed-in person without a BinnenBuiten role sees one page: "je hebt nog geen rol".

An account made by the organisation's login (or by a Beheerder who has not chosen a role
yet) has no project access (``projects.permissions.has_any_role``); rather than a list
that stays empty without a word, every page sends such a person to a plain page that
says what is going on and who can help. Signing out, the public statements, the language
switch and managing one's own password stay within reach.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRedirect

from governance.models import Role
from projects.permissions import has_any_role

# URL names a person without a role may still reach (everything public needs no role).
WITHOUT_ROLE: Final = frozenset(
    {
        "no_role",
        "login",
        "logout",
        "password_change",
        "password_change_done",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "privacy",
        "accessibility",
        "health",
        "set_language",
    }
)
# Whole namespaces that belong to signing in (the organisation's login, the second factor).
WITHOUT_ROLE_NAMESPACES: Final = frozenset({"oidc", "accounts"})


def _reachable_without_role(path: str) -> bool:
    try:
        match = resolve(path)
    except Resolver404:
        return True  # a 404 either way
    if match.url_name in WITHOUT_ROLE:
        return True
    return bool(set(match.namespaces) & WITHOUT_ROLE_NAMESPACES)


class RoleRequiredMiddleware:
    """Sends a signed-in person without a role to the "no role" page (htmx: a client
    redirect), from every page that needs one, the admin included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not has_any_role(user)
            and not _reachable_without_role(request.path_info)
        ):
            url = reverse("no_role")
            if getattr(request, "htmx", False):
                return HttpResponseClientRedirect(url)
            return redirect(url)
        return self.get_response(request)


@require_GET
@login_required
def no_role(request: HttpRequest) -> HttpResponse:
    if has_any_role(request.user):
        return redirect("home")
    administrators = (
        get_user_model()
        .objects.filter(is_active=True, groups__name=Role.ADMINISTRATOR)
        .exclude(email="")
        .order_by("first_name", "last_name", "username")
        .distinct()
    )
    return render(request, "accounts/no_role.html", {"administrators": administrators})
