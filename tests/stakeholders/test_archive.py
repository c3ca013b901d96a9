"""External parties are archived, not deleted: on the party's page (for whoever keeps its
contact persons) and in the admin (for a Beheerder). An archived party is read-only, left
out of the register's default list and of the pickers for new involvements, and still
found by filter and by its address."""

from __future__ import annotations

import json
import logging

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.admin.sites import site
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from projects.forms.projects import PartnerFormSet
from projects.models import Project, StakeholderInvolvement
from projects.services.partners import agreement_record, interaction_log
from projects.services.projects import PartnerInput, project_update
from stakeholders.admin import StakeholderAdmin
from stakeholders.models import Contact, Stakeholder
from stakeholders.services import (
    contact_create,
    contact_update,
    stakeholder_archive,
    stakeholder_restore,
)
from tests.factories import (
    AdministratorFactory,
    CommissionerFactory,
    ContactFactory,
    DepartmentFactory,
    DepartmentHeadFactory,
    DepartmentInvolvementFactory,
    LeaderFactory,
    ProjectFactory,
    StakeholderFactory,
    StakeholderInvolvementFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def world():
    head = DepartmentHeadFactory()
    project = ProjectFactory(title="Zonnedaken Noord")
    DepartmentInvolvementFactory(project=project, department=DepartmentFactory(head=head))
    party = StakeholderFactory(name="Woningcorporatie Ons Huis")
    StakeholderInvolvementFactory(project=project, stakeholder=party)
    contact = ContactFactory(stakeholder=party, name="Karin de Vries")
    return {
        "project": project,
        "party": party,
        "contact": contact,
        "leader": project.leader,
        "commissioner": project.commissioner,
        "head": head,
        "administrator": AdministratorFactory(),
        "outsider": LeaderFactory(),
    }


def update_partners(project: Project, partners: list[PartnerInput]) -> Project:
    return project_update(
        project=project,
        editor=project.leader,
        title=project.title,
        purpose=project.purpose,
        commissioner=project.commissioner,
        status=project.status,
        partners=partners,
    )


def archived(party: Stakeholder) -> bool:
    party.refresh_from_db()
    return party.archived_at is not None


def archive(party: Stakeholder) -> Stakeholder:
    return stakeholder_archive(stakeholder=party, actor=AdministratorFactory())


def url(name: str, party: Stakeholder) -> str:
    return reverse(f"stakeholders:{name}", args=[party.pk])


# --- the services ----------------------------------------------------------------------------


class TestServices:
    def test_it_archives_and_restores_and_notes_who_in_the_admin_history(self, world, caplog):
        actor = world["administrator"]
        with caplog.at_level(logging.INFO, logger="binnenbuiten.security"):
            stakeholder_archive(stakeholder=world["party"], actor=actor)
        assert archived(world["party"])
        events = [json.loads(r.getMessage()) for r in caplog.records]
        assert [(e["event"], e["stakeholder_id"]) for e in events] == [
            ("stakeholder_archived", world["party"].pk)
        ]
        stakeholder_restore(stakeholder=world["party"], actor=actor)
        assert not archived(world["party"])
        messages = LogEntry.objects.filter(
            object_id=str(world["party"].pk), user=actor
        ).values_list("change_message", flat=True)
        assert sorted(messages) == ["Gearchiveerd.", "Uit het archief teruggezet."]
        # Nothing is lost on the way.
        assert Contact.objects.filter(pk=world["contact"].pk).exists()
        assert world["party"].involvements.count() == 1

    def test_twice_is_refused_and_changes_nothing(self, world):
        archive(world["party"])
        moment = Stakeholder.objects.get(pk=world["party"].pk).archived_at
        with pytest.raises(ValidationError, match="al in het archief"):
            archive(world["party"])
        assert Stakeholder.objects.get(pk=world["party"].pk).archived_at == moment
        stakeholder_restore(stakeholder=world["party"], actor=world["administrator"])
        with pytest.raises(ValidationError, match="niet in het archief"):
            stakeholder_restore(stakeholder=world["party"], actor=world["administrator"])

    def test_an_archived_party_is_read_only(self, world):
        party = archive(world["party"])
        with pytest.raises(ValidationError):
            contact_create(stakeholder=party, name="Nieuwe Naam")
        with pytest.raises(ValidationError):
            contact_update(contact=Contact.objects.get(pk=world["contact"].pk), name="Anders")
        with pytest.raises(ValidationError):
            interaction_log(
                author=world["leader"],
                stakeholder=party,
                project=world["project"],
                kind="overleg",
                date=timezone.localdate(),
                summary="Gesproken",
            )
        with pytest.raises(ValidationError):
            agreement_record(
                author=world["leader"],
                project=world["project"],
                stakeholder=party,
                title="Tekening sturen",
                owed_by="gemeente",
                due_date=timezone.localdate(),
            )
        assert list(Contact.objects.values_list("name", flat=True)) == ["Karin de Vries"]
        assert not world["project"].interactions.exists()
        assert not world["project"].agreements.exists()


# --- the party's page -------------------------------------------------------------------------


class TestArchiveOnThePartysPage:
    @pytest.mark.parametrize("persona", ["leader", "commissioner", "head", "administrator"])
    def test_the_first_post_asks_and_the_confirmed_one_archives(self, client, world, persona):
        client.force_login(world[persona])
        page = client.post(url("archive", world["party"]))
        assert page.status_code == 200
        assert "archiveren?" in page.content.decode()
        assert not archived(world["party"])
        response = client.post(url("archive", world["party"]), {"confirm": "ja"})
        assert response.url == url("detail", world["party"])
        assert archived(world["party"])

    def test_the_page_shows_it_archived_and_offers_restore(self, client, world):
        archive(world["party"])
        client.force_login(world["leader"])
        html = client.get(url("detail", world["party"])).content.decode()
        assert "Gearchiveerd" in html and "in het archief" in html
        assert url("restore", world["party"]) in html
        assert url("contact_add", world["party"]) not in html
        assert (
            reverse("stakeholders:contact_edit", args=[world["party"].pk, world["contact"].pk])
            not in html
        )
        assert "Karin de Vries" in html  # still readable

    def test_it_restores(self, client, world):
        archive(world["party"])
        client.force_login(world["commissioner"])
        client.post(url("restore", world["party"]), {"confirm": "ja"})
        assert not archived(world["party"])

    def test_htmx_gets_a_client_side_redirect(self, client, world):
        client.force_login(world["leader"])
        response = client.post(url("archive", world["party"]), {"confirm": "ja"}, headers=HTMX)
        assert response["HX-Redirect"] == url("detail", world["party"])
        assert archived(world["party"])
        note = LogEntry.objects.get(object_id=str(world["party"].pk))
        assert (note.user, note.change_message) == (world["leader"], "Gearchiveerd.")

    def test_archiving_twice_says_so(self, client, world):
        first = archive(world["party"]).archived_at
        client.force_login(world["leader"])
        response = client.post(url("archive", world["party"]), {"confirm": "ja"}, follow=True)
        assert "al in het archief" in response.content.decode()
        assert Stakeholder.objects.get(pk=world["party"].pk).archived_at == first
        assert LogEntry.objects.filter(object_id=str(world["party"].pk)).count() == 1

    @pytest.mark.parametrize("name", ["archive", "restore"])
    def test_outsiders_are_refused_and_nothing_changes(self, client, world, name):
        if name == "restore":
            archive(world["party"])
        before = Stakeholder.objects.get(pk=world["party"].pk).archived_at
        for outsider in (world["outsider"], DepartmentHeadFactory(), CommissionerFactory()):
            client.force_login(outsider)
            response = client.post(url(name, world["party"]), {"confirm": "ja"})
            assert response.status_code == 403
            html = client.get(url("detail", world["party"])).content.decode()
            assert url(name, world["party"]) not in html
        assert Stakeholder.objects.get(pk=world["party"].pk).archived_at == before

    def test_get_is_not_allowed_and_anonymous_logs_in(self, client, world):
        client.force_login(world["leader"])
        assert client.get(url("archive", world["party"])).status_code == 405
        client.logout()
        response = client.post(url("archive", world["party"]), {"confirm": "ja"})
        assert response.url.startswith(reverse("login"))
        assert not archived(world["party"])

    def test_nobody_changes_its_contact_persons_or_logs_contact_with_it(self, client, world):
        archive(world["party"])
        edit = reverse("stakeholders:contact_edit", args=[world["party"].pk, world["contact"].pk])
        for persona in ("leader", "administrator"):
            client.force_login(world[persona])
            add = client.post(url("contact_add", world["party"]), {"name": "Nieuw Iemand"})
            assert add.status_code == 403
            assert client.post(edit, {"name": "Anders"}).status_code == 403
            for name in ("party_interaction_create", "party_agreement_create"):
                target = reverse(f"projects:{name}", args=[world["party"].pk])
                assert client.get(target).status_code == 403
        assert list(Contact.objects.values_list("name", flat=True)) == ["Karin de Vries"]


# --- the register and the pickers -----------------------------------------------------------------


class TestListAndPickers:
    @pytest.fixture
    def two(self, world):
        archive(world["party"])
        StakeholderFactory(name="Woonstichting De Linde")
        return world

    def test_the_list_leaves_archived_parties_out_by_default(self, client, two):
        client.force_login(two["leader"])
        names = [p.name for p in client.get(reverse("stakeholders:list")).context["page"]]
        assert names == ["Woonstichting De Linde"]

    @pytest.mark.parametrize(
        ("choice", "expected"),
        [
            ("gearchiveerd", ["Woningcorporatie Ons Huis"]),
            ("alle", ["Woningcorporatie Ons Huis", "Woonstichting De Linde"]),
        ],
    )
    def test_the_filter_finds_them_marked_as_archived(self, client, two, choice, expected):
        client.force_login(two["leader"])
        response = client.get(reverse("stakeholders:list"), {"archive": choice})
        assert [p.name for p in response.context["page"]] == expected
        assert "Gearchiveerd" in response.content.decode()

    def test_its_address_still_works(self, client, two):
        client.force_login(two["outsider"])
        assert client.get(url("detail", two["party"])).status_code == 200

    def test_the_project_page_marks_it_archived_and_offers_no_new_contact_with_it(
        self, client, two
    ):
        client.force_login(two["leader"])
        response = client.get(two["project"].get_absolute_url())
        assert '<span class="utrecht-data-badge">Gearchiveerd</span>' in response.content.decode()
        assert response.context["interaction_form"] is None  # its only party is archived

    def test_the_search_as_you_type_picker_leaves_them_out(self, client, two):
        client.force_login(two["leader"])
        picker = client.get(
            reverse("stakeholders:search"),
            {"q": "Wo", "target": "id_partners-0-stakeholder"},
            headers=HTMX,
        )
        assert [p.name for p in picker.context["matches"]] == ["Woonstichting De Linde"]
        look_alike = client.get(
            reverse("stakeholders:search"),
            {"q": "Woningcorporatie Ons Hius", "target": "id_partners-0-stakeholder"},
            headers=HTMX,
        )
        assert look_alike.context["matches"] == []
        # Searching to find a party (no picker) still finds it, marked.
        found = client.get(reverse("stakeholders:search"), {"q": "Ons Huis"})
        assert [p.name for p in found.context["matches"]] == ["Woningcorporatie Ons Huis"]
        assert "gearchiveerd" in found.content.decode()

    def test_the_project_forms_picker_leaves_them_out_of_new_rows(self, two):
        formset = PartnerFormSet(instance=Project(), prefix="partners")
        choices = [label for _value, label in formset.forms[0].fields["stakeholder"].choices]
        assert "Woningcorporatie Ons Huis" not in " ".join(map(str, choices))
        assert "Woonstichting De Linde" in choices

    def test_a_project_keeps_its_archived_party_in_the_picker(self, two):
        formset = PartnerFormSet(instance=two["project"], prefix="partners")
        choices = [str(label) for _value, label in formset.forms[0].fields["stakeholder"].choices]
        assert "Woningcorporatie Ons Huis (gearchiveerd)" in choices

    def test_a_new_project_with_an_archived_party_is_refused_beside_the_field(self, client, two):
        client.force_login(two["leader"])
        data = {
            "purpose": "Samen met de wijk een groen schoolplein maken.",
            "title": "Groen schoolplein",
            "status": Project.Status.EXPLORATION,
            "commissioner": str(two["commissioner"].pk),
            "partners-TOTAL_FORMS": "1",
            "partners-INITIAL_FORMS": "0",
            "partners-0-stakeholder": str(two["party"].pk),
            "partners-0-role": "partner",
            "partners-0-influence": "3",
            "partners-0-interest": "3",
        }
        for prefix in ("departments", "milestones"):
            data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
        response = client.post(reverse("projects:create"), data)
        assert response.status_code == 200
        assert 'id="id_partners-0-stakeholder_error"' in response.content.decode()
        assert not Project.objects.filter(title="Groen schoolplein").exists()

    def test_the_service_and_the_model_refuse_a_new_involvement(self, two):
        other = ProjectFactory()
        with pytest.raises(ValidationError, match="archief"):
            update_partners(other, [PartnerInput(stakeholder=two["party"])])
        with pytest.raises(ValidationError, match="archief"):
            StakeholderInvolvement(project=other, stakeholder=two["party"]).full_clean()
        assert not other.stakeholder_involvements.exists()

    def test_where_it_already_was_it_stays(self, two):
        project = two["project"]
        update_partners(project, [PartnerInput(stakeholder=two["party"], influence=5)])
        involvement = project.stakeholder_involvements.get()
        assert (involvement.stakeholder_id, involvement.influence) == (two["party"].pk, 5)
        involvement.full_clean()


# --- the admin -----------------------------------------------------------------------------------


class TestAdmin:
    @pytest.fixture
    def admin_client(self, client, world):
        client.force_login(world["administrator"])
        return client

    @pytest.mark.parametrize("superuser", [False, True])
    def test_nobody_deletes_a_party_in_the_admin(self, world, superuser):
        request = RequestFactory().get("/")
        request.user = AdministratorFactory(is_superuser=superuser)
        model_admin = site._registry[Stakeholder]
        assert isinstance(model_admin, StakeholderAdmin)
        assert model_admin.has_delete_permission(request, world["party"]) is False
        actions = model_admin.get_actions(request)
        assert "delete_selected" not in actions
        assert {"archive_selected", "restore_selected"} <= actions.keys()

    @pytest.mark.parametrize("superuser", [False, True])
    def test_the_delete_page_is_refused(self, client, world, superuser):
        client.force_login(AdministratorFactory(is_superuser=superuser))
        delete = reverse("admin:stakeholders_stakeholder_delete", args=[world["party"].pk])
        assert client.post(delete, {"post": "yes"}).status_code == 403
        assert Stakeholder.objects.filter(pk=world["party"].pk).exists()
        assert Contact.objects.filter(pk=world["contact"].pk).exists()

    def test_the_actions_archive_and_restore(self, admin_client, world):
        changelist = reverse("admin:stakeholders_stakeholder_changelist")
        data = {"action": "archive_selected", "_selected_action": [world["party"].pk]}
        assert admin_client.post(changelist, data).status_code == 302
        assert archived(world["party"])
        assert admin_client.get(changelist, {"gearchiveerd": "ja"}).context["cl"].result_count == 1
        data["action"] = "restore_selected"
        admin_client.post(changelist, data)
        assert not archived(world["party"])

    def test_an_archived_party_and_its_contacts_are_read_only_but_erasable(
        self, admin_client, world
    ):
        archive(world["party"])
        change = reverse("admin:stakeholders_stakeholder_change", args=[world["party"].pk])
        admin_client.post(change, {"name": "Hernoemd", "kind": world["party"].kind})
        assert Stakeholder.objects.get(pk=world["party"].pk).name == "Woningcorporatie Ons Huis"
        contact = reverse("admin:stakeholders_contact_change", args=[world["contact"].pk])
        admin_client.post(
            contact, {"stakeholder": str(world["party"].pk), "name": "Anders", "email": ""}
        )
        assert Contact.objects.get(pk=world["contact"].pk).name == "Karin de Vries"
        erase = reverse("admin:stakeholders_contact_erase", args=[world["contact"].pk])
        admin_client.post(erase, {"post": "yes"})
        assert not Contact.objects.filter(pk=world["contact"].pk).exists()

    def test_the_autocomplete_picker_leaves_archived_parties_out(self, admin_client, world):
        archive(world["party"])
        StakeholderFactory(name="Woonstichting De Linde")
        response = admin_client.get(
            reverse("admin:autocomplete"),
            {
                "term": "Wo",
                "app_label": "projects",
                "model_name": "stakeholderinvolvement",
                "field_name": "stakeholder",
            },
        )
        assert [r["text"] for r in response.json()["results"]] == ["Woonstichting De Linde"]

    def test_a_beheerder_still_merges_duplicates(self, admin_client, world):
        twin = StakeholderFactory(name="Ons Huis")
        merge = reverse("admin:stakeholders_stakeholder_merge")
        admin_client.post(merge, {"keep": world["party"].pk, "remove": twin.pk, "confirm": "yes"})
        assert not Stakeholder.objects.filter(pk=twin.pk).exists()
