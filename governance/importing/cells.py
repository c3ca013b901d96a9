"""Validating single cells of the parsed rows, collecting a problem for each bad one."""

from __future__ import annotations

import re

from django.utils import translation
from django.utils.translation import gettext as _

from governance.importing.reading import Row
from governance.importing.report import ImportProblem

SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+$")
MAX_SMALL_INT = 32767
TRUE_WORDS = frozenset({"ja", "j", "waar", "1", "x", "yes", "y", "true"})
FALSE_WORDS = frozenset({"nee", "n", "onwaar", "0", "no", "false"})


class _Cells:
    """Collects the problems of the rows; each check returns the clean value or None."""

    def __init__(self) -> None:
        self.errors: list[ImportProblem] = []

    def error(self, row: Row, column: str | None, reason: str) -> None:
        self.errors.append(ImportProblem(row.file, reason, line=row.line, column=column))

    def text(self, row: Row, column: str, *, max_length: int, required: bool) -> str | None:
        value = row.get(column)
        if required and not value:
            self.error(row, column, _("verplicht veld is leeg"))
            return None
        if len(value) > max_length:
            self.error(
                row,
                column,
                _("te lang: %(length)d tekens, maximaal %(max)d")
                % {"length": len(value), "max": max_length},
            )
            return None
        return value

    def code(self, row: Row, column: str) -> str | None:
        value = self.text(row, column, max_length=40, required=True)
        if value is None:
            return None
        if not SLUG_RE.match(value):
            self.error(
                row,
                column,
                _("ongeldige code '%(value)s': gebruik alleen letters, cijfers, - en _")
                % {"value": value},
            )
            return None
        return value.lower()

    def whole_number(self, row: Row, column: str) -> int | None:
        value = row.get(column)
        if not value:
            self.error(row, column, _("verplicht veld is leeg"))
            return None
        try:
            number = int(value)
        except ValueError:
            self.error(
                row, column, _("'%(value)s' is geen geheel aantal werkdagen") % {"value": value}
            )
            return None
        if number < 0:
            self.error(row, column, _("mag niet negatief zijn (%(value)s)") % {"value": value})
            return None
        if number > MAX_SMALL_INT:
            self.error(
                row,
                column,
                _("te groot (%(value)s); maximaal %(max)d")
                % {"value": value, "max": MAX_SMALL_INT},
            )
            return None
        return number

    def choice(self, row: Row, column: str, lookup: dict[str, str], what: str) -> str | None:
        value = row.get(column)
        if not value:
            self.error(row, column, _("verplicht veld is leeg"))
            return None
        found = lookup.get(value.lower())
        if found is None:
            self.error(
                row,
                column,
                _("onbekende %(what)s '%(value)s'; kies uit: %(options)s")
                % {
                    "what": what,
                    "value": value,
                    "options": ", ".join(sorted(set(lookup.values()))),
                },
            )
        return found

    def flag(self, row: Row, column: str) -> bool | None:
        value = row.get(column).lower()
        if value in TRUE_WORDS:
            return True
        if value in FALSE_WORDS:
            return False
        self.error(
            row, column, _("vul ja of nee in, niet '%(value)s'") % {"value": row.get(column)}
        )
        return None


def _choice_lookup(choices: type) -> dict[str, str]:
    """Values and their Dutch and English labels, lower-cased, mapped to the value."""
    lookup: dict[str, str] = {}
    for language in ("nl", "en"):
        with translation.override(language):
            for value, label in choices.choices:
                lookup[str(label).lower()] = value
    for value in choices.values:
        lookup[value.lower()] = value
    return lookup


def _where(row: Row, current_file: str) -> str:
    if row.file == current_file:
        return _("regel %(line)d") % {"line": row.line}
    return _("%(file)s regel %(line)d") % {"file": row.file, "line": row.line}
