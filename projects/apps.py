from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Samenwerkingsprojecten")

    def ready(self) -> None:
        # The services hand work to the tasks by name (web/broker.py): register them here,
        # in the web process too, not only where a worker imports them.
        from projects import tasks  # noqa: F401
        from projects.sections import party_sections

        # The register of parties (a leaf app) shows projects' data through its extension
        # points; see stakeholders/extensions.py.
        from projects.selectors.partners import annotate_party_list
        from stakeholders.extensions import register_party_list_annotator, register_party_section

        register_party_list_annotator("projects", annotate_party_list)
        register_party_section("projects", party_sections)
        # Who is a Beheerder and who may add parties: the one copy of those rules.
        from projects.permissions import is_administrator, may_add_parties
        from stakeholders.extensions import register_access_rules

        register_access_rules(is_administrator=is_administrator, may_add_parties=may_add_parties)

        # The retention purge of contact persons (stakeholders/retention.py): what projects
        # still need of them; and the projects' part of every erasure (stakeholders/erasure.py).
        from projects.selectors.retention import contacts_no_longer_needed
        from projects.services.partners import contact_participations_erase
        from stakeholders.erasure import register_contact_erase_step
        from stakeholders.retention import register_retention_rule

        register_retention_rule("projects", contacts_no_longer_needed)
        register_contact_erase_step("projects", contact_participations_erase)

        # What projects adds to the admins of the leaves (each registers its own models):
        # a rescan after a schedule change, merging parties, a contact person's export, and
        # the audit trail under "Geschiedenis" (web/admin.py).
        from governance.extensions import register_schedule_listener
        from projects.selectors.history import audit_trail
        from projects.services.partners import contact_export, stakeholder_merge
        from projects.services.rescan import (
            rescan_enqueue_for_meeting_calendar,
            rescan_enqueue_for_procedure,
        )
        from stakeholders.extensions import register_contact_export, register_party_merge
        from web.admin import register_audit_trail

        register_schedule_listener(
            "projects", rescan_enqueue_for_procedure, rescan_enqueue_for_meeting_calendar
        )
        register_party_merge(stakeholder_merge)
        register_contact_export(contact_export)
        register_audit_trail(audit_trail)
