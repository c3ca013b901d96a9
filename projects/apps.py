from __future__ import annotations

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
