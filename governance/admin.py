"""The admin of the inside: the Beheerder configures the organisation here.

Besides the usual list/search/filter/inline set-up, the Department admin carries the CSV
import page (``admin/governance/department/import/``), linked from the changelists of
sectors, departments and procedures. Changes that move when procedures must start are
announced through ``governance.extensions`` (the friction engine rescans); departments and
procedures show their audit trail under "Geschiedenis" (``web.admin``).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Count, Min, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from governance import extensions
from governance.calendar import WorkingCalendar
from governance.importing import ImportLimits, SourceFile, organisation_import
from governance.models import (
    ClosedDay,
    Department,
    Meeting,
    MeetingCalendar,
    Procedure,
    Sector,
)
from web.admin import AuditTrailAdminMixin

admin.site.site_header = _("BinnenBuiten beheer")
admin.site.site_title = _("BinnenBuiten beheer")
admin.site.index_title = _("Configuratie van de organisatie")

IMPORT_PERMISSIONS = tuple(
    f"governance.{action}_{model}"
    for model in ("sector", "department", "meetingcalendar", "procedure")
    for action in ("add", "change")
)
CHANGE_LIST_WITH_IMPORT = "admin/governance/change_list_with_import.html"


def can_import(request: HttpRequest) -> bool:
    return request.user.has_perms(IMPORT_PERMISSIONS)


class ImportLinkMixin:
    """Shows the link to the CSV import on the changelist to those who may import."""

    change_list_template = CHANGE_LIST_WITH_IMPORT

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        extra_context = {**(extra_context or {}), "can_import": can_import(request)}
        return super().changelist_view(request, extra_context=extra_context)


# --- sectors ------------------------------------------------------------------------------


@admin.register(Sector)
class SectorAdmin(ImportLinkMixin, admin.ModelAdmin):
    list_display = ("name", "code", "department_count")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}
    ordering = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Sector]:
        return super().get_queryset(request).annotate(num_departments=Count("departments"))

    @admin.display(description=_("afdelingen"), ordering="num_departments")
    def department_count(self, obj: Sector) -> int:
        return obj.num_departments


# --- departments and their procedures ----------------------------------------------------------


class ProcedureInlineFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        """Two new rows whose names differ only in case would hit the database constraint."""
        super().clean()
        seen: set[str] = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            name = (form.cleaned_data.get("name") or "").strip().lower()
            if not name:
                continue
            if name in seen:
                form.add_error("name", _("Deze afdeling heeft al een procedure met deze naam."))
            seen.add(name)


class ProcedureInline(admin.TabularInline):
    model = Procedure
    formset = ProcedureInlineFormSet
    fields = ("name", "kind", "lead_time_days", "meeting_calendar", "is_active")
    autocomplete_fields = ("meeting_calendar",)
    extra = 0
    show_change_link = True
    ordering = ("name",)


@admin.register(Department)
class DepartmentAdmin(AuditTrailAdminMixin, ImportLinkMixin, admin.ModelAdmin):
    list_display = ("name", "code", "sector", "head", "procedure_count")
    list_filter = ("sector", ("head", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("sector", "head")
    search_fields = (
        "name",
        "code",
        "sector__name",
        "head__username",
        "head__first_name",
        "head__last_name",
    )
    autocomplete_fields = ("sector", "head")
    prepopulated_fields = {"code": ("name",)}
    inlines = (ProcedureInline,)
    ordering = ("name",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Department]:
        return super().get_queryset(request).annotate(num_procedures=Count("procedures"))

    @admin.display(description=_("procedures"), ordering="num_procedures")
    def procedure_count(self, obj: Department) -> int:
        return obj.num_procedures

    def get_urls(self) -> list[URLPattern]:
        urls = [
            path(
                "import/",
                self.admin_site.admin_view(require_http_methods(["GET", "POST"])(self.import_view)),
                name="governance_department_import",
            )
        ]
        return urls + super().get_urls()

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not can_import(request):
            raise PermissionDenied
        report = None
        if request.method == "POST":
            form = OrganisationImportForm(request.POST, request.FILES)
            if form.is_valid():
                report = organisation_import(
                    files=form.source_files(), dry_run=form.cleaned_data["dry_run"]
                )
                if report.applied:
                    messages.success(request, _("De organisatie is ingelezen."))
                elif report.ok:
                    messages.info(request, _("Proefrun: er is niets opgeslagen."))
                else:
                    messages.error(request, _("Er is niets ingelezen: los eerst alle fouten op."))
        else:
            form = OrganisationImportForm()
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Organisatie importeren uit CSV"),
            "form": form,
            "adminform": helpers.AdminForm(
                form, [(None, {"fields": ["files", "dry_run"]})], prepopulated_fields={}
            ),
            "report": report,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/governance/import.html", context)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = data if isinstance(data, list | tuple) else [data] if data else []
        if not files:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        clean_one = super().clean
        return [clean_one(item, initial) for item in files]


class OrganisationImportForm(forms.Form):
    files = MultipleFileField(
        label=_("CSV-bestanden"),
        help_text=_(
            "Eén of meer bestanden met sectoren, afdelingen, vergaderkalenders en/of "
            "procedures, komma- of puntkommagescheiden. Alles of niets: bij één fout wordt "
            "niets ingelezen."
        ),
    )
    dry_run = forms.BooleanField(
        label=_("Alleen controleren (proefrun, niets opslaan)"), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        files = self.fields["files"]
        files.help_text = f"{files.help_text} {ImportLimits.from_settings().summary()}"

    def clean_files(self) -> list[UploadedFile]:
        """Too many or too large files are refused before a byte is read: Django has
        spooled each upload above 2.5 MB to a temporary file, and it stays there."""
        files: list[UploadedFile] = self.cleaned_data["files"]
        limits = ImportLimits.from_settings()
        too_many = limits.too_many_files(len(files))
        if too_many:
            raise ValidationError(capfirst(too_many), code="too_many_files")
        too_large = [
            ValidationError(f"{upload.name}: {reason}", code="file_too_large")
            for upload in files
            if (reason := limits.too_large(upload.size or 0))
        ]
        if too_large:
            raise ValidationError(too_large)
        return files

    def source_files(self) -> list[SourceFile]:
        return [
            SourceFile(name=upload.name or "upload.csv", content=upload.read())
            for upload in self.cleaned_data["files"]
        ]


# --- procedures ------------------------------------------------------------------------------


@admin.register(Procedure)
class ProcedureAdmin(AuditTrailAdminMixin, ImportLinkMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "department",
        "kind",
        "lead_time_days",
        "meeting_calendar",
        "is_active",
    )
    list_filter = ("kind", "is_active", "department__sector", "meeting_calendar", "department")
    list_select_related = ("department", "meeting_calendar")
    search_fields = ("name", "purpose", "department__name", "department__code")
    autocomplete_fields = ("department", "meeting_calendar")
    fieldsets = (
        (None, {"fields": ("department", "name", "kind", "is_active")}),
        (_("Planning"), {"fields": ("lead_time_days", "meeting_calendar")}),
        (_("Wat was ook alweer de bedoeling?"), {"fields": ("purpose",)}),
    )

    def save_model(self, request: HttpRequest, obj: Procedure, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and extensions.SCHEDULE_FIELDS & set(form.changed_data):
            extensions.procedure_schedule_changed(procedure_id=obj.pk)


# --- calendars and closed days ---------------------------------------------------------------


class MeetingForm(forms.ModelForm):
    """A meeting whose agenda deadline, left empty, follows from its calendar."""

    class Meta:
        model = Meeting
        fields = ("calendar", "date", "agenda_deadline")

    def __init__(self, *args: Any, calendar: MeetingCalendar | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parent_calendar = calendar
        if "agenda_deadline" in self.fields:
            self.fields["agenda_deadline"].required = False
            self.fields["agenda_deadline"].help_text = _(
                "Leeg laten: dan telt BinnenBuiten de werkdagen van de agendadeadline van de "
                "kalender terug vanaf de vergaderdatum."
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        calendar = cleaned.get("calendar") or self.parent_calendar
        day = cleaned.get("date")
        if day and not cleaned.get("agenda_deadline") and calendar is not None:
            try:
                working = WorkingCalendar.load(start=day, end=day)
                cleaned["agenda_deadline"] = working.subtract_working_days(
                    day, calendar.agenda_deadline_days
                )
            except (ValueError, OverflowError):
                self.add_error("date", _("Deze datum ligt buiten de kalender."))
        return cleaned


class MeetingInlineFormSet(forms.BaseInlineFormSet):
    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        # The parent carries the (possibly just edited) agenda deadline in working days.
        return {**super().get_form_kwargs(index), "calendar": self.instance}


class MeetingInline(admin.TabularInline):
    model = Meeting
    form = MeetingForm
    formset = MeetingInlineFormSet
    fields = ("date", "agenda_deadline")
    extra = 1
    ordering = ("date",)


@admin.register(MeetingCalendar)
class MeetingCalendarAdmin(admin.ModelAdmin):
    list_display = ("name", "body", "agenda_deadline_days", "meeting_count", "next_meeting")
    list_filter = ("body",)
    search_fields = ("name",)
    inlines = (MeetingInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[MeetingCalendar]:
        today = timezone.localdate()
        return (
            super()
            .get_queryset(request)
            .annotate(
                num_meetings=Count("meetings"),
                first_upcoming=Min("meetings__date", filter=Q(meetings__date__gte=today)),
            )
        )

    @admin.display(description=_("vergaderingen"), ordering="num_meetings")
    def meeting_count(self, obj: MeetingCalendar) -> int:
        return obj.num_meetings

    @admin.display(description=_("volgende vergadering"), ordering="first_upcoming")
    def next_meeting(self, obj: MeetingCalendar) -> Any:
        return obj.first_upcoming

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change:
            extensions.meeting_calendar_changed(calendar_id=form.instance.pk)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    form = MeetingForm
    list_display = ("date", "calendar", "agenda_deadline")
    list_filter = ("calendar", "calendar__body")
    list_select_related = ("calendar",)
    search_fields = ("calendar__name",)
    autocomplete_fields = ("calendar",)
    date_hierarchy = "date"
    ordering = ("-date",)

    def save_model(self, request: HttpRequest, obj: Meeting, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        extensions.meeting_calendar_changed(calendar_id=obj.calendar_id)

    def delete_model(self, request: HttpRequest, obj: Meeting) -> None:
        calendar_id = obj.calendar_id
        super().delete_model(request, obj)
        extensions.meeting_calendar_changed(calendar_id=calendar_id)


@admin.register(ClosedDay)
class ClosedDayAdmin(admin.ModelAdmin):
    list_display = ("date", "reason")
    search_fields = ("reason",)
    date_hierarchy = "date"
    ordering = ("-date",)
