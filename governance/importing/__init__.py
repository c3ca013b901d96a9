"""CSV import of the organisation: sectors, departments, meeting calendars and procedures.

Contract: ``organisation_import`` reads every file, validates every row against the files
and the database, and only when nothing is wrong writes everything in one transaction.
A file with a single bad line imports nothing, and neither do the other files of the same
run. Re-importing the same files changes nothing (upsert by code, by calendar name and by
department + procedure name, case-insensitively).

Files are recognised by their header row, so their names and order do not matter; rows
are resolved sectors → departments → calendars → procedures, so a department may refer
to a sector defined in another file of the same run. An empty optional cell leaves the
current value alone (a re-import never wipes what was set in the admin).

Concurrent imports are not serialised; a run that collides with another write fails with
an error and imports nothing (the database constraints are the last line of defence).
"""

from __future__ import annotations

from governance.importing.limits import ImportLimits
from governance.importing.reading import COLUMNS, HEADER_ALIASES, FileKind
from governance.importing.report import ImportProblem, ImportReport, SourceFile, Tally
from governance.importing.writing import organisation_import

__all__ = [
    "COLUMNS",
    "HEADER_ALIASES",
    "ImportLimits",
    "FileKind",
    "ImportProblem",
    "ImportReport",
    "SourceFile",
    "Tally",
    "organisation_import",
]
