"""Showing an edit conflict: what is saved now beside what the person typed.

A service refuses a stale form with ``EditConflict`` and writes nothing. The view then
shows the same form again, still holding the person's text, with a table of the fields
where the saved value differs, and lets the form carry the version now saved: the person
has seen both, so saving again is their deliberate choice, never a silent overwrite.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.db.models import Model
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ConflictRow:
    label: str
    saved: str
    yours: str


def _flat_choices(choices: Iterable) -> dict[str, str]:
    flat: dict[str, str] = {}
    for value, label in choices:
        if isinstance(label, list | tuple):
            flat.update(_flat_choices(label))
        else:
            flat[str(value)] = str(label)
    return flat


def display_value(field: forms.Field, value: Any) -> str:
    """How a field's value reads for a person (a choice's label, a person's name)."""
    if isinstance(field, forms.BooleanField):
        return _("Ja") if value else _("Nee")
    if value in (None, "") or (isinstance(value, list | tuple) and not value):
        return _("(leeg)")
    if isinstance(field, forms.ModelMultipleChoiceField):
        return ", ".join(sorted(field.label_from_instance(obj) for obj in value))
    if isinstance(field, forms.ModelChoiceField) and isinstance(value, Model):
        return field.label_from_instance(value)
    if isinstance(field, forms.ChoiceField):
        return _flat_choices(field.choices).get(str(value), str(value))
    return str(value).strip()


def conflict_rows(
    form: forms.BaseForm, *, saved: Mapping[str, Any], yours: Mapping[str, Any] | None = None
) -> list[ConflictRow]:
    """The fields of ``saved`` whose saved value differs from the form's cleaned value
    (or from ``yours``, for a field the form splits, such as departments)."""
    yours = {**form.cleaned_data, **(yours or {})}
    rows = []
    for name, value in saved.items():
        field = form.fields[name]
        shown_saved = display_value(field, value)
        shown_yours = display_value(field, yours.get(name))
        if shown_saved != shown_yours:
            rows.append(ConflictRow(label=str(field.label), saved=shown_saved, yours=shown_yours))
    return rows


def carry_version(form: forms.BaseForm, version: int) -> None:
    """Let the shown form carry ``version`` (the one now saved) in its hidden field."""
    data = form.data.copy()
    data[form.add_prefix("version")] = str(version)
    form.data = data
