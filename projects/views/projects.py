"""The project leader's pages: start page, project list, project page, create and edit."""

from __future__ import annotations

from typing import Any, Final

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from governance.models import Role
from projects.filters.projects import ProjectFilter
from projects.forms.conflicts import carry_version, conflict_rows
from projects.forms.projects import (
    ROWS_MAX,
    DepartmentFormSet,
    MilestoneFormSet,
    PartnerFormSet,
    ProjectForm,
    StepStatusForm,
)
from projects.models import ProcedureStep, Project
from projects.permissions import (
    Action,
    get_project_for_user,
    has_role,
    is_administrator,
    may_choose_leader,
    may_create_projects,
    project_permissions,
)
from projects.sections import friction_log_context, project_partners_context
from projects.selectors.projects import (
    Scope,
    milestone_schedule,
    power_interest_grid,
    project_detail_queryset,
    project_edit_queryset,
    project_list_page,
    project_list_queryset,
    step_plans,
)
from projects.services import projects as services
from projects.services.conflicts import EditConflict
from stakeholders.models import Stakeholder
from web.archiving import ArchiveStep, archive_or_restore
from web.htmx import HtmxHttpRequest, is_partial
from web.pagination import pager

PAGE_SIZE: Final = 25
# Where a Bureauhoofd and an Afdelingshoofd land after logging in.
COMMISSIONER_HOME: Final = ("projects:dashboard", "")
DEPARTMENT_HEAD_HOME: Final = ("projects:inbox", "")
LEADER_HOME: Final = ("projects:list", f"scope={Scope.MINE.value}")
ADMINISTRATOR_HOME: Final = ("admin:index", "")


def _url(target: tuple[str, str]) -> str:
    name, query = target
    return reverse(name) + (f"?{query}" if query else "")


@require_GET
@login_required
def home(request: HtmxHttpRequest) -> HttpResponse:
    """Send each role to where its work starts."""
    user = request.user
    if has_role(user, Role.PROJECT_LEADER):
        return redirect(_url(LEADER_HOME))
    if has_role(user, Role.COMMISSIONER):
        return redirect(_url(COMMISSIONER_HOME))
    if has_role(user, Role.DEPARTMENT_HEAD):
        return redirect(_url(DEPARTMENT_HEAD_HOME))
    if is_administrator(user) and user.is_staff:
        return redirect(_url(ADMINISTRATOR_HOME))
    return redirect("projects:list")


@require_GET
@login_required
def project_list(request: HtmxHttpRequest) -> HttpResponse:
    filterset = ProjectFilter(
        request.GET, queryset=project_list_queryset(user=request.user), request=request
    )
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = project_list_page(page.object_list, today=timezone.localdate())
    context = {
        "filter": filterset,
        "page": page,
        "pager": pager(request, page, label=_("Paginering"), target="#project-results"),
        "partial": is_partial(request),
        "scope": filterset.chosen_scope,
        "may_create": may_create_projects(request.user),
    }
    template = "projects/projects/project_list.html"
    if context["partial"]:
        template += "#results"
    return render(request, template, context)


@require_GET
@login_required
def project_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(request.user, pk, queryset=project_detail_queryset())
    today = timezone.localdate()
    permissions = project_permissions(request.user, project)
    context: dict[str, Any] = {
        **friction_log_context(request, project),
        **project_partners_context(request, project, permissions),
        "project": project,
        "can": permissions,
        "grid": power_interest_grid(project.stakeholder_involvements.all()),
        "schedule": milestone_schedule(milestones=project.milestones.all(), today=today),
        "today": today,
        "status_choices": ProcedureStep.Status.choices,
    }
    return render(request, "projects/projects/project_detail.html", context)


def _formsets(
    data: QueryDict | None, project: Project
) -> tuple[DepartmentFormSet, PartnerFormSet, MilestoneFormSet]:
    return (
        DepartmentFormSet(data, instance=project, prefix="departments"),
        PartnerFormSet(data, instance=project, prefix="partners"),
        MilestoneFormSet(data, instance=project, prefix="milestones"),
    )


def _apply_service_error(form: ProjectForm, error: ValidationError) -> None:
    """Put a service's ValidationError beside the field it names, else above the form."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


ADD_ROW = {"departments", "partners", "milestones"}


def _with_extra_row(request: HtmxHttpRequest, prefix: str) -> QueryDict:
    """POST data with one more empty form in a formset, for the no-JavaScript
    "add a row" buttons. Nothing is saved."""
    data = request.POST.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        data[key] = str(min(int(data.get(key, "0")) + 1, ROWS_MAX))
    except ValueError:
        data[key] = "1"
    return data


def _project_form_page(
    request: HtmxHttpRequest,
    *,
    project: Project | None,
    form: ProjectForm,
    formsets: tuple,
    title: str,
    conflict: list | None = None,
) -> HttpResponse:
    departments, partners, milestones = formsets
    context = {
        "conflict": conflict,
        "project": project,
        "project_title": title,
        "form": form,
        "departments": departments,
        "partners": partners,
        "milestones": milestones,
        "formsets": formsets,
        "stakeholder_kinds": Stakeholder.Kind.choices,
        "cancel_url": project.get_absolute_url() if project else reverse("projects:list"),
    }
    return render(request, "projects/projects/project_form.html", context)


def _project_form_view(request: HtmxHttpRequest, *, project: Project | None) -> HttpResponse:
    """Create (``project`` is None) or edit: validate the form and the three formsets,
    then hand the cleaned data to the service."""
    creating = project is None
    instance = project or Project()
    # Validation writes the typed values onto the instance; the heading keeps the saved title.
    title = project.title if project else ""
    choose_leader = may_choose_leader(request.user)
    initial = {}
    if creating and has_role(request.user, Role.COMMISSIONER):
        initial["commissioner"] = request.user.pk

    if request.method != "POST":
        form = ProjectForm(instance=instance, choose_leader=choose_leader, initial=initial)
        return _project_form_page(
            request, project=project, form=form, formsets=_formsets(None, instance), title=title
        )

    add_row = request.POST.get("add_row")
    # Without JavaScript, "add a row" posts the form: show it again, one row longer, saving
    # nothing.
    data = _with_extra_row(request, add_row) if add_row in ADD_ROW else request.POST
    form = ProjectForm(data, instance=instance, choose_leader=choose_leader)
    formsets = _formsets(data, instance)
    if add_row in ADD_ROW:
        return _project_form_page(
            request, project=project, form=form, formsets=formsets, title=title
        )

    departments, partners, milestones = formsets
    # Validate every part (no short-circuit), so all errors show at once.
    results = [part.is_valid() for part in (form, *formsets)]
    if all(results):
        data = {
            **form.service_kwargs(),
            "departments": departments.items(),
            "partners": partners.items(),
            "milestones": milestones.items(),
        }
        try:
            if creating:
                saved = services.project_create(author=request.user, **data)
                messages.success(request, _("Het project is aangemaakt."))
            else:
                saved = services.project_update(
                    project=project,
                    editor=request.user,
                    expected_version=form.cleaned_data.get("version"),
                    **data,
                )
                messages.success(request, _("De wijzigingen zijn opgeslagen."))
        except EditConflict as error:
            form.add_error(None, error)
            conflict = _project_conflict(form, project)
            return _project_form_page(
                request,
                project=project,
                form=form,
                formsets=formsets,
                title=title,
                conflict=conflict,
            )
        except ValidationError as error:
            _apply_service_error(form, error)
        else:
            return redirect(saved)
    return _project_form_page(request, project=project, form=form, formsets=formsets, title=title)


# An edit conflict compares every field of the project form.
PROJECT_CONFLICT_FIELDS = tuple(ProjectForm.Meta.fields)


def _project_conflict(form: ProjectForm, project: Project) -> list:
    """The saved values that differ from the form, and the form now carrying the saved
    version (saving again, after seeing both, is deliberate)."""
    current = Project.objects.select_related("leader", "commissioner").get(pk=project.pk)
    saved = {
        name: getattr(current, name) for name in PROJECT_CONFLICT_FIELDS if name in form.fields
    }
    carry_version(form, current.version)
    return conflict_rows(form, saved=saved)


@require_http_methods(["GET", "POST"])
@login_required
def project_create(request: HtmxHttpRequest) -> HttpResponse:
    if not may_create_projects(request.user):
        raise PermissionDenied
    return _project_form_view(request, project=None)


@require_http_methods(["GET", "POST"])
@login_required
def project_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    project = get_project_for_user(
        request.user, pk, action=Action.EDIT, queryset=project_edit_queryset()
    )
    return _project_form_view(request, project=project)


@require_POST
@login_required
def step_status(request: HtmxHttpRequest, pk: int, step_pk: int) -> HttpResponse:
    """Change one procedure step's status from the project page (htmx: the row only)."""
    project = get_project_for_user(request.user, pk, action=Action.EDIT)
    step = get_object_or_404(
        ProcedureStep.objects.select_related(
            "milestone", "procedure__department", "procedure__meeting_calendar"
        ),
        pk=step_pk,
        milestone__project=project,
    )
    form = StepStatusForm(request.POST)
    if form.is_valid():
        services.step_status_set(step=step, status=form.cleaned_data["status"])
    if is_partial(request):
        today = timezone.localdate()
        plan = step_plans(steps=[step], today=today)[step.pk]
        context = {
            "project": project,
            "can": project_permissions(request.user, project),
            "plan": plan,
            "status_form": form,
            "status_choices": ProcedureStep.Status.choices,
            "today": today,
        }
        return render(request, "projects/projects/project_detail.html#step", context)
    if form.is_valid():
        messages.success(
            request,
            _("Status van “%(procedure)s” is nu “%(status)s”.")
            % {"procedure": step.procedure.name, "status": step.get_status_display()},
        )
    else:
        messages.error(request, _("Kies een van de statussen in de lijst."))
    return HttpResponseRedirect(f"{project.get_absolute_url()}#step-{step.pk}")


# --- archive instead of delete -------------------------------------------------------------

ARCHIVE_TEMPLATE = "projects/projects/archive_confirm.html"


def _archive_view(request: HtmxHttpRequest, pk: int, *, archive: bool) -> HttpResponse:
    """Archive or restore, in two POSTs: without ``confirm`` the confirmation page (no
    JavaScript needed, nothing changes), with ``confirm=ja`` the change, then back to the
    project page with a message (htmx: a client-side redirect to it)."""
    project = get_project_for_user(request.user, pk, action=Action.ARCHIVE)
    if archive:
        step = ArchiveStep(
            run=lambda: services.project_archive(project=project, actor=request.user),
            message=_(
                "Het project staat nu in het archief. Het is alleen nog te lezen; u vindt "
                "het terug in de projectlijst onder “Gearchiveerde projecten”."
            ),
        )
    else:
        step = ArchiveStep(
            run=lambda: services.project_restore(project=project, actor=request.user),
            message=_("Het project is uit het archief teruggezet."),
        )
    context = {
        "kind": "project",
        "archive": archive,
        "project": project,
        "action_url": reverse("projects:archive" if archive else "projects:restore", args=[pk]),
    }
    return archive_or_restore(
        request,
        step=step,
        template=ARCHIVE_TEMPLATE,
        context=context,
        back_url=project.get_absolute_url(),
    )


@require_POST
@login_required
def project_archive(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _archive_view(request, pk, archive=True)


@require_POST
@login_required
def project_restore(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _archive_view(request, pk, archive=False)
