"""The commissioner's answer to a support request, on the dashboard."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy

from projects.models import FrictionPoint
from projects.services.support import TEXT_MAX_LENGTH


class SupportAnswerForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Jouw antwoord"),
        max_length=TEXT_MAX_LENGTH,
        help_text=gettext_lazy("De projectleider ziet je antwoord op de pagina van het knelpunt."),
        widget=forms.Textarea(
            attrs={"class": "utrecht-textarea utrecht-textarea--html-textarea", "rows": 3}
        ),
    )
    next = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, point: FrictionPoint, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"answer-{point.pk}-%s")
        super().__init__(*args, **kwargs)
        self.use_required_attribute = False
        self.fields["text"].widget.attrs["aria-required"] = "true"
