"""``python manage.py scan_friction [--today YYYY-MM-DD] [--project ID ...]``"""

from __future__ import annotations

import argparse
import datetime as dt

from django.core.management.base import BaseCommand
from django.utils import timezone

from projects.services.scan import friction_scan
from web.history import history_context


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = "Runs the friction scan now and prints what it raised, updated and resolved."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--today", type=_date, help="Scan as if it were this day (YYYY-MM-DD).")
        parser.add_argument(
            "--project",
            type=int,
            action="append",
            dest="project_ids",
            metavar="ID",
            help="Scan only this project (repeat for more).",
        )

    def handle(self, *args, today: dt.date | None, project_ids: list[int] | None, **options):
        with history_context(actor="friction_scan"):
            result = friction_scan(today=today or timezone.localdate(), project_ids=project_ids)
        counts = result.counts
        self.stdout.write(
            f"Knelpuntenscan {result.today.isoformat()}: {counts['steps']} open procedurestappen, "
            f"{counts['raised']} gesignaleerd, {counts['updated']} bijgewerkt, "
            f"{counts['resolved']} vervallen, {counts['escalated']} geëscaleerd, "
            f"{counts['stale']} stil, {counts['mails']} e-mails."
        )
        for label, changes in (
            ("Gesignaleerd", result.raised),
            ("Bijgewerkt", result.updated),
            ("Vervallen", result.resolved),
            ("Geëscaleerd", result.escalated),
            ("Stil", result.stale),
        ):
            if changes:
                self.stdout.write(f"{label}:")
                for change in changes:
                    self.stdout.write(f"  {change.line()}")
