"""The inside of the demo municipality: sectors, departments, procedures, calendars, people.

Also writes the outside parties (stakeholders and contacts) handed to it, so that every
row the projects point to exists before ``projects_write`` runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import batched

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.utils.text import slugify

from demo.clock import Clock, closed_days
from demo.specs import MeetingRef, ProcedureRef, Refs
from demo.writer import BATCH_SIZE
from governance.models import (
    ClosedDay,
    Department,
    Meeting,
    MeetingCalendar,
    Procedure,
    Role,
    Sector,
)
from stakeholders.models import Contact, Stakeholder

DEMO_PASSWORD = "binnenbuiten"  # noqa: S105 - the documented password of the demo accounts
EMAIL_DOMAIN = "binnenbuiten.example"
# Every user the demo creates besides the four demo accounts has a username starting with
# this, so a rebuild deletes exactly the demo's own users.
DEMO_USER_PREFIX = "demo-"

SECTORS: tuple[tuple[str, str], ...] = (
    ("ruimte", "Ruimte"),
    ("sociaal-domein", "Sociaal Domein"),
    ("bedrijfsvoering", "Bedrijfsvoering"),
    ("dienstverlening", "Dienstverlening"),
)

# (code, name, sector code, head: username, first name, last name)
DEPARTMENTS: tuple[tuple[str, str, str, tuple[str, str, str]], ...] = (
    ("ro", "Ruimtelijke Ontwikkeling", "ruimte", ("demo-ah-ro", "Bart", "Verhoeven")),
    ("vm", "Verkeer en Mobiliteit", "ruimte", ("demo-ah-vm", "Esther", "Koster")),
    (
        "vth",
        "Vergunningen, Toezicht en Handhaving",
        "ruimte",
        ("demo-ah-vth", "Ronald", "Brouwer"),
    ),
    ("wonen", "Wonen", "ruimte", ("demo-ah-wonen", "Miriam", "de Graaf")),
    ("openbare-ruimte", "Openbare Ruimte", "ruimte", ("demo-ah-or", "Gert-Jan", "Peters")),
    ("duurzaamheid", "Duurzaamheid en Energie", "ruimte", ("demo-ah-de", "Saskia", "Willems")),
    ("zorg-welzijn", "Zorg en Welzijn", "sociaal-domein", ("demo-ah-zw", "Hanneke", "Bos")),
    ("werk-inkomen", "Werk en Inkomen", "sociaal-domein", ("demo-ah-wi", "Mohamed", "Bouzid")),
    ("jeugd-onderwijs", "Jeugd en Onderwijs", "sociaal-domein", ("demo-ah-jo", "Petra", "Kuipers")),
    (
        "juridische-zaken",
        "Juridische Zaken",
        "bedrijfsvoering",
        ("afdelingshoofd", "Ingrid", "Hoekstra"),
    ),
    ("inkoop", "Inkoop", "bedrijfsvoering", ("demo-ah-inkoop", "Wouter", "van den Berg")),
    ("financien", "Financiën", "bedrijfsvoering", ("demo-ah-fin", "Annelies", "Dekker")),
    (
        "iv-privacy",
        "Informatievoorziening en Privacy",
        "bedrijfsvoering",
        ("demo-ah-ivp", "Rik", "Smeets"),
    ),
    ("vastgoed", "Vastgoed", "bedrijfsvoering", ("demo-ah-vastgoed", "Joost", "Lammers")),
    (
        "bestuursondersteuning",
        "Bestuursondersteuning",
        "bedrijfsvoering",
        ("demo-ah-bo", "Carla", "Meijer"),
    ),
    ("communicatie", "Communicatie", "dienstverlening", ("demo-ah-comm", "Sophie", "Hendriks")),
    ("klantcontact", "Klantcontactcentrum", "dienstverlening", ("demo-ah-kcc", "Erik", "Vos")),
    ("burgerzaken", "Burgerzaken", "dienstverlening", ("demo-ah-bz", "Nadia", "Haddou")),
)

# Added for a large organisation (--projects), each with one advisory procedure of its own.
EXTRA_DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("Economie en Werklocaties", "ruimte"),
    ("Groen en Water", "ruimte"),
    ("Afval en Grondstoffen", "ruimte"),
    ("Grondzaken", "ruimte"),
    ("Erfgoed en Archeologie", "ruimte"),
    ("Klimaatadaptatie", "ruimte"),
    ("Gebiedsregie Noord", "ruimte"),
    ("Gebiedsregie Zuid", "ruimte"),
    ("Omgevingsbeleid", "ruimte"),
    ("Cultuur en Sport", "sociaal-domein"),
    ("Schuldhulpverlening", "sociaal-domein"),
    ("Inburgering", "sociaal-domein"),
    ("Onderwijshuisvesting", "sociaal-domein"),
    ("Participatie en Wijkgericht Werken", "sociaal-domein"),
    ("Maatschappelijke Opvang", "sociaal-domein"),
    ("Personeel en Organisatie", "bedrijfsvoering"),
    ("Facilitaire Zaken", "bedrijfsvoering"),
    ("Belastingen", "bedrijfsvoering"),
    ("Data en Analyse", "bedrijfsvoering"),
    ("Control", "bedrijfsvoering"),
    ("Openbare Orde en Veiligheid", "dienstverlening"),
    ("Digitale Dienstverlening", "dienstverlening"),
)

COLLEGE, COUNCIL = "college", "raad"
K = Procedure.Kind
# (key, department code, name, kind, lead time in working days, calendar, purpose)
PROCEDURES: tuple[tuple[str, str, str, str, int, str | None, str], ...] = (
    (
        "collegebesluit",
        "bestuursondersteuning",
        "Collegebesluit",
        K.COLLEGE_DECISION,
        15,
        COLLEGE,
        "Het college neemt besluiten waarvoor het politiek verantwoordelijk is: zorgvuldig "
        "voorbereid en uit te leggen aan raad en inwoners.",
    ),
    (
        "raadsbesluit",
        "bestuursondersteuning",
        "Raadsvoorstel en raadsbesluit",
        K.COUNCIL_DECISION,
        40,
        COUNCIL,
        "De gemeenteraad stelt kaders en geld vast: democratische controle op keuzes die "
        "alle inwoners raken.",
    ),
    (
        "raadsinformatiebrief",
        "bestuursondersteuning",
        "Raadsinformatiebrief",
        K.OTHER,
        10,
        COLLEGE,
        "De raad actief en op tijd informeren, zodat hij zijn controlerende rol kan waarmaken.",
    ),
    (
        "juridische-toets",
        "juridische-zaken",
        "Juridische toets",
        K.LEGAL_REVIEW,
        10,
        None,
        "Voorkomen dat de gemeente afspraken maakt die juridisch niet houdbaar zijn.",
    ),
    (
        "staatssteuntoets",
        "juridische-zaken",
        "Staatssteuntoets",
        K.LEGAL_REVIEW,
        20,
        None,
        "Voorkomen dat steun aan ondernemingen de markt verstoort en later moet worden "
        "teruggevorderd.",
    ),
    (
        "samenwerkingsovereenkomst",
        "juridische-zaken",
        "Samenwerkingsovereenkomst opstellen",
        K.LEGAL_REVIEW,
        15,
        None,
        "Afspraken met partners zo vastleggen dat iedereen weet wat hij mag verwachten, ook "
        "als het tegenzit.",
    ),
    (
        "europese-aanbesteding",
        "inkoop",
        "Europese aanbesteding",
        K.PROCUREMENT,
        80,
        None,
        "Eerlijke kansen voor marktpartijen en de beste prijs-kwaliteitverhouding voor "
        "gemeenschapsgeld.",
    ),
    (
        "meervoudig-onderhands",
        "inkoop",
        "Meervoudig onderhandse aanbesteding",
        K.PROCUREMENT,
        30,
        None,
        "Ook bij kleinere opdrachten concurrentie en transparantie, zonder de zwaarte van een "
        "Europese procedure.",
    ),
    (
        "begrotingswijziging",
        "financien",
        "Begrotingswijziging",
        K.BUDGET_CHANGE,
        30,
        COUNCIL,
        "Het budgetrecht van de raad respecteren: geld wordt pas uitgegeven als de raad het "
        "beschikbaar stelt.",
    ),
    (
        "subsidieaanvraag",
        "financien",
        "Subsidieaanvraag indienen",
        K.SUBSIDY,
        15,
        None,
        "Externe middelen binnenhalen met een aanvraag die klopt en die de gemeente ook kan "
        "waarmaken.",
    ),
    (
        "subsidieverlening",
        "financien",
        "Subsidieverlening aan partners",
        K.SUBSIDY,
        40,
        None,
        "Gemeenschapsgeld dat we aan anderen geven zorgvuldig, gelijk en controleerbaar besteden.",
    ),
    (
        "dpia",
        "iv-privacy",
        "DPIA (gegevensbeschermingseffectbeoordeling)",
        K.PRIVACY,
        25,
        None,
        "Privacyrisico's voor inwoners vooraf zien en verkleinen, voordat persoonsgegevens "
        "worden gedeeld.",
    ),
    (
        "aansluiting-systemen",
        "iv-privacy",
        "Aansluiting op gemeentelijke systemen",
        K.OTHER,
        30,
        None,
        "Voorkomen dat informatie versnipperd raakt, en zorgen dat systemen veilig blijven.",
    ),
    (
        "omgevingsvergunning",
        "vth",
        "Omgevingsvergunning",
        K.PERMIT,
        40,
        None,
        "Zorgen dat wat gebouwd of gebruikt wordt veilig, gezond en passend is in zijn omgeving.",
    ),
    (
        "evenementenvergunning",
        "vth",
        "Evenementenvergunning",
        K.PERMIT,
        30,
        None,
        "Een evenement veilig laten verlopen voor bezoekers en omwonenden.",
    ),
    (
        "verkeersbesluit",
        "vm",
        "Verkeersbesluit",
        K.OTHER,
        30,
        None,
        "Verkeersmaatregelen zorgvuldig en aanvechtbaar nemen, zodat weggebruikers weten waar "
        "ze aan toe zijn.",
    ),
    (
        "communicatieplan",
        "communicatie",
        "Communicatieplan",
        K.COMMUNICATION,
        10,
        None,
        "Inwoners en partners op tijd en in begrijpelijke taal meenemen in wat er gebeurt.",
    ),
    (
        "persbericht",
        "communicatie",
        "Persbericht en woordvoering",
        K.COMMUNICATION,
        5,
        None,
        "Met één stem naar buiten spreken en het college niet verrassen.",
    ),
    (
        "anterieure-overeenkomst",
        "ro",
        "Anterieure overeenkomst",
        K.OTHER,
        30,
        None,
        "Kosten en risico's van een ontwikkeling eerlijk verdelen tussen ontwikkelaar en "
        "gemeenschap.",
    ),
    (
        "omgevingsplanwijziging",
        "ro",
        "Wijziging omgevingsplan",
        K.OTHER,
        100,
        COUNCIL,
        "De raad bepaalt waar wat mag: rechtszekerheid voor inwoners en ondernemers.",
    ),
    (
        "beheertoets",
        "openbare-ruimte",
        "Beheertoets openbare ruimte",
        K.OTHER,
        15,
        None,
        "Wat we aanleggen moet over twintig jaar nog te onderhouden en te betalen zijn.",
    ),
    (
        "taxatie",
        "vastgoed",
        "Taxatie en vastgoedbesluit",
        K.OTHER,
        25,
        None,
        "Gemeentelijk bezit tegen een eerlijke prijs inzetten, zonder verkapte steun.",
    ),
    (
        "zorgcontractering",
        "zorg-welzijn",
        "Regionale zorgcontractering",
        K.PROCUREMENT,
        60,
        None,
        "Zorg inkopen die past bij wat inwoners nodig hebben, met afspraken die we samen met de "
        "regio kunnen volhouden.",
    ),
)

# (key, name, body, agenda deadline in working days before the meeting)
CALENDARS: tuple[tuple[str, str, str, int], ...] = (
    (COLLEGE, "College van B&W", MeetingCalendar.Body.COLLEGE, 10),
    (COUNCIL, "Gemeenteraad", MeetingCalendar.Body.COUNCIL, 30),
)


@dataclass(frozen=True, slots=True)
class Person:
    username: str
    first_name: str
    last_name: str
    role: str
    email: str = ""
    is_staff: bool = False


# The Beheerder is staff with the Beheerder group, not a superuser: the demo then shows the
# admin exactly as a functional administrator of a municipality would get it.
DEMO_ACCOUNTS: tuple[Person, ...] = (
    Person(
        "projectleider",
        "Lotte",
        "Vermeulen",
        Role.PROJECT_LEADER,
        email=f"projectleider@{EMAIL_DOMAIN}",
    ),
    Person(
        "bureauhoofd", "Marco", "Bakker", Role.COMMISSIONER, email=f"bureauhoofd@{EMAIL_DOMAIN}"
    ),
    Person(
        "afdelingshoofd",
        "Ingrid",
        "Hoekstra",
        Role.DEPARTMENT_HEAD,
        email=f"afdelingshoofd@{EMAIL_DOMAIN}",
    ),
    Person(
        "beheerder",
        "Kees",
        "van Dijk",
        Role.ADMINISTRATOR,
        email=f"beheerder@{EMAIL_DOMAIN}",
        is_staff=True,
    ),
)
SHOWCASE_PEOPLE: tuple[Person, ...] = (
    Person("demo-pl-daan.devries", "Daan", "de Vries", Role.PROJECT_LEADER),
    Person("demo-bh-aylin.yilmaz", "Aylin", "Yılmaz", Role.COMMISSIONER),
)


@dataclass(frozen=True, slots=True)
class ContactEntry:
    name: str
    role: str
    email: str
    phone: str = ""


@dataclass(frozen=True, slots=True)
class StakeholderEntry:
    name: str
    kind: str
    created_at: dt.datetime
    description: str = ""
    website: str = ""
    contacts: tuple[ContactEntry, ...] = field(default_factory=tuple)


def extra_head_username(department_name: str) -> str:
    return f"{DEMO_USER_PREFIX}ah-{slugify(department_name)}"


def person_email(first_name: str, last_name: str) -> str:
    return f"{slugify(first_name[0])}.{slugify(last_name).replace('-', '')}@{EMAIL_DOMAIN}"


def organisation_write(
    *,
    clock: Clock,
    extra_departments: int,
    generated_people: Iterable[Person],
    stakeholders: Iterable[StakeholderEntry],
) -> Refs:
    """Write the inside of the organisation and the outside parties; return their keys."""
    refs = Refs()
    joined = clock.at(clock.day(-5 * 365))
    _write_people(
        people=[
            *DEMO_ACCOUNTS,
            *SHOWCASE_PEOPLE,
            *(
                Person(username, first, last, Role.DEPARTMENT_HEAD)
                for _, _, _, (username, first, last) in DEPARTMENTS
                if username not in {p.username for p in DEMO_ACCOUNTS}
            ),
            *generated_people,
        ],
        joined=joined,
        refs=refs,
    )

    sectors = {code: Sector(code=code, name=name) for code, name in SECTORS}
    Sector.objects.bulk_create(sectors.values())

    department_rows = [
        (code, name, sector, head) for code, name, sector, (head, _, _) in DEPARTMENTS
    ]
    extra = EXTRA_DEPARTMENTS[:extra_departments]
    department_rows += [
        (slugify(name), name, sector, extra_head_username(name)) for name, sector in extra
    ]
    departments = [
        Department(code=code, name=name, sector_id=sectors[sector].pk, head_id=refs.users[head])
        for code, name, sector, head in department_rows
    ]
    Department.objects.bulk_create(departments)
    for department, (code, name, _, head) in zip(departments, department_rows, strict=True):
        refs.departments[code] = department.pk
        refs.department_names[code] = name
        refs.department_heads[code] = head

    calendars = {
        key: MeetingCalendar(name=name, body=body, agenda_deadline_days=deadline)
        for key, name, body, deadline in CALENDARS
    }
    MeetingCalendar.objects.bulk_create(calendars.values())
    meetings = [
        (
            key,
            Meeting(
                calendar_id=calendar.pk,
                date=day,
                agenda_deadline=clock.calendar.subtract_working_days(
                    day, calendar.agenda_deadline_days
                ),
            ),
        )
        for key, calendar in calendars.items()
        for day in meeting_days(key=key, clock=clock)
    ]
    Meeting.objects.bulk_create([meeting for _, meeting in meetings])
    for key, meeting in meetings:
        refs.meetings.setdefault(key, []).append(
            MeetingRef(meeting.pk, meeting.date, meeting.agenda_deadline)
        )
    ClosedDay.objects.bulk_create(
        [ClosedDay(date=day, reason=reason) for day, reason in closed_days(today=clock.today)]
    )

    procedure_rows = [*PROCEDURES]
    procedure_rows += [
        (
            f"advies-{slugify(name)}",
            slugify(name),
            f"Advies {name}",
            K.OTHER,
            5 + 5 * (index % 4),
            None,
            f"De kennis van {name} op tijd meenemen, zodat een project niet later vastloopt op "
            "wat de afdeling had zien aankomen.",
        )
        for index, (name, _) in enumerate(extra)
    ]
    procedures = [
        Procedure(
            department_id=refs.departments[department],
            name=name,
            kind=kind,
            lead_time_days=lead,
            meeting_calendar_id=calendars[calendar].pk if calendar else None,
            purpose=purpose,
        )
        for _, department, name, kind, lead, calendar, purpose in procedure_rows
    ]
    Procedure.objects.bulk_create(procedures)
    for procedure, (key, department, name, _, lead, calendar, _) in zip(
        procedures, procedure_rows, strict=True
    ):
        refs.procedures[key] = ProcedureRef(procedure.pk, name, department, lead, calendar)

    _write_stakeholders(entries=stakeholders, refs=refs)
    return refs


def meeting_days(*, key: str, clock: Clock) -> list[dt.date]:
    """Meeting days from about six months back to a year ahead, without recesses.

    The college meets on Tuesdays, except in the summer recess (mid-July to mid-August) and
    between Christmas and New Year; the council on the third Thursday of the month, except
    in July and August.
    """
    first = (clock.today - dt.timedelta(days=183)).replace(day=1)
    last = clock.today + dt.timedelta(days=366)
    days: list[dt.date] = []
    if key == COLLEGE:
        day = first + dt.timedelta(days=(1 - first.weekday()) % 7)
        while day <= last:
            summer = dt.date(day.year, 7, 10) <= day <= dt.date(day.year, 8, 14)
            christmas = (day.month, day.day) >= (12, 22) or (day.month, day.day) <= (1, 5)
            if not summer and not christmas and clock.calendar.is_working_day(day):
                days.append(day)
            day += dt.timedelta(days=7)
        return days
    month = first
    while month <= last:
        if month.month not in (7, 8):
            day = month + dt.timedelta(days=(3 - month.weekday()) % 7 + 14)
            while not clock.calendar.is_working_day(day):
                day += dt.timedelta(days=7)
            days.append(day)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return days


def _write_people(*, people: list[Person], joined: dt.datetime, refs: Refs) -> None:
    # Hashing once keeps thousands of demo users fast; salts are then shared, which is fine
    # for accounts whose password is published anyway.
    password = make_password(DEMO_PASSWORD)
    emails: dict[str, int] = {}
    users = []
    for p in people:
        email = p.email or person_email(p.first_name, p.last_name)
        # Namesakes get a number, as mail servers of real organisations do.
        emails[email] = seen = emails.get(email, 0) + 1
        if seen > 1:
            mailbox, domain = email.split("@")
            email = f"{mailbox}{seen}@{domain}"
        users.append(
            User(
                username=p.username,
                first_name=p.first_name,
                last_name=p.last_name,
                email=email,
                is_staff=p.is_staff,
                password=password,
                date_joined=joined,
            )
        )
    User.objects.bulk_create(users, batch_size=BATCH_SIZE)
    groups = dict(Group.objects.filter(name__in=Role.values).values_list("name", "pk"))
    Membership = User.groups.through
    Membership.objects.bulk_create(
        [
            Membership(user_id=user.pk, group_id=groups[p.role])
            for user, p in zip(users, people, strict=True)
        ],
        batch_size=BATCH_SIZE,
    )
    for user, p in zip(users, people, strict=True):
        refs.users[p.username] = user.pk
        if p.role == Role.PROJECT_LEADER:
            refs.leaders.append(p.username)
        elif p.role == Role.COMMISSIONER:
            refs.commissioners.append(p.username)


def _write_stakeholders(*, entries: Iterable[StakeholderEntry], refs: Refs) -> None:
    for chunk in batched(entries, BATCH_SIZE):
        stakeholders = [
            Stakeholder(
                name=e.name,
                kind=e.kind,
                description=e.description,
                website=e.website,
                created_at=e.created_at,
                updated_at=e.created_at,
            )
            for e in chunk
        ]
        Stakeholder.objects.bulk_create(stakeholders)
        Contact.objects.bulk_create(
            [
                Contact(
                    stakeholder_id=stakeholder.pk,
                    name=c.name,
                    role=c.role,
                    email=c.email,
                    phone=c.phone,
                    created_at=e.created_at,
                )
                for stakeholder, e in zip(stakeholders, chunk, strict=True)
                for c in e.contacts
            ],
            batch_size=BATCH_SIZE,
        )
        for stakeholder, e in zip(stakeholders, chunk, strict=True):
            refs.stakeholders[e.name] = stakeholder.pk
