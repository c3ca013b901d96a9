"""'Waar wringt het?': learning from friction, for Bureauhoofden, Afdelingshoofden and
Beheerders. Every figure counts only projects the user may see.

The lessons learned are searched and paged with plain GET links; htmx swaps only the
lessons when the search or a page link asks for them (``HX-Target: lessons``).
"""

from __future__ import annotations

from typing import Any, Final

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from projects.charts import stacked_bar_chart
from projects.models import FrictionPoint
from projects.permissions import may_see_insight
from projects.selectors.insight import (
    insight_friction,
    lessons_learned,
    ranked_by_count,
    ranked_by_delay,
)
from projects.services.insight import insight_figures
from web.htmx import HtmxHttpRequest
from web.pagination import page_of, pager
from web.text import search_text

TEMPLATE: Final = "projects/insight/insight.html"
LESSONS_PER_PAGE: Final = 10
SEARCH_MAX_LENGTH: Final = 200
# CSS classes of the approaches in the chart, in the order of FrictionPoint.Approach.
APPROACH_CLASSES: Final = {
    FrictionPoint.Approach.KEEP: "bb-series--keep",
    FrictionPoint.Approach.ORGANISE_DIFFERENTLY: "bb-series--differently",
    FrictionPoint.Approach.UNORTHODOX: "bb-series--unorthodox",
    FrictionPoint.Approach.ESCALATED: "bb-series--board",
}


@require_GET
@login_required
def insight(request: HtmxHttpRequest) -> HttpResponse:
    if not may_see_insight(request.user):
        raise PermissionDenied
    friction = insight_friction(user=request.user)
    search = search_text(request.GET.get("q"), SEARCH_MAX_LENGTH)
    lessons_only = (
        bool(request.htmx)
        and request.htmx.target == "lessons"
        and not request.htmx.history_restore_request
    )
    figures = (
        None if lessons_only else insight_figures(user=request.user, today=timezone.localdate())
    )
    lessons = lessons_learned(friction, search=search)
    # The count of all lessons comes with the cached figures; a search counts its own.
    if figures is not None and not search:
        lessons_page = page_of(
            lessons,
            number=request.GET.get("page"),
            per_page=LESSONS_PER_PAGE,
            count=figures.lessons,
        )
    else:
        lessons_page = Paginator(lessons, LESSONS_PER_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "search": search,
        "lessons": lessons_page,
        "lessons_pager": pager(
            request,
            lessons_page,
            param="page",
            label=_("Paginering geleerde lessen"),
            target="#lessons",
        ),
    }
    if figures is None:
        response = render(request, TEMPLATE + "#lessons", context)
    else:
        series = [(APPROACH_CLASSES[a], str(a.label)) for a in FrictionPoint.Approach]
        context.update(
            {
                "heatmap": figures.heatmap,
                "computed_at": figures.computed_at,
                "by_count": ranked_by_count(figures.procedures),
                "by_delay": ranked_by_delay(figures.procedures),
                "resolve_times": figures.resolve_times,
                "quarters": figures.quarters,
                "approach_series": series,
                "chart": stacked_bar_chart(
                    [(q.label, q.values()) for q in figures.quarters], series
                ),
            }
        )
        response = render(request, TEMPLATE, context)
    patch_vary_headers(response, ("HX-Request", "HX-Target"))
    return response
