"""What goes in and comes out of an import: the files, the problems found, the counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class SourceFile:
    """One uploaded or named file: its display name and raw bytes."""

    name: str
    content: bytes


@dataclass(frozen=True)
class ImportProblem:
    file: str
    reason: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        if self.line is not None and self.column:
            return _("%(file)s, regel %(line)d, kolom %(column)s: %(reason)s") % {
                "file": self.file,
                "line": self.line,
                "column": self.column,
                "reason": self.reason,
            }
        if self.line is not None:
            return _("%(file)s, regel %(line)d: %(reason)s") % {
                "file": self.file,
                "line": self.line,
                "reason": self.reason,
            }
        return f"{self.file}: {self.reason}"


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ImportReport:
    errors: list[ImportProblem] = field(default_factory=list)
    sectors: Tally = field(default_factory=Tally)
    departments: Tally = field(default_factory=Tally)
    calendars: Tally = field(default_factory=Tally)
    procedures: Tally = field(default_factory=Tally)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def tallies(self) -> list[tuple[str, Tally]]:
        """Labelled counts for display, skipping kinds the run did not touch."""
        labelled = [
            (_("Sectoren"), self.sectors),
            (_("Afdelingen"), self.departments),
            (_("Vergaderkalenders"), self.calendars),
            (_("Procedures"), self.procedures),
        ]
        return [(label, tally) for label, tally in labelled if tally.total]
