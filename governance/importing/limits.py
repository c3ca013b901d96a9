"""How much one import may take: files, data rows (all files together) and bytes per file.

The admin page and the command refuse too many or too large files before reading them;
the import itself checks all three again and stops reading once the rows exceed the
limit, so no caller can make it hold more than that in memory. Each refusal is one
message that names the limit, and nothing is imported.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ImportLimits:
    max_files: int
    max_rows: int
    max_file_bytes: int

    @classmethod
    def from_settings(cls) -> ImportLimits:
        return cls(
            max_files=settings.BB_IMPORT_MAX_FILES,
            max_rows=settings.BB_IMPORT_MAX_ROWS,
            max_file_bytes=settings.BB_IMPORT_MAX_FILE_MB * 1024 * 1024,
        )

    def summary(self) -> str:
        return _(
            "Per keer hoogstens %(files)s bestanden van elk hoogstens %(size)s MB, met samen "
            "hoogstens %(rows)s regels."
        ) % {
            "files": number_format(self.max_files, force_grouping=True),
            "size": number_format(self.max_file_bytes // (1024 * 1024), force_grouping=True),
            "rows": number_format(self.max_rows, force_grouping=True),
        }

    def too_many_files(self, count: int) -> str | None:
        if count <= self.max_files:
            return None
        return _(
            "te veel bestanden: je kunt hoogstens %(max)s bestanden tegelijk inlezen en je "
            "koos er %(count)s; er is niets ingelezen"
        ) % {"max": number_format(self.max_files, force_grouping=True), "count": count}

    def too_large(self, size: int) -> str | None:
        if size <= self.max_file_bytes:
            return None
        return _(
            "het bestand is groter dan %(max)s MB: je kunt per bestand hoogstens %(max)s MB "
            "inlezen; er is niets ingelezen"
        ) % {"max": number_format(self.max_file_bytes // (1024 * 1024), force_grouping=True)}

    def too_many_rows(self) -> str:
        return _(
            "te veel regels: je kunt hoogstens %(max)s gegevensregels tegelijk inlezen "
            "(alle bestanden samen, zonder kopregels); verdeel ze over meer keren. "
            "Er is niets ingelezen"
        ) % {"max": number_format(self.max_rows, force_grouping=True)}
