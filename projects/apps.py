from __future__ import annotations

from functools import partial

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Samenwerkingsprojecten")

    def ready(self) -> None:
        # The register of parties (a leaf app) shows projects' data through its extension
        # points; see stakeholders/extensions.py.
        from projects.selectors_partners import annotate_party_list
        from projects.views.partners import party_sections
        from stakeholders.extensions import register_party_list_annotator, register_party_section

        register_party_list_annotator("projects", annotate_party_list)
        register_party_section("projects", party_sections)

        # The retention purge of contact persons (stakeholders/retention.py): what projects
        # still need of them, and the same erasure as the Beheerder's "erase" action.
        from projects.selectors_retention import contacts_no_longer_needed
        from projects.services.partners import contact_erase
        from stakeholders.retention import register_contact_eraser, register_retention_rule

        register_retention_rule("projects", contacts_no_longer_needed)
        register_contact_eraser(partial(contact_erase, actor=None))
