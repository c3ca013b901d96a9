"""Edit conflicts: a form opened at one version of a row and sent after someone else saved.

Every write that replaces what a person typed (a project's fields, a friction point's
fields, its status, its closing) takes the ``version`` the form was opened at and refuses
when the row has moved on. The refusal is an ``EditConflict``: a ``ValidationError``, so
code that only knows about validation errors still shows it above the form, and a view
that knows about conflicts can show the saved values beside the typed ones.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError


class EditConflict(ValidationError):
    """Someone else saved the row after the form was opened; nothing was written."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="conflict")
