"""The admin of projects, milestones and friction points: the Beheerder's repair shop.

Day-to-day work happens on the user pages; the admin is for configuration and
corrections. Saving a project or friction point here bumps its ``version`` so a page
that was opened before the correction notices it on submit.

Each app registers its own models in its own admin; what projects adds to the admins of
``governance`` and ``stakeholders`` (a rescan after a schedule change, merging parties,
a contact person's export, the audit trail under "Geschiedenis") goes through their
extension points, registered in ``ProjectsConfig.ready()``.
"""

from __future__ import annotations

# Importing the modules registers their ModelAdmins.
from projects.admin import friction, partners, projects  # noqa: F401
