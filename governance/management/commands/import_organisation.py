"""``manage.py import_organisation FILE...``: the organisation from CSV, all or nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from governance.importing import ImportProblem, SourceFile, organisation_import

MAX_FILE_BYTES = 20 * 1024 * 1024


class Command(BaseCommand):
    help = (
        "Leest sectoren, afdelingen, vergaderkalenders en procedures in uit CSV-bestanden "
        "(komma of puntkomma, met of zonder BOM). Alles of niets: bij één fout wordt niets "
        "ingelezen en staan alle fouten (regel, kolom, reden) op stderr, exitstatus 1. "
        "Zie docs/import-examples/README.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="CSV-bestand(en)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Alleen controleren en tellen wat er zou veranderen; niets opslaan.",
        )

    def handle(self, *args: object, files: list[str], dry_run: bool, **options: object) -> None:
        sources: list[SourceFile] = []
        problems: list[ImportProblem] = []
        for name in files:
            path = Path(name)
            try:
                if path.stat().st_size > MAX_FILE_BYTES:
                    problems.append(ImportProblem(name, _("het bestand is groter dan 20 MB")))
                    continue
                sources.append(SourceFile(name=path.name, content=path.read_bytes()))
            except OSError as exc:
                problems.append(
                    ImportProblem(
                        name,
                        _("kan het bestand niet lezen (%(detail)s)") % {"detail": exc.strerror},
                    )
                )
        if sources:
            # An unreadable file still stops the run, but the others are checked too.
            report = organisation_import(files=sources, dry_run=dry_run or bool(problems))
            problems.extend(report.errors)
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(
                _("Niets ingelezen: %(count)d fout(en).") % {"count": len(problems)},
                returncode=1,
            )
        for label, tally in report.tallies():
            self.stdout.write(
                _("%(label)s: %(created)d nieuw, %(updated)d gewijzigd, %(unchanged)d ongewijzigd")
                % {
                    "label": label,
                    "created": tally.created,
                    "updated": tally.updated,
                    "unchanged": tally.unchanged,
                }
            )
        if dry_run:
            self.stdout.write(_("Proefrun: er is niets opgeslagen."))
        else:
            self.stdout.write(self.style.SUCCESS(_("Import voltooid.")))
