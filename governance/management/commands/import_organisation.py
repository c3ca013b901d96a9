"""``manage.py import_organisation FILE...``: the organisation from CSV, all or nothing."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from governance.importing import ImportLimits, ImportProblem, SourceFile, organisation_import


class Command(BaseCommand):
    help = (
        "Leest sectoren, afdelingen, vergaderkalenders en procedures in uit CSV-bestanden "
        "(komma of puntkomma, met of zonder BOM). Alles of niets: bij één fout wordt niets "
        "ingelezen en staan alle fouten (regel, kolom, reden) op stderr, exitstatus 1. "
        "Hoogstens BB_IMPORT_MAX_FILES bestanden, BB_IMPORT_MAX_ROWS regels samen en "
        "BB_IMPORT_MAX_FILE_MB MB per bestand. Zie docs/import-examples/README.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("files", nargs="+", metavar="FILE", help="CSV-bestand(en)")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Alleen controleren en tellen wat er zou veranderen; niets opslaan.",
        )

    def handle(self, *args: object, files: list[str], dry_run: bool, **options: object) -> None:
        limits = ImportLimits.from_settings()
        too_many = limits.too_many_files(len(files))
        if too_many:
            raise CommandError(capfirst(too_many), returncode=1)
        sources: list[SourceFile] = []
        problems: list[ImportProblem] = []
        for name in files:
            path = Path(name)
            try:
                with path.open("rb") as file:
                    # One byte past the limit tells "too large" without reading the rest.
                    content = file.read(limits.max_file_bytes + 1)
                too_large = limits.too_large(len(content))
                if too_large:
                    problems.append(ImportProblem(name, too_large))
                    continue
                sources.append(SourceFile(name=path.name, content=content))
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
