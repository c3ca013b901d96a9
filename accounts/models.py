"""People and how they sign in (accounts are Django's own ``auth.User``)."""

from __future__ import annotations
