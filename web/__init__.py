"""The site's shared web plumbing, with no knowledge of the domain.

What every app of ours needs from the web layer and nothing else: the htmx request type
and its partial test (``htmx``), the pager (``pagination``), safe ``next`` redirects
(``redirects``), search text and form field helpers (``text``, ``fields``), the session
and refused-access middleware (``security``), the security log (``audit_log``), the audit
trail's context and its fallback without triggers (``history``), the forgiving Redis cache
(``cache``), handing work to the broker (``broker``), the organisation's theme (``theme``),
``/health/`` and the public statements (``health``, ``pages``).

It imports no domain app (``governance``, ``stakeholders``, ``projects``, ``accounts``):
they import it. ``config`` holds only settings, URLs, the Celery app and wsgi/asgi.
"""
