"""The User admin, with one addition: deactivating an account ends its sessions at once."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpRequest

from config.audit_log import security_event
from config.security import user_sessions_end

User = get_user_model()


class SessionEndingUserAdmin(UserAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            ended = user_sessions_end(user=obj)
            security_event(
                "sessions_ended",
                request=request,
                reason="deactivated",
                subject=obj.get_username(),
                subject_id=obj.pk,
                sessions=ended,
            )


admin.site.unregister(User)
admin.site.register(User, SessionEndingUserAdmin)
