"""The commissioning dashboard (home of a Bureauhoofd) and answering support requests.

A Bureauhoofd sees the projects they commission; a Beheerder sees every project and may
narrow to one commissioner. Filters live in the URL (``DashboardFilter``); with htmx the
filters and pagers swap only the dashboard's body, without JavaScript they load the page.
"""

from __future__ import annotations

from typing import Final

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from projects.filters.dashboard import dashboard_filter
from projects.forms.dashboard import SupportAnswerForm
from projects.permissions import (
    can_answer_support,
    get_friction_point_for_user,
    is_administrator,
)
from projects.selectors.dashboard import (
    dashboard_projects,
    friction_by_severity_and_age,
    friction_summary,
    group_support,
    health_summary,
    label_health,
    milestones_at_risk,
    recent_activity,
    support_waiting,
    with_dashboard_figures,
)
from projects.selectors.partners import overdue_agreements_for_commissioner
from projects.services.support import friction_point_answer_support
from web.htmx import HtmxHttpRequest, render_page_or_partial
from web.pagination import page_of, pager
from web.redirects import safe_next

TEMPLATE: Final = "projects/dashboard/dashboard.html"
ANSWER_TEMPLATE: Final = "projects/dashboard/support_answer.html"
PROJECTS_PER_PAGE: Final = 25
FRICTION_PER_PAGE: Final = 20
AT_RISK_SHOWN: Final = 10
SUPPORT_PER_PAGE: Final = 10


OVERDUE_SHOWN = 10


@require_GET
@login_required
def dashboard(request: HtmxHttpRequest) -> HttpResponse:
    filterset = dashboard_filter(request)
    projects = filterset.filter_projects(dashboard_projects(user=request.user))
    health = health_summary(projects)
    any_status = filterset.qs_any_status()
    counts = friction_summary(any_status, listed=filterset.status_q())
    support_page = page_of(
        support_waiting(any_status),
        number=request.GET.get("spage"),
        per_page=SUPPORT_PER_PAGE,
        count=counts["support"],
    )
    here = request.get_full_path()
    for point in support_page.object_list:
        point.answer_form = SupportAnswerForm(point=point, initial={"next": here})
    project_page = page_of(
        with_dashboard_figures(projects),
        number=request.GET.get("page"),
        per_page=PROJECTS_PER_PAGE,
        count=health.total,
    )
    label_health(project_page.object_list)
    friction_page = page_of(
        friction_by_severity_and_age(filterset.qs),
        number=request.GET.get("fpage"),
        per_page=FRICTION_PER_PAGE,
        count=counts["listed"],
    )
    overdue = overdue_agreements_for_commissioner(request.user, projects=projects)
    overdue_shown = list(overdue[: OVERDUE_SHOWN + 1])
    context = {
        "overdue_agreements": overdue_shown[:OVERDUE_SHOWN],
        # One query in the usual case: count only when there are more than we show.
        "overdue_agreements_total": (
            overdue.count() if len(overdue_shown) > OVERDUE_SHOWN else len(overdue_shown)
        ),
        "filter": filterset,
        "health": health,
        "counts": counts,
        "project_page": project_page,
        "project_pager": pager(
            request,
            project_page,
            param="page",
            label=_("Paginering projecten"),
            target="#dashboard-body",
        ),
        "friction_page": friction_page,
        "friction_pager": pager(
            request,
            friction_page,
            param="fpage",
            label=_("Paginering knelpunten"),
            target="#dashboard-body",
        ),
        "support_pager": pager(
            request,
            support_page,
            param="spage",
            label=_("Paginering vragen om ondersteuning"),
            target="#dashboard-body",
        ),
        "at_risk": list(milestones_at_risk(any_status)[:AT_RISK_SHOWN]),
        "support_groups": group_support(support_page.object_list),
        "activity": recent_activity(any_status),
        "is_administrator": is_administrator(request.user),
        "here": here,
    }
    return render_page_or_partial(request, TEMPLATE, "body", context)


@require_POST
@login_required
def support_answer(request: HtmxHttpRequest, pk: int, fp: int) -> HttpResponse:
    """The commissioner (or a Beheerder) answers a support request: inline with htmx
    (the request's card becomes the answer), else back to where they came from."""
    point = get_friction_point_for_user(request.user, pk, fp)
    if not can_answer_support(request.user, point.project):
        raise PermissionDenied
    form = SupportAnswerForm(request.POST, point=point)
    if form.is_valid():
        try:
            update = friction_point_answer_support(
                point=point, author=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            message = _("Antwoord verstuurd aan %(name)s.") % {
                "name": point.project.leader.get_full_name() or point.project.leader.username
            }
            if request.htmx:
                context = {"point": point, "update": update, "message": message}
                return render(request, TEMPLATE + "#support_answered", context)
            messages.success(request, message)
            return redirect(
                safe_next(
                    request,
                    form.cleaned_data.get("next", ""),
                    fallback=reverse("projects:dashboard"),
                )
            )
    context = {"point": point, "form": form, "project": point.project}
    if request.htmx:
        return render(request, TEMPLATE + "#support_item", context)
    return render(request, ANSWER_TEMPLATE, context)
