"""Digest e-mails of the friction engine.

One e-mail per person per scan, never one per flag: the project's commissioner and the
heads of the departments a flag concerns hear about flags that were raised or got worse
(severity above ``notified_severity``); the commissioner's digest also carries the
support requests escalated and the points marked stale in this scan.

Nobody reads in a digest about a project they could not open: every line passes
``projects.permissions.audience`` (the pages' own rule) for its recipient. The head of a
department whose procedure a confidential project uses without involving the department
hears nothing of it.

Never the same news twice: the pending flags are locked (``skip_locked``, so a concurrent
scan leaves them to this one), the digests are sent, and only then ``notified_severity``
is set to the severity reported, in the same transaction. When sending fails nothing is
marked and the next scan tries again; a failure halfway through a batch can repeat news
to the people who already got it, which beats losing it. Escalation and stale reminders
are news of the scan that marked them and are not retried.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from projects.models import FrictionPoint
from projects.permissions import audience
from projects.services.scan.common import chunks, in_scope
from projects.services.scan.results import PointNote

logger = logging.getLogger(__name__)

# Per section of a digest; the rest is summarised as "and N more".
DIGEST_MAX_ITEMS = 50


def friction_url(*, project_id: int, pk: int) -> str:
    """Absolute link to a friction point, or to its project while that page is missing."""
    try:
        path = reverse("projects:friction_detail", args=[project_id, pk])
    except (NoReverseMatch, ImportError):
        # ImportError: the URLconf itself cannot load yet (views still being built).
        path = f"/projects/{project_id}/"
    return settings.BB_SITE_URL.rstrip("/") + path


@dataclass(frozen=True, slots=True)
class DigestFlag:
    pk: int
    project_id: int
    project_title: str
    title: str
    severity: int
    severity_label: str
    kind_label: str
    is_new: bool
    milestone_title: str
    milestone_date: str
    latest_start: str
    slack_days: int | None
    url: str


@dataclass(frozen=True, slots=True)
class DigestPoint:
    pk: int
    project_title: str
    title: str
    since: str
    url: str


@dataclass(slots=True)
class Digest:
    email: str
    name: str
    flags: list[DigestFlag] = field(default_factory=list)
    escalated: list[DigestPoint] = field(default_factory=list)
    stale: list[DigestPoint] = field(default_factory=list)

    def context(self, *, today: dt.date) -> dict:
        return {
            "name": self.name,
            "today": today,
            "flags": self.flags[:DIGEST_MAX_ITEMS],
            "flags_more": max(0, len(self.flags) - DIGEST_MAX_ITEMS),
            "escalated": self.escalated[:DIGEST_MAX_ITEMS],
            "escalated_more": max(0, len(self.escalated) - DIGEST_MAX_ITEMS),
            "stale": self.stale[:DIGEST_MAX_ITEMS],
            "stale_more": max(0, len(self.stale) - DIGEST_MAX_ITEMS),
            "site_url": settings.BB_SITE_URL,
        }


def _day(value: dt.date | None) -> str:
    return date_format(value, "l j F Y") if value else ""


def _pending_flags(project_ids: Sequence[int] | None) -> list[int]:
    """Lock the automatic flags with news nobody has heard yet; returns their ids."""
    pending = in_scope(
        FrictionPoint.objects.filter(source=FrictionPoint.Source.AUTOMATIC).filter(
            Q(notified_severity__isnull=True) | Q(notified_severity__lt=F("severity")),
            status__in=FrictionPoint.OPEN_STATUSES,
        ),
        project_ids,
    )
    return list(
        pending.select_for_update(skip_locked=True).order_by("pk").values_list("pk", flat=True)
    )


def _flag_digests(flag_ids: list[int], digests: dict[int, list[DigestFlag]]) -> None:
    """Add each flag to the lists of its commissioner and department heads (who may read
    it or not: ``send_digests`` asks the permission rule)."""
    for chunk in chunks(flag_ids):
        heads: dict[int, set[int]] = {}
        for pk, head_id in FrictionPoint.departments.through.objects.filter(
            frictionpoint_id__in=chunk, department__head__isnull=False
        ).values_list("frictionpoint_id", "department__head_id"):
            heads.setdefault(pk, set()).add(head_id)
        rows = FrictionPoint.objects.filter(pk__in=chunk).values_list(
            "pk",
            "project_id",
            "project__title",
            "project__commissioner_id",
            "title",
            "severity",
            "notified_severity",
            "flag_kind",
            "milestone__title",
            "milestone__date",
            "latest_start",
            "slack_days",
        )
        for (
            pk,
            project_id,
            project_title,
            commissioner_id,
            title,
            severity,
            notified,
            kind,
            milestone_title,
            milestone_date,
            latest_start,
            slack_days,
        ) in rows:
            item = DigestFlag(
                pk=pk,
                project_id=project_id,
                project_title=project_title,
                title=title,
                severity=severity,
                severity_label=FrictionPoint.Severity(severity).label,
                kind_label=FrictionPoint.FlagKind(kind).label if kind else "",
                is_new=notified is None,
                milestone_title=milestone_title or "",
                milestone_date=_day(milestone_date),
                latest_start=_day(latest_start),
                slack_days=slack_days,
                url=friction_url(project_id=project_id, pk=pk),
            )
            for user_id in {commissioner_id, *heads.get(pk, ())}:
                digests.setdefault(user_id, []).append(item)


def _flag_order(item: DigestFlag) -> tuple:
    # Worst first; no slack at all (no meeting left) counts as the least slack.
    slack = item.slack_days if item.slack_days is not None else -(10**6)
    return (-item.severity, slack, item.project_title, item.pk)


def _point(note: PointNote) -> DigestPoint:
    return DigestPoint(
        pk=note.friction_point_id,
        project_title=note.project_title,
        title=note.title,
        since=_day(note.since),
        url=friction_url(project_id=note.project_id, pk=note.friction_point_id),
    )


def _message(digest: Digest, *, today: dt.date) -> EmailMultiAlternatives:
    context = digest.context(today=today)
    message = EmailMultiAlternatives(
        subject=_("[BinnenBuiten] Knelpunten: overzicht van %(date)s") % {"date": _day(today)},
        body=render_to_string("emails/friction_digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[digest.email],
    )
    message.attach_alternative(
        render_to_string("emails/friction_digest.html", context), "text/html"
    )
    return message


def send_digests(
    *,
    today: dt.date,
    project_ids: Sequence[int] | None,
    escalated: Sequence[PointNote] = (),
    stale: Sequence[PointNote] = (),
) -> int:
    """Send this scan's digests; returns the number of e-mails sent."""
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        flag_ids = _pending_flags(project_ids)
        if not flag_ids and not escalated and not stale:
            return 0
        flags_by_user: dict[int, list[DigestFlag]] = {}
        _flag_digests(flag_ids, flags_by_user)
        recipients = set(flags_by_user) | {n.commissioner_id for n in (*escalated, *stale)}
        may_hear = audience(
            user_ids=recipients,
            project_ids={f.project_id for items in flags_by_user.values() for f in items}
            | {n.project_id for n in (*escalated, *stale)},
        )
        flags_by_user = {
            user_id: [f for f in items if user_id in may_hear[f.project_id]]
            for user_id, items in flags_by_user.items()
        }
        escalated = [n for n in escalated if n.commissioner_id in may_hear[n.project_id]]
        stale = [n for n in stale if n.commissioner_id in may_hear[n.project_id]]
        users = (
            get_user_model()
            .objects.filter(pk__in=recipients, is_active=True)
            .exclude(email="")
            .values_list("pk", "email", "first_name", "username")
        )
        digests = {
            pk: Digest(email=email, name=first_name or username)
            for pk, email, first_name, username in users
        }
        for user_id, items in flags_by_user.items():
            if user_id in digests:
                items.sort(key=_flag_order)
                digests[user_id].flags = items
        for note in escalated:
            if note.commissioner_id in digests:
                digests[note.commissioner_id].escalated.append(_point(note))
        for note in stale:
            if note.commissioner_id in digests:
                digests[note.commissioner_id].stale.append(_point(note))
        messages = [
            _message(digest, today=today)
            for _user_id, digest in sorted(digests.items())
            if digest.flags or digest.escalated or digest.stale
        ]
        sent = 0
        if messages:
            try:
                sent = mailers.default.send_messages(messages) or 0
            except (smtplib.SMTPException, OSError):
                logger.exception("Friction digests not sent; the next scan tries again.")
                return 0
        for chunk in chunks(flag_ids):
            FrictionPoint.objects.filter(pk__in=chunk).update(notified_severity=F("severity"))
        return sent
