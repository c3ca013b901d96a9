"""Form fields shared by the apps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

MAX_ID = 2**63 - 1  # the largest id a database integer column holds


class IdsChoiceField(forms.ModelMultipleChoiceField):
    """A ``ModelMultipleChoiceField`` that refuses an id no database column can hold as
    an invalid choice, before it reaches the query (SQLite raises ``OverflowError``)."""

    def _check_values(self, value: Any) -> Any:
        for pk in value or ():
            try:
                number = int(str(pk))
            except (TypeError, ValueError):
                continue  # not a number: Django reports it as an invalid choice
            if not -MAX_ID <= number <= MAX_ID:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)


def choices_when_rendered(field: forms.ChoiceField, make: Callable[[], list[Any]]) -> None:
    """Give ``field`` the choices ``make()`` returns, computed only when the field is
    rendered. For model choice fields whose options come from a cache: their queryset
    still validates what is submitted. Django's own setter, because django-filter's
    wraps a list in a queryset iterator."""
    forms.ChoiceField.choices.fset(field, make)
