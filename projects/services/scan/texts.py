"""The Dutch texts of flags and their timeline entries."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from projects.models import FrictionPoint, ProcedureStep
from projects.services.scan.common import TITLE_MAX_LENGTH, Kind, Severity
from projects.services.scan.planning import _Evaluation


def _day(value: dt.date) -> str:
    return date_format(value, "l j F Y")


def _days(n: int) -> str:
    return ngettext("%(n)s werkdag", "%(n)s werkdagen", abs(n)) % {"n": n}


def _title(kind: str, *, procedure: str, milestone: str) -> str:
    names = {"procedure": procedure, "milestone": milestone}
    if kind == Kind.MISSED:
        text = _("Mijlpaal “%(milestone)s” verstreken: %(procedure)s niet afgerond") % names
    elif kind == Kind.NO_MEETING:
        text = _("Geen vergadering meer voor %(procedure)s vóór “%(milestone)s”") % names
    else:
        text = _("Doorlooptijd %(procedure)s knelt met “%(milestone)s”") % names
    return text[:TITLE_MAX_LENGTH]


def _summary(ev: _Evaluation, *, margin: int) -> str:
    """One sentence: what is wrong, or that it fits."""
    values = {
        "procedure": ev.procedure_name,
        "milestone": ev.milestone_title,
        "date": _day(ev.milestone_date),
        "latest": _day(ev.latest_start) if ev.latest_start else "",
        "slack": _days(ev.slack) if ev.slack is not None else "",
        "late": _days(-ev.slack) if ev.slack is not None else "",
        "margin": _days(margin),
        "status": ProcedureStep.Status(ev.step_status).label,
    }
    if ev.flag_kind == Kind.MISSED:
        return (
            _(
                "De mijlpaal “%(milestone)s” was op %(date)s, maar %(procedure)s is nog niet "
                "afgerond (status: %(status)s)."
            )
            % values
        )
    if ev.flag_kind == Kind.NO_MEETING:
        return (
            _(
                "Er is geen vergadering meer op of vóór %(date)s, dus het besluit voor "
                "%(procedure)s kan niet op tijd vallen voor “%(milestone)s”."
            )
            % values
        )
    if ev.flag_kind == Kind.LEAD_TIME and ev.severity == Severity.BLOCKING:
        return (
            _(
                "%(procedure)s had uiterlijk %(latest)s moeten starten om op tijd klaar te zijn "
                "voor “%(milestone)s”; die datum is %(late)s verstreken."
            )
            % values
        )
    if ev.flag_kind == Kind.LEAD_TIME:
        return (
            _(
                "%(procedure)s moet uiterlijk %(latest)s starten om op tijd klaar te zijn voor "
                "“%(milestone)s”; de speling is %(slack)s, binnen de waarschuwingsmarge van "
                "%(margin)s."
            )
            % values
        )
    return (
        _(
            "%(procedure)s past vóór “%(milestone)s”: uiterste start %(latest)s, speling "
            "%(slack)s, meer dan de waarschuwingsmarge van %(margin)s."
        )
        % values
    )


def _computation(ev: _Evaluation, *, today: dt.date, margin: int) -> str:
    """The computation behind a flag, line by line."""
    lines = [
        _("Berekening (in werkdagen: zonder weekenden, feestdagen en sluitingsdagen):"),
        _("- Procedure: %(procedure)s van afdeling %(department)s, doorlooptijd %(lead)s.")
        % {
            "procedure": ev.procedure_name,
            "department": ev.department_name,
            "lead": _days(ev.lead_time),
        },
        _("- Mijlpaal: “%(milestone)s” op %(date)s.")
        % {"milestone": ev.milestone_title, "date": _day(ev.milestone_date)},
    ]
    if ev.meeting is not None:
        lines.append(
            _(
                "- Vergadering: %(calendar)s op %(date)s, agendadeadline %(deadline)s (de "
                "laatste vergadering op of vóór de mijlpaal)."
            )
            % {
                "calendar": ev.meeting.calendar_name,
                "date": _day(ev.meeting.date),
                "deadline": _day(ev.meeting.agenda_deadline),
            }
        )
    elif ev.flag_kind == Kind.NO_MEETING:
        lines.append(_("- Vergadering: geen vergadering meer tussen vandaag en de mijlpaal."))
    if ev.latest_start is not None:
        anchor = _("de agendadeadline") if ev.meeting is not None else _("de mijlpaal")
        lines.append(
            _("- Uiterste start: %(latest)s, %(lead)s vóór %(anchor)s.")
            % {"latest": _day(ev.latest_start), "lead": _days(ev.lead_time), "anchor": anchor}
        )
    if ev.slack is not None:
        lines.append(
            _("- Speling: %(slack)s vanaf %(today)s (waarschuwingsmarge: %(margin)s).")
            % {"slack": _days(ev.slack), "today": _day(today), "margin": _days(margin)}
        )
    return "\n".join(lines)


def _description(ev: _Evaluation, *, today: dt.date, margin: int) -> str:
    return (
        _("Automatisch gesignaleerd op %(today)s.") % {"today": _day(today)}
        + "\n\n"
        + _summary(ev, margin=margin)
        + "\n\n"
        + _computation(ev, today=today, margin=margin)
    )


def _change_text(
    flag: FrictionPoint, ev: _Evaluation, *, today: dt.date, margin: int, meeting_name: str
) -> str:
    changes = []
    if flag.flag_kind != ev.flag_kind:
        changes.append(
            _("soort: %(old)s → %(new)s")
            % {"old": Kind(flag.flag_kind).label, "new": Kind(ev.flag_kind).label}
        )
    if flag.severity != ev.severity:
        changes.append(
            _("ernst: %(old)s → %(new)s")
            % {"old": Severity(flag.severity).label, "new": Severity(ev.severity).label}
        )
    if flag.latest_start != ev.latest_start:
        changes.append(
            _("uiterste start: %(old)s → %(new)s")
            % {
                "old": _day(flag.latest_start) if flag.latest_start else "-",
                "new": _day(ev.latest_start) if ev.latest_start else "-",
            }
        )
    if flag.meeting_id != (ev.meeting.id if ev.meeting else None):
        changes.append(
            _("vergadering: %(old)s → %(new)s")
            % {
                "old": meeting_name or "-",
                "new": _day(ev.meeting.date) if ev.meeting else "-",
            }
        )
    return (
        _("Herberekend op %(today)s: %(changes)s.")
        % {"today": _day(today), "changes": "; ".join(changes)}
        + "\n\n"
        + _summary(ev, margin=margin)
        + "\n\n"
        + _computation(ev, today=today, margin=margin)
    )


def _resolve_text(reason: str, *, today: dt.date, margin: int, ev: _Evaluation | None) -> str:
    intro = _("Vervallen op %(today)s: ") % {"today": _day(today)}
    if ev is not None:
        return (
            intro
            + _summary(ev, margin=margin)
            + "\n\n"
            + _computation(ev, today=today, margin=margin)
        )
    return intro + reason
