"""The main menu's role-aware links: ``{% main_menu as menu %}`` in includes/nav.html.

The menu only decides which links to show; every view checks access itself, with the
same rules (``projects.permissions``). The roles are cached on the user for the request,
so a page that already asked for them pays no extra query.
"""

from __future__ import annotations

from typing import Any

from django import template

from projects.permissions import may_see_insight, may_use_dashboard, may_use_inbox

register = template.Library()


@register.simple_tag(takes_context=True)
def main_menu(context: template.Context) -> dict[str, Any]:
    user = context.get("user")
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    if user is None or not user.is_authenticated:
        return {"current": ""}
    return {
        "current": match.view_name if match else "",
        "dashboard": may_use_dashboard(user),
        "inbox": may_use_inbox(user),
        "insight": may_see_insight(user),
    }
