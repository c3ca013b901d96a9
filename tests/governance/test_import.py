"""The CSV import of the organisation: all or nothing, every error listed, idempotent."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from governance.importing import ImportLimits, SourceFile, organisation_import
from governance.management.commands.import_organisation import Command
from governance.models import Department, MeetingCalendar, Procedure, Sector
from tests.factories import (
    AdministratorFactory,
    DepartmentFactory,
    DepartmentHeadFactory,
    LeaderFactory,
    MeetingCalendarFactory,
    ProcedureFactory,
    SectorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "import-examples"
EXAMPLE_FILES = sorted(str(path) for path in EXAMPLES.glob("*.csv"))


def csv_file(name: str, text: str, *, encoding: str = "utf-8") -> SourceFile:
    return SourceFile(name=name, content=text.encode(encoding))


def run(*files: SourceFile, dry_run: bool = False):
    return organisation_import(files=list(files), dry_run=dry_run)


def snapshot() -> dict[str, list[tuple]]:
    return {
        "sectors": list(Sector.objects.order_by("code").values_list("code", "name")),
        "departments": list(
            Department.objects.order_by("code").values_list("code", "name", "sector__code", "head")
        ),
        "calendars": list(
            MeetingCalendar.objects.order_by("name").values_list(
                "name", "body", "agenda_deadline_days"
            )
        ),
        "procedures": list(
            Procedure.objects.order_by("department__code", "name").values_list(
                "department__code",
                "name",
                "kind",
                "lead_time_days",
                "meeting_calendar__name",
                "purpose",
                "is_active",
            )
        ),
    }


def messages_of(report) -> list[str]:
    return [str(problem) for problem in report.errors]


# --- the example files ------------------------------------------------------------------------


def test_the_example_files_cover_comma_and_semicolon_with_bom() -> None:
    contents = [Path(name).read_bytes() for name in EXAMPLE_FILES]
    assert len(contents) == 4
    assert any(c.startswith(b"\xef\xbb\xbf") and b";" in c.splitlines()[0] for c in contents)
    assert any(not c.startswith(b"\xef\xbb\xbf") and b"," in c.splitlines()[0] for c in contents)


def test_the_example_files_import_cleanly_with_the_command() -> None:
    out = io.StringIO()
    call_command("import_organisation", *EXAMPLE_FILES, stdout=out, stderr=io.StringIO())

    assert Sector.objects.count() == 4
    assert Department.objects.count() == 16
    assert MeetingCalendar.objects.count() == 2
    assert Procedure.objects.count() == 17
    assert "Sectoren: 4 nieuw, 0 gewijzigd, 0 ongewijzigd" in out.getvalue()
    assert "Procedures: 17 nieuw, 0 gewijzigd, 0 ongewijzigd" in out.getvalue()
    finance = Department.objects.get(code="financien")
    assert finance.name == "Financiën en Control"  # UTF-8 with BOM, accents intact
    assert finance.sector.code == "bedrijfsvoering"
    vth = Department.objects.get(code="vth")
    assert vth.name == "Vergunningen, Toezicht en Handhaving"  # comma inside a ;-file
    council = Procedure.objects.get(department__code="bestuurszaken", name="Raadsbesluit")
    assert council.kind == Procedure.Kind.COUNCIL_DECISION  # given as its Dutch label
    assert council.meeting_calendar.name == "Raadsvergadering"
    assert council.purpose == "De raad stelt kaders en budget vast; eerst commissie, dan raad."
    mandate = Procedure.objects.get(name="Mandaatcheck")
    assert '"rechtsgeldig"' in mandate.purpose


def test_re_importing_the_same_files_changes_nothing() -> None:
    call_command("import_organisation", *EXAMPLE_FILES, stdout=io.StringIO())
    before = snapshot()

    out = io.StringIO()
    call_command("import_organisation", *EXAMPLE_FILES, stdout=out)

    assert snapshot() == before
    assert "Sectoren: 0 nieuw, 0 gewijzigd, 4 ongewijzigd" in out.getvalue()
    assert "Afdelingen: 0 nieuw, 0 gewijzigd, 16 ongewijzigd" in out.getvalue()
    assert "Procedures: 0 nieuw, 0 gewijzigd, 17 ongewijzigd" in out.getvalue()


def test_a_changed_row_updates_only_that_row() -> None:
    SectorFactory(code="ruimte", name="Ruimte")
    SectorFactory(code="sociaal", name="Sociaal Domein")

    report = run(
        csv_file("sectoren.csv", "code,naam\nruimte,Ruimte en Wonen\nsociaal,Sociaal Domein\n")
    )

    assert report.ok and report.applied
    assert (report.sectors.created, report.sectors.updated, report.sectors.unchanged) == (0, 1, 1)
    assert Sector.objects.get(code="ruimte").name == "Ruimte en Wonen"


def test_a_department_may_refer_to_a_sector_in_another_file_of_the_same_run() -> None:
    departments = csv_file(
        "afdelingen.csv", "code;naam;sector\nro;Ruimtelijke Ontwikkeling;ruimte\n"
    )
    sectors = csv_file("sectoren.csv", "code,naam\nruimte,Ruimte\n")

    report = run(departments, sectors)  # order of the files does not matter

    assert report.ok, messages_of(report)
    assert Department.objects.get(code="ro").sector.code == "ruimte"


# --- encodings and delimiters -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("code,naam\r\nfin,Financiën\r\n", "utf-8"),
        ("code;naam\r\nfin;Financiën\r\n", "utf-8-sig"),
        ("code;naam\r\nfin;Financiën\r\n", "cp1252"),
        ("code\tnaam\r\nfin\tFinanciën\r\n", "utf-16"),
    ],
    ids=["comma-utf8", "semicolon-bom", "semicolon-cp1252", "tab-utf16"],
)
def test_it_reads_csv_as_spreadsheets_export_it(text: str, encoding: str) -> None:
    report = run(csv_file("sectoren.csv", text, encoding=encoding))

    assert report.ok, messages_of(report)
    assert Sector.objects.get(code="fin").name == "Financiën"


def test_headers_are_matched_loosely_and_blank_lines_are_skipped() -> None:
    SectorFactory(code="ruimte")
    text = " Code ; Naam ; Sector ; Afdelingshoofd \n\nro;Ruimtelijke Ontwikkeling;RUIMTE;\n;;;\n"

    report = run(csv_file("afdelingen.csv", text))

    assert report.ok, messages_of(report)
    assert Department.objects.get(code="ro").sector.code == "ruimte"


# --- bad files: nothing imported, every error listed ------------------------------------------


def test_a_bad_file_imports_nothing_and_lists_every_error() -> None:
    MeetingCalendarFactory(name="Collegevergadering")
    sectors = csv_file("sectoren.csv", "code,naam\nruimte,Ruimte\nbv,Bedrijfsvoering\n")
    departments = csv_file(
        "afdelingen.csv",
        "code;naam;sector;hoofd\n"
        "ro;Ruimtelijke Ontwikkeling;ruimte;\n"  # line 2: fine
        "jz;Juridische Zaken;bv;nobody\n"  # line 3: unknown user
        "xx;Onbekend;XYZ;\n"  # line 4: unknown sector
        "ro;Nog eens RO;ruimte;\n"  # line 5: duplicate code
        "fout code;Spaties;ruimte;\n",  # line 6: invalid code
    )
    procedures = csv_file(
        "procedures.csv",
        "afdeling,naam,soort,doorlooptijd_werkdagen,vergaderkalender\n"
        "ro,Principeverzoek,overig,40,Collegevergadering\n"  # line 2: fine
        "ro,Vergunning,vergunning,-5,\n"  # line 3: negative
        "ro,Toets,juridische_toets,tien,\n"  # line 4: not a number
        "ro,Iets,tovenarij,5,\n"  # line 5: unknown kind
        "ro,Besluit,collegebesluit,10,Weekoverleg\n"  # line 6: unknown calendar
        "ro,principeverzoek,overig,40,\n"  # line 7: duplicate (case-insensitive)
        "onbekend,Iets anders,overig,5,\n",  # line 8: unknown department
    )

    report = run(sectors, departments, procedures)

    assert not report.applied
    assert Sector.objects.count() == 0
    assert Department.objects.count() == 0
    assert Procedure.objects.count() == 0
    errors = messages_of(report)
    expected = [
        "afdelingen.csv, regel 3, kolom hoofd: onbekende gebruiker 'nobody'",
        "afdelingen.csv, regel 4, kolom sector: onbekende sector 'XYZ'",
        "afdelingen.csv, regel 5, kolom code: code 'ro' staat al op regel 2",
        "afdelingen.csv, regel 6, kolom code: ongeldige code 'fout code'",
        "procedures.csv, regel 3, kolom doorlooptijd_werkdagen: mag niet negatief",
        "procedures.csv, regel 4, kolom doorlooptijd_werkdagen: 'tien' is geen geheel",
        "procedures.csv, regel 5, kolom soort: onbekende soort 'tovenarij'",
        "procedures.csv, regel 6, kolom vergaderkalender: onbekende vergaderkalender 'Weekoverleg'",
        "procedures.csv, regel 7, kolom naam: procedure 'principeverzoek' van afdeling 'ro' "
        "staat al op regel 2",
        "procedures.csv, regel 8, kolom afdeling: onbekende afdeling 'onbekend'",
    ]
    assert len(errors) == len(expected), errors
    for message, prefix in zip(errors, expected, strict=True):
        assert message.startswith(prefix), (message, prefix)


def test_the_command_exits_with_status_1_and_writes_every_error_to_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # run_from_argv closes every connection on the way out, the test's transaction too.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    good = tmp_path / "sectoren.csv"
    good.write_text("code,naam\nruimte,Ruimte\n", encoding="utf-8")
    bad = tmp_path / "afdelingen.csv"
    bad.write_text("code;naam;sector\nro;RO;ruimte\nxx;;nergens\n", encoding="utf-8")
    command = Command(stdout=io.StringIO(), stderr=io.StringIO())

    with pytest.raises(SystemExit) as exit_info:
        command.run_from_argv(["manage.py", "import_organisation", str(good), str(bad)])

    assert exit_info.value.code == 1
    stderr = command.stderr._out.getvalue()
    assert "afdelingen.csv, regel 3, kolom naam: verplicht veld is leeg" in stderr
    assert "afdelingen.csv, regel 3, kolom sector: onbekende sector 'nergens'" in stderr
    assert "Niets ingelezen: 2 fout(en)." in stderr
    assert Sector.objects.count() == 0


def test_the_command_reports_a_missing_file_and_imports_nothing(tmp_path: Path) -> None:
    good = tmp_path / "sectoren.csv"
    good.write_text("code,naam\nruimte,Ruimte\n", encoding="utf-8")
    err = io.StringIO()

    with pytest.raises(CommandError) as raised:
        call_command("import_organisation", str(good), str(tmp_path / "weg.csv"), stderr=err)

    assert raised.value.returncode == 1
    assert "weg.csv: kan het bestand niet lezen" in err.getvalue()
    assert Sector.objects.count() == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "sectoren.csv: het bestand is leeg"),
        ("code,naam\n", "sectoren.csv: het bestand bevat geen gegevensregels"),
        ("wat,is,dit\n1,2,3\n", "sectoren.csv, regel 1: de kopregel is niet herkend"),
        (
            "code,naam,kleur\nruimte,Ruimte,rood\n",
            "sectoren.csv, regel 1, kolom kleur: onbekende kolom",
        ),
        (
            "code,naam,naam\nruimte,Ruimte,R\n",
            "sectoren.csv, regel 1, kolom naam: de kolom staat er twee keer in",
        ),
        (
            "code,naam\nruimte,Ruimte,extra\n",
            "sectoren.csv, regel 2: kolom 3 heeft een waarde maar geen kopje",
        ),
        ('code,naam\nruimte,"niet afgesloten\n', "sectoren.csv, regel 2: ongeldige CSV"),
        ('code,naam\nr,R\ns,"x"y\n', "sectoren.csv, regel 3: ongeldige CSV"),
        (
            "code,naam\nruimte," + "R" * 121 + "\n",
            "sectoren.csv, regel 2, kolom naam: te lang: 121 tekens",
        ),
    ],
    ids=[
        "empty",
        "header-only",
        "unknown-header",
        "unknown-column",
        "double-column",
        "too-many-cells",
        "unclosed-quote",
        "stray-quote",
        "too-long",
    ],
)
def test_it_rejects_malformed_files_with_a_reason(text: str, expected: str) -> None:
    report = run(csv_file("sectoren.csv", text))

    assert not report.ok
    assert any(message.startswith(expected) for message in messages_of(report)), messages_of(report)
    assert Sector.objects.count() == 0


def test_empty_trailing_columns_and_leading_blank_lines_are_ignored() -> None:
    report = run(csv_file("sectoren.csv", "\n;;\ncode;naam;;\nruimte;Ruimte;;\n"))

    assert report.ok, messages_of(report)
    assert Sector.objects.get(code="ruimte").name == "Ruimte"


def test_a_procedures_file_without_a_required_column_names_the_column() -> None:
    DepartmentFactory(code="ro")
    report = run(csv_file("procedures.csv", "afdeling,naam,soort\nro,Toets,overig\n"))

    assert messages_of(report) == [
        "procedures.csv, regel 1, kolom doorlooptijd_werkdagen: verplichte kolom ontbreekt"
    ]


def test_an_unreadable_encoding_is_reported() -> None:
    report = run(SourceFile(name="sectoren.csv", content=b"code,naam\nx,\x81\x8d\x90\n"))

    assert messages_of(report) == [
        "sectoren.csv: de tekencodering is niet herkend; sla het bestand op als CSV (UTF-8)"
    ]


def test_a_spreadsheet_instead_of_csv_is_refused_without_crashing() -> None:
    xlsx = bytes(range(256)) * 4  # binary noise, as an .xlsx (a zip file) would be

    report = run(SourceFile(name="organisatie.xlsx", content=b"PK\x03\x04" + xlsx))

    assert not report.ok
    assert messages_of(report)[0].startswith("organisatie.xlsx")
    assert Sector.objects.count() == 0


def test_a_name_already_used_by_another_code_is_an_error() -> None:
    SectorFactory(code="ruimte", name="Ruimte")

    report = run(csv_file("sectoren.csv", "code,naam\nfysiek,RUIMTE\n"))

    assert messages_of(report) == [
        "sectoren.csv, regel 2, kolom naam: de naam 'RUIMTE' is al in gebruik door sector "
        "met code 'ruimte'"
    ]


def test_a_collision_in_the_database_is_reported_and_rolls_everything_back() -> None:
    # Swapping two names is valid at the end but collides halfway; it must not crash.
    SectorFactory(code="a", name="Noord")
    SectorFactory(code="b", name="Zuid")

    report = run(csv_file("sectoren.csv", "code,naam\nc,Centrum\na,Zuid\nb,Noord\n"))

    assert not report.ok and not report.applied
    assert "er is niets ingelezen" in messages_of(report)[0]
    assert sorted(Sector.objects.values_list("code", "name")) == [("a", "Noord"), ("b", "Zuid")]


def test_lead_times_beyond_the_database_range_are_errors() -> None:
    DepartmentFactory(code="ro")
    report = run(
        csv_file(
            "procedures.csv", "afdeling,naam,soort,doorlooptijd_werkdagen\nro,Lang,overig,40000\n"
        )
    )

    assert messages_of(report) == [
        "procedures.csv, regel 2, kolom doorlooptijd_werkdagen: te groot (40000); maximaal 32767"
    ]


def test_a_department_head_must_be_an_active_user() -> None:
    SectorFactory(code="ruimte")
    UserFactory(username="oud", is_active=False)

    report = run(csv_file("afdelingen.csv", "code,naam,sector,hoofd\nro,RO,ruimte,oud\n"))

    assert messages_of(report) == [
        "afdelingen.csv, regel 2, kolom hoofd: gebruiker 'oud' is niet actief"
    ]


# --- optional columns -------------------------------------------------------------------------


def test_a_head_given_by_username_is_set_and_an_empty_cell_keeps_it() -> None:
    sector = SectorFactory(code="ruimte")
    head = UserFactory(username="jdevries")
    department = DepartmentFactory(code="ro", name="RO", sector=sector, head=None)

    first = run(csv_file("afdelingen.csv", "code,naam,sector,hoofd\nro,RO,ruimte,jdevries\n"))
    second = run(csv_file("afdelingen.csv", "code,naam,sector,hoofd\nro,RO,ruimte,\n"))

    assert first.departments.updated == 1
    assert second.departments.unchanged == 1
    department.refresh_from_db()
    assert department.head == head


def test_procedures_upsert_by_department_and_name_regardless_of_case() -> None:
    calendar = MeetingCalendarFactory(name="Collegevergadering")
    procedure = ProcedureFactory(
        department=DepartmentFactory(code="bz"),
        name="Collegebesluit",
        kind=Procedure.Kind.COLLEGE_DECISION,
        lead_time_days=10,
        purpose="Zorgvuldig besluiten.",
        meeting_calendar=calendar,
    )
    text = (
        "afdeling;naam;soort;doorlooptijd_werkdagen;vergaderkalender;bedoeling;actief\n"
        "BZ;COLLEGEBESLUIT;Collegebesluit;15;;;nee\n"
    )

    report = run(csv_file("procedures.csv", text))

    assert report.ok, messages_of(report)
    assert (report.procedures.created, report.procedures.updated) == (0, 1)
    procedure.refresh_from_db()
    assert procedure.name == "Collegebesluit"
    assert procedure.lead_time_days == 15
    assert procedure.is_active is False
    assert procedure.meeting_calendar == calendar  # empty cell: left alone
    assert procedure.purpose == "Zorgvuldig besluiten."


def test_an_unknown_active_value_is_an_error() -> None:
    DepartmentFactory(code="bz")
    text = "afdeling,naam,soort,doorlooptijd_werkdagen,actief\nbz,Besluit,overig,5,misschien\n"

    assert messages_of(run(csv_file("procedures.csv", text))) == [
        "procedures.csv, regel 2, kolom actief: vul ja of nee in, niet 'misschien'"
    ]


def test_a_dry_run_counts_but_writes_nothing() -> None:
    report = run(csv_file("sectoren.csv", "code,naam\nruimte,Ruimte\n"), dry_run=True)

    assert report.ok and not report.applied
    assert report.sectors.created == 1
    assert Sector.objects.count() == 0


def test_no_files_is_an_error() -> None:
    assert not organisation_import(files=[]).ok


# --- the admin page ---------------------------------------------------------------------------


IMPORT_URL = "admin:governance_department_import"


def upload(name: str, text: str, encoding: str = "utf-8") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def test_the_department_changelist_links_to_the_import(client) -> None:
    client.force_login(AdministratorFactory())

    response = client.get(reverse("admin:governance_department_changelist"))

    assert reverse(IMPORT_URL) in response.content.decode()
    page = client.get(reverse(IMPORT_URL))
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.content.decode()
    assert client.put(reverse(IMPORT_URL)).status_code == 405


def test_the_link_is_hidden_from_those_who_may_only_view(client) -> None:
    viewer = DepartmentHeadFactory(is_staff=True)  # the role may view departments
    assert viewer.has_perm("governance.view_department")
    client.force_login(viewer)

    response = client.get(reverse("admin:governance_department_changelist"))

    assert response.status_code == 200
    assert reverse(IMPORT_URL) not in response.content.decode()


def test_the_admin_page_imports_several_files_and_shows_a_summary(client) -> None:
    beheerder = AdministratorFactory()
    client.force_login(beheerder)
    files = [
        upload("sectoren.csv", "code,naam\nruimte,Ruimte\n"),
        upload(
            "afdelingen.csv", "code;naam;sector\nro;Ruimtelijke Ontwikkeling;ruimte\n", "utf-8-sig"
        ),
    ]

    response = client.post(reverse(IMPORT_URL), {"files": files})

    assert response.status_code == 200
    department = Department.objects.get(code="ro")
    assert (department.name, department.sector.code) == ("Ruimtelijke Ontwikkeling", "ruimte")
    # The audit trail says who imported it.
    event = Department.pgh_event_model.objects.get(pgh_obj_id=department.pk)
    assert (event.pgh_label, event.pgh_context["user"]) == ("insert", beheerder.pk)
    page = response.content.decode()
    assert 'id="import-summary"' in page
    assert "De organisatie is ingelezen." in page


def test_the_admin_page_shows_every_error_and_imports_nothing(client) -> None:
    client.force_login(AdministratorFactory())
    files = [
        upload("sectoren.csv", "code,naam\nruimte,Ruimte\n"),
        upload("afdelingen.csv", "code;naam;sector\nro;RO;XYZ\njz;;ruimte\n"),
    ]

    response = client.post(reverse(IMPORT_URL), {"files": files})

    assert response.status_code == 200
    page = response.content.decode()
    assert "afdelingen.csv, regel 2, kolom sector: onbekende sector &#x27;XYZ&#x27;" in page
    assert "afdelingen.csv, regel 3, kolom naam: verplicht veld is leeg" in page
    assert Sector.objects.count() == 0


def test_the_admin_page_asks_for_a_file(client) -> None:
    client.force_login(AdministratorFactory())

    response = client.post(reverse(IMPORT_URL), {})

    assert response.status_code == 200
    assert response.context["form"].errors["files"]
    assert not Sector.objects.exists()
    assert not Department.objects.exists()


def test_the_admin_page_dry_run_saves_nothing(client) -> None:
    client.force_login(AdministratorFactory())

    response = client.post(
        reverse(IMPORT_URL),
        {"files": [upload("sectoren.csv", "code,naam\nruimte,Ruimte\n")], "dry_run": "on"},
    )

    assert response.status_code == 200
    assert response.context["report"].sectors.created == 1
    assert Sector.objects.count() == 0


def test_the_admin_page_is_refused_to_a_projectleider(client) -> None:
    client.force_login(LeaderFactory())

    response = client.get(reverse(IMPORT_URL))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_the_admin_page_is_refused_to_staff_without_the_beheerder_role(client) -> None:
    client.force_login(DepartmentHeadFactory(is_staff=True))

    assert client.get(reverse(IMPORT_URL)).status_code == 403
    assert (
        client.post(
            reverse(IMPORT_URL), {"files": [upload("s.csv", "code,naam\nx,X\n")]}
        ).status_code
        == 403
    )
    assert Sector.objects.count() == 0


# --- name uniqueness: every duplicate, in linear work ----------------------------------------


def test_many_rows_sharing_one_name_report_every_duplicate_line() -> None:
    SectorFactory(code="ruimte")
    spellings = ("Dezelfde", "DEZELFDE", "dezelfde")
    rows = "".join(f"d{n},{spellings[n % 3]},ruimte\n" for n in range(1_000))

    report = run(csv_file("afdelingen.csv", "code,naam,sector\n" + rows))

    # The first row names the second code; every other row names the first.
    expected = [
        f"afdelingen.csv, regel {n + 2}, kolom naam: de naam '{spellings[n % 3]}' is al in "
        f"gebruik door afdeling met code '{'d1' if n == 0 else 'd0'}'"
        for n in range(1_000)
    ]
    assert messages_of(report) == expected
    assert Department.objects.count() == 0


def test_a_name_shared_with_the_database_names_the_existing_code_on_every_line() -> None:
    sector = SectorFactory(code="ruimte")
    DepartmentFactory(code="bestaand", name="Dezelfde", sector=sector)
    rows = "".join(f"d{n},dezelfde,ruimte\n" for n in range(3))

    report = run(csv_file("afdelingen.csv", "code,naam,sector\n" + rows))

    assert messages_of(report) == [
        f"afdelingen.csv, regel {line}, kolom naam: de naam 'dezelfde' is al in gebruik door "
        "afdeling met code 'bestaand'"
        for line in (2, 3, 4)
    ]


IMPORTING_PACKAGE = str(Path(organisation_import.__code__.co_filename).parent)


def importing_work(files: list[SourceFile]) -> int:
    """Lines run and jumps taken (loop iterations) inside ``governance/importing`` while
    ``files`` are imported: a count of the import's own Python work, free of timing."""
    monitoring = sys.monitoring
    tool = next(t for t in (3, 4) if monitoring.get_tool(t) is None)
    count = 0

    def step(code, *_args):
        nonlocal count
        if not code.co_filename.startswith(IMPORTING_PACKAGE):
            return monitoring.DISABLE
        count += 1
        return None

    monitoring.use_tool_id(tool, "bb-import-work")
    try:
        monitoring.restart_events()
        for event in (monitoring.events.LINE, monitoring.events.JUMP):
            monitoring.register_callback(tool, event, step)
        monitoring.set_events(tool, monitoring.events.LINE | monitoring.events.JUMP)
        report = organisation_import(files=files)
    finally:
        monitoring.set_events(tool, 0)
        monitoring.free_tool_id(tool)
    assert not report.applied  # every row is an error: only reading and checking ran
    return count


def duplicates(rows: int) -> list[SourceFile]:
    """Sectors, departments and procedures whose names (and codes) all collide."""
    return [
        csv_file("sectoren.csv", "code,naam\n" + "".join(f"s{n},Een\n" for n in range(rows))),
        csv_file(
            "afdelingen.csv",
            "code,naam,sector\n" + "".join(f"d{n},Een,s0\n" for n in range(rows)),
        ),
        csv_file(
            "procedures.csv",
            "afdeling,naam,soort,doorlooptijd_werkdagen\n" + "ro,Een,overig,5\n" * rows,
        ),
        csv_file("kalenders.csv", "naam,orgaan,agendadeadline_werkdagen\n" + "K,raad,5\n" * rows),
    ]


def test_checking_names_takes_work_in_proportion_to_the_rows() -> None:
    DepartmentFactory(code="ro")
    small = importing_work(duplicates(300))
    large = importing_work(duplicates(600))

    # Linear work a + b·n at most doubles when n doubles (today: 126,649 → 252,649);
    # scanning the rows per row (n²) quadruples it (it was 305,439 → 970,239).
    assert large <= 2.1 * small, (small, large)


# --- limits: files, rows and bytes per run ---------------------------------------------------


def sectors_csv(name: str, first: int, count: int) -> SourceFile:
    rows = "".join(f"s{number},Sector {number}\n" for number in range(first, first + count))
    return csv_file(name, "code,naam\n" + rows)


def test_the_default_limits_are_ten_files_50_000_rows_and_10_mb() -> None:
    limits = ImportLimits.from_settings()

    assert (limits.max_files, limits.max_rows) == (10, 50_000)
    assert limits.max_file_bytes == 10 * 1024 * 1024


def test_ten_files_are_imported() -> None:
    report = run(*(sectors_csv(f"sectoren{n}.csv", n, 1) for n in range(10)))

    assert report.ok and report.applied, messages_of(report)
    assert Sector.objects.count() == 10


def test_eleven_files_are_refused_with_one_message_and_nothing_is_imported() -> None:
    report = run(*(sectors_csv(f"sectoren{n}.csv", n, 1) for n in range(11)))

    assert messages_of(report) == [
        "-: te veel bestanden: je kunt hoogstens 10 bestanden tegelijk inlezen en je koos er "
        "11; er is niets ingelezen"
    ]
    assert not report.applied
    assert Sector.objects.count() == 0


def procedures_csv(name: str, first: int, count: int, *, last_kind: str = "overig") -> SourceFile:
    rows = [f"ro,Procedure {n},overig,5\n" for n in range(first, first + count)]
    rows[-1] = rows[-1].replace("overig", last_kind)
    return csv_file(name, "afdeling,naam,soort,doorlooptijd_werkdagen\n" + "".join(rows))


def test_50_000_rows_over_two_files_are_read_and_checked_to_the_last() -> None:
    DepartmentFactory(code="ro")
    first = procedures_csv("a.csv", 0, 20_000)
    # The very last row carries the one mistake, so the report shows it was reached.
    second = procedures_csv("b.csv", 20_000, 30_000, last_kind="tovenarij")

    report = run(first, second)

    assert [(p.file, p.line, p.column) for p in report.errors] == [("b.csv", 30_001, "soort")]
    assert Procedure.objects.count() == 0


def test_50_001_rows_are_refused_with_one_message_and_reading_stops_there() -> None:
    garbage = SourceFile(name="c.csv", content=b"\x81\x8d\x90 not read at all")

    report = run(
        sectors_csv("a.csv", 0, 25_000),
        csv_file("b.csv", "code,naam\n\n" + "".join(f"t{n},Dubbel\n" for n in range(25_001))),
        garbage,
    )

    # Line 25,003 of b.csv (header, a blank line) holds the 50,001st data row; c.csv and
    # the errors that checking would have found (duplicate names) are never reached.
    assert messages_of(report) == [
        "b.csv, regel 25003: te veel regels: je kunt hoogstens 50.000 gegevensregels tegelijk "
        "inlezen (alle bestanden samen, zonder kopregels); verdeel ze over meer keren. "
        "Er is niets ingelezen"
    ]
    assert not report.applied
    assert Sector.objects.count() == 0


def test_a_file_larger_than_the_limit_is_refused(settings) -> None:
    settings.BB_IMPORT_MAX_FILE_MB = 1
    big = csv_file("sectoren.csv", "code,naam\n" + "x" * (1024 * 1024))

    report = run(big, sectors_csv("ander.csv", 0, 1))

    assert messages_of(report) == [
        "sectoren.csv: het bestand is groter dan 1 MB: je kunt per bestand hoogstens 1 MB "
        "inlezen; er is niets ingelezen"
    ]
    assert Sector.objects.count() == 0


def write_sector_files(folder: Path, count: int) -> list[str]:
    names = []
    for number in range(count):
        path = folder / f"sectoren{number}.csv"
        path.write_text(f"code,naam\ns{number},Sector {number}\n", encoding="utf-8")
        names.append(str(path))
    return names


def test_the_command_imports_ten_files(tmp_path: Path) -> None:
    call_command("import_organisation", *write_sector_files(tmp_path, 10), stdout=io.StringIO())

    assert Sector.objects.count() == 10


def test_the_command_refuses_eleven_files(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as raised:
        call_command("import_organisation", *write_sector_files(tmp_path, 11))

    assert raised.value.returncode == 1
    assert str(raised.value) == (
        "Te veel bestanden: je kunt hoogstens 10 bestanden tegelijk inlezen en je koos er 11; "
        "er is niets ingelezen"
    )
    assert Sector.objects.count() == 0


def test_the_command_refuses_a_file_over_the_size_limit_without_reading_it_all(
    tmp_path: Path, settings
) -> None:
    settings.BB_IMPORT_MAX_FILE_MB = 1
    big = tmp_path / "groot.csv"
    big.write_bytes(b"code,naam\n" + b"x" * (3 * 1024 * 1024))
    small = write_sector_files(tmp_path, 1)
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_organisation", str(big), *small, stderr=err)

    assert f"{big}: het bestand is groter dan 1 MB: je kunt per bestand hoogstens 1 MB" in (
        err.getvalue()
    )
    assert Sector.objects.count() == 0


def sector_uploads(count: int) -> list[SimpleUploadedFile]:
    return [upload(f"sectoren{n}.csv", f"code,naam\ns{n},Sector {n}\n") for n in range(count)]


def test_the_admin_page_imports_ten_files(client) -> None:
    client.force_login(AdministratorFactory())

    response = client.post(reverse(IMPORT_URL), {"files": sector_uploads(10)})

    assert response.context["report"].applied
    assert Sector.objects.count() == 10


def test_the_admin_page_states_the_limits(client, settings) -> None:
    settings.BB_IMPORT_MAX_ROWS = 20_000
    client.force_login(AdministratorFactory())

    page = client.get(reverse(IMPORT_URL)).content.decode()

    assert (
        "Per keer hoogstens 10 bestanden van elk hoogstens 10 MB, met samen hoogstens "
        "20.000 regels." in page
    )


def test_the_admin_page_refuses_eleven_files_beside_the_field(client) -> None:
    client.force_login(AdministratorFactory())

    response = client.post(reverse(IMPORT_URL), {"files": sector_uploads(11)})

    assert response.status_code == 200
    assert response.context["report"] is None
    assert response.context["form"].errors["files"] == [
        "Te veel bestanden: je kunt hoogstens 10 bestanden tegelijk inlezen en je koos er 11; "
        "er is niets ingelezen"
    ]
    assert "Te veel bestanden" in response.content.decode()
    assert Sector.objects.count() == 0


def test_the_admin_page_refuses_a_file_over_the_size_limit(client, settings) -> None:
    settings.BB_IMPORT_MAX_FILE_MB = 1
    client.force_login(AdministratorFactory())
    big = upload("groot.csv", "code,naam\n" + "x" * (1024 * 1024))

    response = client.post(reverse(IMPORT_URL), {"files": [big, *sector_uploads(1)]})

    assert response.context["form"].errors["files"] == [
        "groot.csv: het bestand is groter dan 1 MB: je kunt per bestand hoogstens 1 MB "
        "inlezen; er is niets ingelezen"
    ]
    assert Sector.objects.count() == 0


def test_the_admin_page_refuses_too_many_rows_with_one_message(client) -> None:
    client.force_login(AdministratorFactory())
    rows = "".join(f"s{n},Sector {n}\n" for n in range(50_001))

    response = client.post(
        reverse(IMPORT_URL), {"files": [upload("sectoren.csv", "code,naam\n" + rows)]}
    )

    assert [str(problem) for problem in response.context["report"].errors] == [
        "sectoren.csv, regel 50002: te veel regels: je kunt hoogstens 50.000 gegevensregels "
        "tegelijk inlezen (alle bestanden samen, zonder kopregels); verdeel ze over meer "
        "keren. Er is niets ingelezen"
    ]
    assert "Er is niets ingelezen: 1 fout gevonden." in response.content.decode()
    assert Sector.objects.count() == 0


# --- writing: the option lists' cache -------------------------------------------------------


def test_an_import_replaces_the_option_lists_version_once_not_per_row(
    monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:
    from governance import options

    DepartmentFactory(code="ro")
    assert options.procedures() == []  # cached now
    calls = []
    real = options.options_changed
    monkeypatch.setattr(options, "options_changed", lambda: calls.append(1) or real())

    with django_capture_on_commit_callbacks(execute=True):
        report = run(procedures_csv("procedures.csv", 0, 50))

    assert report.applied and report.procedures.created == 50
    assert len(calls) == 2  # once at the end of the writes, once after the commit
    assert len(options.procedures()) == 50  # the cached (empty) list was dropped
