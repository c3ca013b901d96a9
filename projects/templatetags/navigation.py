"""The main menu's role-aware links: ``{% main_menu as menu %}`` in includes/nav.html.

The menu only decides which links to show; every view checks access itself. It reads
the roles through ``projects.permissions.has_role``, which caches them on the user for
the request, so a page that already asked for the roles pays no extra query.

(A single shared roles cache, e.g. a helper in the governance leaf that both
``projects.permissions`` and ``stakeholders.selectors`` use, would make the reuse below
unnecessary.)
"""

from __future__ import annotations

from typing import Any

from django import template

from governance.models import Role
from projects.permissions import has_role

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context: template.Context) -> dict[str, Any]:
    user = context.get("user")
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if user is None or not user.is_authenticated:
        return {"current": ""}
    # The stakeholders leaf keeps the same group names in its own cache (it may not import
    # projects): reuse them rather than ask the database a second time.
    known = getattr(user, "_bb_stakeholder_groups", None)
    if known is not None and getattr(user, "_bb_roles", None) is None:
        user._bb_roles = set(known)
    administrator = user.is_superuser or has_role(user, Role.ADMINISTRATOR)
    commissioner = has_role(user, Role.COMMISSIONER)
    head = has_role(user, Role.DEPARTMENT_HEAD)
    return {
        "current": match.view_name if match else "",
        "dashboard": commissioner or administrator,
        "inbox": head,
        "insight": commissioner or head or administrator,
    }
