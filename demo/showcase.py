"""The showcase: eight hand-written projects of a fictitious Dutch municipality.

Every organisation, person and e-mail address here is invented (``.example`` domains).
Dates are relative to today; automatic flags are not written here but computed from the
steps (``demo.flags``), the way the friction engine would raise them.
"""

from __future__ import annotations

import datetime as dt

from demo.clock import Clock
from demo.flags import resolved_flag
from demo.organisation import ContactEntry, StakeholderEntry
from demo.specs import (
    FrictionSpec,
    MilestoneSpec,
    ProjectSpec,
    Refs,
    StepSpec,
    UpdateSpec,
)
from projects.models import (
    DepartmentInvolvement,
    FrictionPoint,
    FrictionUpdate,
    Milestone,
    ProcedureStep,
    Project,
    StakeholderInvolvement,
)
from stakeholders.models import Stakeholder

LEADER, COMMISSIONER, HEAD = "projectleider", "bureauhoofd", "afdelingshoofd"
OTHER_LEADER, OTHER_COMMISSIONER = "demo-pl-daan.devries", "demo-bh-aylin.yilmaz"

WH_ENERGY = "Wethouder Noor Aksoy (Duurzaamheid en Wonen)"
WH_MOBILITY = "Wethouder Pieter Claassen (Mobiliteit en Economie)"
WH_SOCIAL = "Wethouder Anouk Smits (Zorg, Jeugd en Werk)"
WH_FINANCE = "Wethouder Ruud van Leeuwen (Financiën en Vastgoed)"
PORTFOLIO_HOLDERS = (WH_ENERGY, WH_MOBILITY, WH_SOCIAL, WH_FINANCE)

DI = DepartmentInvolvement.Role
SI = StakeholderInvolvement.Role
MK = Milestone.Kind
SS = ProcedureStep.Status
Cat = FrictionPoint.Category
Sev = FrictionPoint.Severity
St = FrictionPoint.Status
Sup = FrictionPoint.Support
App = FrictionPoint.Approach
UK = FrictionUpdate.Kind
SK = Stakeholder.Kind

# (name, kind, description, website domain, contacts: (name, role, mailbox))
_STAKEHOLDERS: tuple[tuple[str, str, str, str, tuple[tuple[str, str, str], ...]], ...] = (
    (
        "Energiecoöperatie Noorderzon",
        SK.CITIZEN_INITIATIVE,
        "Coöperatie van 420 bewoners uit Noord die samen zonnedaken exploiteren.",
        "noorderzon.example",
        (
            ("Henk Smulders", "Voorzitter", "henk.smulders"),
            ("Yara Gerritsen", "Projectcoördinator zonnedaken", "yara.gerritsen"),
        ),
    ),
    (
        "Woonstichting De Linde",
        SK.HOUSING,
        "Woningcorporatie met 6.000 huurwoningen in de gemeente.",
        "delinde.example",
        (
            ("Marloes van Rijn", "Manager vastgoed", "m.vanrijn"),
            ("Tom Aarts", "Projectleider verduurzaming", "t.aarts"),
        ),
    ),
    (
        "Netbeheerder Delta Net",
        SK.COMPANY,
        "Regionale netbeheerder voor stroom en gas.",
        "deltanet.example",
        (("Frank Schouten", "Accountmanager gemeenten", "frank.schouten"),),
    ),
    (
        "Provincie Maasland",
        SK.GOVERNMENT,
        "De provincie: subsidies voor energie en mobiliteit, concessie voor het openbaar vervoer.",
        "maasland-provincie.example",
        (
            ("Els Timmermans", "Programmamanager energietransitie", "e.timmermans"),
            ("Jeroen Vink", "Subsidieadviseur", "j.vink"),
        ),
    ),
    (
        "Vereniging Buurtbus Oostflank",
        SK.CITIZEN_INITIATIVE,
        "Vrijwilligers die een buurtbus willen rijden tussen de Oostflank en het centrum.",
        "buurtbusoostflank.example",
        (
            ("Gerard Wouters", "Voorzitter", "gerard"),
            ("Ria van Beek", "Planner vrijwilligers", "ria"),
        ),
    ),
    (
        "Streekvervoer Oost",
        SK.COMPANY,
        "Vervoerder met de busconcessie in de regio.",
        "streekvervoeroost.example",
        (("Martin Jacobs", "Concessiemanager", "martin.jacobs"),),
    ),
    (
        "Ondernemersvereniging Stationskwartier",
        SK.CIVIL_SOCIETY,
        "Vijfenveertig winkeliers, horeca en dienstverleners rond het Stationsplein.",
        "stationskwartier.example",
        (
            ("Sandra Pauwels", "Voorzitter", "voorzitter"),
            ("Kemal Arslan", "Bestuurslid, eigenaar lunchroom", "kemal"),
        ),
    ),
    (
        "Bewonersplatform Spoorzone",
        SK.CITIZEN_INITIATIVE,
        "Bewoners van de straten langs het spoor.",
        "spoorzone.example",
        (("Wim Hofman", "Secretaris", "secretaris"),),
    ),
    (
        "Bouwcombinatie Stationsplein",
        SK.COMPANY,
        "Aannemerscombinatie voor de herinrichting van het plein.",
        "bouwcombinatie.example",
        (("Laura Maas", "Uitvoerder", "l.maas"),),
    ),
    (
        "Stichting Voedselbos De Kempen",
        SK.CITIZEN_INITIATIVE,
        "Buurtbewoners die een voedselbos willen aanleggen aan de rand van De Kempen.",
        "voedselbosdekempen.example",
        (
            ("Femke Rutten", "Initiatiefnemer", "femke"),
            ("Jan-Willem Kok", "Penningmeester", "penningmeester"),
        ),
    ),
    (
        "Waterschap Kempenland",
        SK.GOVERNMENT,
        "Het waterschap: waterpeil, bodem en beekdalen.",
        "kempenland-waterschap.example",
        (("Ilse Sanders", "Beleidsadviseur water en bodem", "i.sanders"),),
    ),
    (
        "Maatschap Van den Heuvel",
        SK.COMPANY,
        "Akkerbouwbedrijf dat de gemeentegrond nu pacht.",
        "vandenheuvel-akkerbouw.example",
        (("Piet van den Heuvel", "Agrariër", "piet"),),
    ),
    (
        "Hogeschool Groene Delta",
        SK.KNOWLEDGE,
        "Hogeschool met een lectoraat voedselsystemen.",
        "groenedelta.example",
        (("Karin Verbeek", "Lector voedselsystemen", "k.verbeek"),),
    ),
    (
        "Zorggroep Rivierenland",
        SK.CIVIL_SOCIETY,
        "Wijkverpleging en thuiszorg in de regio.",
        "zorggroeprivierenland.example",
        (("Monique Claes", "Regiomanager wijkverpleging", "m.claes"),),
    ),
    (
        "Stichting Welzijn Oost",
        SK.CIVIL_SOCIETY,
        "Opbouwwerk, mantelzorgondersteuning en buurthuizen.",
        "welzijnoost.example",
        (("Ahmed El Idrissi", "Teamleider opbouwwerk", "a.elidrissi"),),
    ),
    (
        "Huisartsencoöperatie Oostflank",
        SK.CIVIL_SOCIETY,
        "Samenwerkende huisartsenpraktijken in de Oostflank.",
        "huisartsenoostflank.example",
        (("Bas Geerts", "Huisarts en bestuurder", "b.geerts"),),
    ),
    (
        "Stadswarmte Binnenstad BV",
        SK.COMPANY,
        "Warmtebedrijf dat een warmtenet in de binnenstad wil aanleggen.",
        "stadswarmte.example",
        (
            ("Richard Veenstra", "Directeur ontwikkeling", "r.veenstra"),
            ("Olga Nowak", "Jurist", "o.nowak"),
        ),
    ),
    (
        "VvE-netwerk Binnenstad",
        SK.CITIZEN_INITIATIVE,
        "Netwerk van verenigingen van eigenaren in de binnenstad.",
        "vve-binnenstad.example",
        (("Hans Brink", "Coördinator", "coordinator"),),
    ),
    (
        "Stichting Jongerenwerk Havenkwartier",
        SK.CIVIL_SOCIETY,
        "Jongerenwerk in het Havenkwartier.",
        "jongerenwerkhaven.example",
        (("Dewi Pinas", "Jongerenwerker", "dewi"),),
    ),
    (
        "Technisch College Maasland",
        SK.KNOWLEDGE,
        "Mbo-school voor techniek.",
        "technischcollege.example",
        (("Arjen Bosman", "Teamleider techniek", "a.bosman"),),
    ),
    (
        "Metaalbedrijf Havens & Zonen",
        SK.COMPANY,
        "Familiebedrijf in metaalbewerking in de haven.",
        "havensenzonen.example",
        (("Gerrit Havens", "Eigenaar", "gerrit"),),
    ),
    (
        "Werkgeversservicepunt Regio Maasland",
        SK.GOVERNMENT,
        "Samenwerking van gemeenten en UWV voor werkgevers in de regio.",
        "wsp-maasland.example",
        (("Linda Franken", "Accountmanager", "l.franken"),),
    ),
    (
        "Bouwbedrijf Circulair Oost",
        SK.COMPANY,
        "Bouwbedrijf dat bouwt met hergebruikte materialen.",
        "circulairoost.example",
        (("Stefan Wijnen", "Directeur", "stefan"),),
    ),
    (
        "Sloopbedrijf Tweede Leven",
        SK.COMPANY,
        "Sloopbedrijf dat materialen oogst voor hergebruik.",
        "tweedeleven.example",
        (("Ton Reijnders", "Eigenaar", "ton"),),
    ),
)


def showcase_stakeholders(*, clock: Clock) -> list[StakeholderEntry]:
    return [
        StakeholderEntry(
            name=name,
            kind=kind,
            description=description,
            website=f"https://www.{domain}/",
            created_at=clock.ago(400 - 7 * index),
            contacts=tuple(
                ContactEntry(name=person, role=role, email=f"{mailbox}@{domain}")
                for person, role, mailbox in contacts
            ),
        )
        for index, (name, kind, description, domain, contacts) in enumerate(_STAKEHOLDERS)
    ]


def _step(procedure: str, status: str = SS.TO_START, done_on: dt.date | None = None) -> StepSpec:
    return StepSpec(procedure=procedure, status=status, done_on=done_on)


def _closed(
    c: Clock, author: str, days_ago: int, approach: str, lesson: str, minute: int = 600
) -> tuple[UpdateSpec, dict]:
    """The closing timeline entry and the fields of a closed point, as the service writes them."""
    at = c.ago(days_ago, minute)
    text = f"Aanpak: {FrictionPoint.Approach(approach).label}\nGeleerde les: {lesson}"
    update = UpdateSpec(
        at=at, text=text, author=author, kind=UK.STATUS, old_status=St.OPEN, new_status=St.CLOSED
    )
    return update, {
        "status": St.CLOSED,
        "approach": approach,
        "lesson_learned": lesson,
        "closed_at": at,
    }


def _in_progress(c: Clock, author: str, days_ago: int, minute: int) -> UpdateSpec:
    return UpdateSpec(
        at=c.ago(days_ago, minute),
        text="",
        author=author,
        kind=UK.STATUS,
        old_status=St.OPEN,
        new_status=St.IN_PROGRESS,
    )


def _answer(c: Clock, author: str, days_ago: int, minute: int, text: str) -> UpdateSpec:
    return UpdateSpec(at=c.ago(days_ago, minute), text=text, author=author, kind=UK.SUPPORT_ANSWER)


def _comment(c: Clock, author: str, days_ago: int, minute: int, text: str) -> UpdateSpec:
    return UpdateSpec(at=c.ago(days_ago, minute), text=text, author=author)


def showcase_projects(*, clock: Clock, refs: Refs) -> list[ProjectSpec]:
    return [
        _zonnedak(clock),
        _buurtbus(clock),
        _stationsplein(clock),
        _voedselbos(clock),
        _wijkteam(clock, refs),
        _warmtenet(clock),
        _jongerenwerkplaats(clock),
        _bouwhub(clock),
    ]


def _zonnedak(c: Clock) -> ProjectSpec:
    closing, closed = _closed(
        c,
        LEADER,
        41,
        App.ORGANISE_DIFFERENTLY,
        "Vergunning en netaansluiting tegelijk aanvragen scheelt acht weken. Vergunningen "
        "stuurt de netbeheerder bij zonnedaken voortaan meteen een kopie van de aanvraag.",
    )
    return ProjectSpec(
        title="Energiecoöperatie Zonnedak Noord",
        purpose=(
            "Samen met bewoners en de woonstichting zonnepanelen op de daken in Noord leggen, "
            "zodat ook huurders meedoen aan de energietransitie en de opbrengst in de wijk "
            "blijft."
        ),
        description=(
            "De energiecoöperatie legt 1.800 panelen op twaalf flatdaken van Woonstichting De "
            "Linde; huurders worden voor een klein bedrag lid. De gemeente verhuurt twee daken "
            "van eigen gebouwen en helpt met de provinciale subsidie."
        ),
        status=Project.Status.EXECUTION,
        leader=LEADER,
        commissioner=COMMISSIONER,
        portfolio_holder=WH_ENERGY,
        created_at=c.ago(160),
        departments=[
            ("duurzaamheid", DI.LEAD),
            ("juridische-zaken", DI.ADVISORY),
            ("vth", DI.CONTRIBUTING),
            ("financien", DI.ADVISORY),
        ],
        stakeholders=[
            ("Energiecoöperatie Noorderzon", SI.PARTNER, 4, 5),
            ("Woonstichting De Linde", SI.PARTNER, 4, 4),
            ("Netbeheerder Delta Net", SI.AFFECTED, 5, 2),
            ("Provincie Maasland", SI.FINANCIER, 4, 3),
        ],
        milestones=[
            MilestoneSpec(
                title="Subsidiedeadline provinciale regeling coöperatieve zonnedaken",
                kind=MK.SUBSIDY_DEADLINE,
                date=c.day(18),
                created_at=c.ago(150),
                description="De aanvraag moet vergezeld gaan van een besluit van het college.",
                steps=[_step("subsidieaanvraag", SS.IN_PROGRESS), _step("collegebesluit")],
            ),
            MilestoneSpec(
                title="Ondertekening dakhuurovereenkomst met De Linde",
                kind=MK.SIGNING,
                date=c.day(45),
                created_at=c.ago(150, 5),
                steps=[
                    _step("juridische-toets", SS.DONE, c.day(-9)),
                    _step("collegebesluit"),
                ],
            ),
            MilestoneSpec(
                title="Start montage zonnepanelen",
                kind=MK.WORKS_START,
                date=c.day(110),
                created_at=c.ago(150, 10),
                steps=[
                    _step("omgevingsvergunning"),
                    _step("communicatieplan", SS.DONE, c.day(-20)),
                ],
            ),
        ],
        frictions=[
            FrictionSpec(
                title="Standaard huurcontract voor daken past niet bij een coöperatie",
                description=(
                    "Juridische Zaken toetst de dakhuur aan het standaardcontract voor "
                    "commerciële huurders, met borgstelling en boeteclausules. De coöperatie "
                    "kan die borg niet opbrengen."
                ),
                created_at=c.ago(12, 30),
                author=LEADER,
                departments=("juridische-zaken", "vastgoed"),
                category=Cat.PROCEDURE,
                severity=Sev.HIGH,
                status=St.IN_PROGRESS,
                procedure="juridische-toets",
                milestone=1,
                purpose_question=(
                    "De juridische toets moet voorkomen dat de gemeente risico loopt met haar "
                    "daken. Maar een coöperatie van bewoners is geen commerciële huurder: welk "
                    "risico willen we eigenlijk afdekken?"
                ),
                support_asked=Sup.KNOWLEDGE,
                support_requested_at=c.ago(11, 60),
                support_answered_at=c.ago(9, 120),
                updates=[
                    _comment(
                        c,
                        HEAD,
                        10,
                        90,
                        "We kijken of het modelcontract voor energiecoöperaties hier past. Ik "
                        "plan een gesprek met Yara van Noorderzon.",
                    ),
                    _answer(
                        c,
                        COMMISSIONER,
                        9,
                        120,
                        "Ingrid en ik hebben afgesproken dat Juridische Zaken een eigen model "
                        "voor energiecoöperaties maakt. Tot die tijd mag je het concept van "
                        "Noorderzon als basis gebruiken.",
                    ),
                    _in_progress(c, LEADER, 9, 150),
                ],
            ),
            FrictionSpec(
                title="Provincie vraagt cofinanciering die niet in de begroting staat",
                description=(
                    "De provinciale regeling vraagt 20 procent cofinanciering of een "
                    "garantstelling van de gemeente. De begroting voor dit jaar is al "
                    "vastgesteld."
                ),
                created_at=c.ago(5, 15),
                author=LEADER,
                departments=("financien",),
                category=Cat.BUDGET,
                severity=Sev.HIGH,
                milestone=0,
                purpose_question=(
                    "Het budgetrecht van de raad is er om de raad te laten kiezen. Is een "
                    "garantstelling die pas geld kost als het misgaat een nieuwe keuze, of "
                    "past die binnen het klimaatbudget dat de raad al gaf?"
                ),
                support_asked=Sup.BOARD_ROUTE,
                support_requested_at=c.ago(4, 20),
            ),
            FrictionSpec(
                title="Netbeheerder plant de aansluiting pas na de vergunning",
                description=(
                    "Delta Net neemt een aanvraag voor netaansluiting pas in behandeling als "
                    "de omgevingsvergunning er is. Dat kost acht weken extra."
                ),
                created_at=c.ago(70, 45),
                author=LEADER,
                departments=("vth",),
                category=Cat.AGENDA,
                severity=Sev.MEDIUM,
                updates=[
                    _comment(
                        c,
                        "demo-ah-vth",
                        66,
                        100,
                        "Wij kunnen de netbeheerder een kopie van de ontvankelijke aanvraag "
                        "sturen; dan kan hij alvast plannen.",
                    ),
                    closing,
                ],
                **closed,
            ),
        ],
    )


def _buurtbus(c: Clock) -> ProjectSpec:
    closing, closed = _closed(
        c,
        LEADER,
        30,
        App.UNORTHODOX,
        "Het busje blijft van de vervoerder en gaat in bruikleen naar de vereniging; dan valt "
        "er niets aan te besteden. Inkoop schoof aan bij het eerste gesprek met de vervoerder "
        "in plaats van achteraf te toetsen.",
    )
    return ProjectSpec(
        title="Buurtbus Oostflank",
        purpose=(
            "Bewoners van de Oostflank zonder auto of goede busverbinding weer zelfstandig naar "
            "de huisarts, de supermarkt en familie laten reizen, gereden door vrijwilligers "
            "uit de buurt."
        ),
        description=(
            "De buslijn door de Oostflank is in de nieuwe concessie vervallen. Een vereniging "
            "van vrijwilligers wil met een elektrisch busje een vaste dienstregeling rijden; "
            "de vervoerder levert het voertuig en de provincie draagt bij aan de exploitatie."
        ),
        status=Project.Status.EXPLORATION,
        leader=LEADER,
        commissioner=COMMISSIONER,
        portfolio_holder=WH_MOBILITY,
        created_at=c.ago(75),
        departments=[
            ("vm", DI.LEAD),
            ("zorg-welzijn", DI.CONTRIBUTING),
            ("inkoop", DI.ADVISORY),
            ("iv-privacy", DI.ADVISORY),
        ],
        stakeholders=[
            ("Vereniging Buurtbus Oostflank", SI.PARTNER, 3, 5),
            ("Streekvervoer Oost", SI.PARTNER, 4, 3),
            ("Provincie Maasland", SI.AUTHORITY, 5, 3),
        ],
        milestones=[
            MilestoneSpec(
                title="Proefrit met vrijwilligers en bewoners",
                kind=MK.PUBLIC_MOMENT,
                date=c.day(30),
                created_at=c.ago(60),
                steps=[_step("communicatieplan", SS.IN_PROGRESS), _step("verkeersbesluit")],
            ),
            MilestoneSpec(
                title="Aanvraag exploitatiebijdrage bij de provincie",
                kind=MK.SUBSIDY_DEADLINE,
                date=c.day(55),
                created_at=c.ago(60, 5),
                steps=[_step("dpia"), _step("collegebesluit")],
            ),
        ],
        frictions=[
            FrictionSpec(
                title="Ritregistratie van vrijwilligers vraagt een DPIA van 25 werkdagen",
                description=(
                    "De vereniging wil in een gedeelde spreadsheet bijhouden wie wanneer "
                    "meerijdt, voor de verzekering en de subsidieverantwoording. Privacy eist "
                    "eerst een volledige DPIA."
                ),
                created_at=c.ago(16, 20),
                author=LEADER,
                departments=("iv-privacy",),
                category=Cat.INFORMATION,
                severity=Sev.HIGH,
                procedure="dpia",
                milestone=1,
                purpose_question=(
                    "De DPIA is er om privacyrisico's voor inwoners te verkleinen. De "
                    "vereniging registreert alleen voornaam en halte: vraagt dat om hetzelfde "
                    "zware traject als een zorgsysteem?"
                ),
                support_asked=Sup.KNOWLEDGE,
                support_requested_at=c.ago(14, 40),
                updates=[
                    _comment(
                        c,
                        "demo-ah-ivp",
                        13,
                        60,
                        "Misschien volstaat een quickscan. Ik moet het nog afstemmen met de "
                        "privacy officer.",
                    ),
                ],
            ),
            FrictionSpec(
                title="Haltes vragen een verkeersbesluit; de publicatie valt na de proefrit",
                description=(
                    "Voor vaste haltes is een verkeersbesluit nodig met zes weken "
                    "bezwaartermijn. De vrijwilligers willen over een maand al een proefrit."
                ),
                created_at=c.ago(6, 90),
                author=LEADER,
                departments=("vm",),
                category=Cat.AGENDA,
                severity=Sev.MEDIUM,
                procedure="verkeersbesluit",
                milestone=0,
                updates=[
                    _comment(
                        c,
                        "demo-ah-vm",
                        5,
                        120,
                        "Voor de proefrit kunnen we met een tijdelijke verkeersmaatregel "
                        "werken. Voor de vaste haltes blijft het besluit nodig.",
                    )
                ],
            ),
            FrictionSpec(
                title="Inkoop wilde het busje aanbesteden",
                description=(
                    "Omdat de gemeente bijdraagt aan de exploitatie, vond Inkoop dat het "
                    "voertuig moest worden aanbesteed."
                ),
                created_at=c.ago(48, 30),
                author=LEADER,
                departments=("inkoop",),
                category=Cat.PROCEDURE,
                severity=Sev.MEDIUM,
                updates=[
                    _comment(
                        c,
                        "demo-ah-inkoop",
                        40,
                        60,
                        "Als het busje eigendom blijft van de vervoerder en in bruikleen gaat, "
                        "kopen wij niets in. Laten we samen met de vervoerder om tafel gaan.",
                    ),
                    closing,
                ],
                **closed,
            ),
        ],
    )


def _stationsplein(c: Clock) -> ProjectSpec:
    closing_pause, closed_pause = _closed(
        c,
        LEADER,
        70,
        App.UNORTHODOX,
        "Ondernemers bepalen de fasering mee: het bestek heeft nu een bouwpauze van half "
        "november tot half januari. Inkoop neemt zo'n omzetvenster voortaan standaard op bij "
        "werk in winkelgebieden.",
    )
    closing_comm, closed_comm = _closed(
        c,
        LEADER,
        44,
        App.KEEP,
        "Eén afzender en één woordvoerder bleek juist prettig voor de ondernemers: geen "
        "verwarring over wie wat zegt. We houden het zo, met de ondernemersvereniging als "
        "medeafzender van de nieuwsbrief.",
    )
    return ProjectSpec(
        title="Herinrichting Stationsplein met ondernemers",
        purpose=(
            "Van het Stationsplein weer een plek maken waar mensen graag verblijven en "
            "ondernemers kunnen bloeien, ontworpen samen met wie er werkt en woont."
        ),
        description=(
            "Ondernemers en bewoners ontwierpen in vier ateliers een autoluw plein met groen, "
            "terrassen en ruimte voor fietsen. De gemeente betaalt de herinrichting; "
            "ondernemers dragen bij via een ondernemersfonds en denken mee over de fasering "
            "rond hun drukke periodes."
        ),
        status=Project.Status.EXECUTION,
        leader=LEADER,
        commissioner=COMMISSIONER,
        portfolio_holder=WH_MOBILITY,
        created_at=c.ago(300),
        departments=[
            ("ro", DI.LEAD),
            ("vm", DI.CONTRIBUTING),
            ("openbare-ruimte", DI.CONTRIBUTING),
            ("inkoop", DI.ADVISORY),
            ("communicatie", DI.CONTRIBUTING),
        ],
        stakeholders=[
            ("Ondernemersvereniging Stationskwartier", SI.PARTNER, 4, 5),
            ("Bewonersplatform Spoorzone", SI.AFFECTED, 2, 5),
            ("Bouwcombinatie Stationsplein", SI.CONTRACTOR, 3, 3),
        ],
        milestones=[
            MilestoneSpec(
                title="Ondertekening intentieovereenkomst met ondernemers",
                kind=MK.SIGNING,
                date=c.day(-60),
                created_at=c.ago(280),
                steps=[
                    _step("samenwerkingsovereenkomst", SS.DONE, c.day(-66)),
                    _step("collegebesluit", SS.DONE, c.day(-63)),
                ],
            ),
            MilestoneSpec(
                title="Start werkzaamheden fase 1 (noordzijde)",
                kind=MK.WORKS_START,
                date=c.day(75),
                created_at=c.ago(280, 5),
                steps=[
                    _step("europese-aanbesteding", SS.IN_PROGRESS),
                    _step("verkeersbesluit"),
                    _step("communicatieplan", SS.DONE, c.day(-15)),
                ],
            ),
            MilestoneSpec(
                title="Feestelijke opening met de ondernemers",
                kind=MK.PUBLIC_MOMENT,
                date=c.day(260),
                created_at=c.ago(280, 10),
                steps=[_step("evenementenvergunning")],
            ),
        ],
        frictions=[
            FrictionSpec(
                title="Ondernemers verwachten start in het voorjaar; aanbesteding duurt 80 dagen",
                description=(
                    "De Europese aanbesteding van de bouw neemt 80 werkdagen. De ondernemers "
                    "hebben hun leden een start in het voorjaar beloofd."
                ),
                created_at=c.ago(19, 30),
                author=LEADER,
                departments=("inkoop",),
                category=Cat.PROCEDURE,
                severity=Sev.HIGH,
                status=St.IN_PROGRESS,
                procedure="europese-aanbesteding",
                milestone=1,
                purpose_question=(
                    "De aanbesteding moet marktpartijen gelijke kansen geven. Kan dat ook met "
                    "een kortere procedure of een bestaand raamcontract, zonder die bedoeling "
                    "te verliezen?"
                ),
                support_asked=Sup.BOARD_ROUTE,
                support_requested_at=c.ago(18, 60),
                support_answered_at=c.ago(15, 90),
                updates=[
                    _answer(
                        c,
                        COMMISSIONER,
                        15,
                        90,
                        "Ik heb het met wethouder Claassen besproken: hij legt de "
                        "ondernemersvereniging zelf uit waarom fase 1 later start. Inkoop "
                        "onderzoekt het raamcontract voor de voorbereidende werkzaamheden.",
                    ),
                    _in_progress(c, LEADER, 15, 120),
                    _comment(
                        c,
                        "demo-ah-inkoop",
                        8,
                        60,
                        "Het raamcontract voor grond-, weg- en waterbouw kan voor de kabels en "
                        "leidingen. Dat scheelt zes weken.",
                    ),
                ],
            ),
            FrictionSpec(
                title="Werkzaamheden midden in de decemberdrukte",
                description=(
                    "De planning van de aannemer legt de noordzijde open in december, de "
                    "belangrijkste maand voor de winkeliers."
                ),
                created_at=c.ago(95, 60),
                author=LEADER,
                departments=("inkoop", "openbare-ruimte"),
                category=Cat.AGENDA,
                severity=Sev.MEDIUM,
                updates=[
                    _comment(
                        c,
                        COMMISSIONER,
                        90,
                        60,
                        "Goed punt. Neem de ondernemers mee in de planning, niet alleen in het "
                        "ontwerp.",
                    ),
                    closing_pause,
                ],
                **closed_pause,
            ),
            FrictionSpec(
                title="Communicatie wil alle berichten via de gemeentelijke kanalen",
                description=(
                    "De ondernemers wilden hun eigen nieuwsbrief over de werkzaamheden sturen; "
                    "Communicatie wilde één afzender."
                ),
                created_at=c.ago(55, 30),
                author=LEADER,
                departments=("communicatie",),
                category=Cat.CULTURE,
                severity=Sev.LOW,
                updates=[closing_comm],
                **closed_comm,
            ),
        ],
    )


def _voedselbos(c: Clock) -> ProjectSpec:
    closing, closed = _closed(
        c,
        OTHER_LEADER,
        22,
        App.ORGANISE_DIFFERENTLY,
        "Eén bodemonderzoek, gedeeld door gemeente en waterschap, in opdracht van de stichting "
        "met een bijdrage van beide overheden. Bij gebiedsprojecten vragen we eerst wie het "
        "onderzoek al heeft.",
    )
    return ProjectSpec(
        title="Voedselbos De Kempen",
        purpose=(
            "Samen met bewoners, een boer en het waterschap een voedselbos aanleggen dat water "
            "vasthoudt, de bodem herstelt en de buurt een plek geeft om te oogsten en te leren."
        ),
        description=(
            "De stichting wil zeven hectare gemeentegrond aan de rand van De Kempen omvormen "
            "tot voedselbos. De agrariër die de grond nu pacht doet mee; de hogeschool volgt "
            "bodem en biodiversiteit."
        ),
        status=Project.Status.IDEA,
        leader=OTHER_LEADER,
        commissioner=OTHER_COMMISSIONER,
        portfolio_holder=WH_ENERGY,
        created_at=c.ago(50),
        departments=[
            ("ro", DI.LEAD),
            ("vastgoed", DI.ADVISORY),
            ("openbare-ruimte", DI.ADVISORY),
            ("financien", DI.ADVISORY),
        ],
        stakeholders=[
            ("Stichting Voedselbos De Kempen", SI.PARTNER, 3, 5),
            ("Waterschap Kempenland", SI.AUTHORITY, 4, 3),
            ("Maatschap Van den Heuvel", SI.PARTNER, 3, 4),
            ("Hogeschool Groene Delta", SI.ADVISOR, 2, 4),
        ],
        milestones=[
            MilestoneSpec(
                title="Ondertekening pachtovereenkomst voedselbos",
                kind=MK.SIGNING,
                date=c.day(70),
                created_at=c.ago(45),
                steps=[_step("taxatie"), _step("juridische-toets")],
            ),
            MilestoneSpec(
                title="Plantdag met de buurt",
                kind=MK.PUBLIC_MOMENT,
                date=c.day(150),
                created_at=c.ago(45, 5),
                steps=[_step("evenementenvergunning"), _step("communicatieplan")],
            ),
        ],
        frictions=[
            FrictionSpec(
                title="De gemeente verpacht landbouwgrond alleen aan agrariërs",
                description=(
                    "Volgens het pachtbeleid gaat gemeentelijke landbouwgrond alleen naar "
                    "agrarische bedrijven, tegen de hoogst haalbare pacht."
                ),
                created_at=c.ago(9, 30),
                author=OTHER_LEADER,
                departments=("vastgoed",),
                category=Cat.PROCEDURE,
                severity=Sev.MEDIUM,
                procedure="taxatie",
                milestone=0,
                purpose_question=(
                    "Het pachtbeleid moet zorgen voor een eerlijke prijs en voor "
                    "voedselproductie. Een voedselbos produceert ook voedsel: past het dan "
                    "niet gewoon binnen de bedoeling?"
                ),
                support_asked=Sup.LISTENING_EAR,
                support_requested_at=c.ago(8, 60),
                support_answered_at=c.ago(7, 90),
                updates=[
                    _answer(
                        c,
                        OTHER_COMMISSIONER,
                        7,
                        90,
                        "Ik snap de frustratie. Laten we donderdag met Joost van Vastgoed een "
                        "half uur kijken welke ruimte het beleid al geeft, voordat we om een "
                        "uitzondering vragen.",
                    )
                ],
            ),
            FrictionSpec(
                title="Waterschap en gemeente vragen elk een eigen bodemonderzoek",
                description="Twee onderzoeken naar dezelfde grond, met verschillende eisen.",
                created_at=c.ago(40, 30),
                author=OTHER_LEADER,
                departments=("ro",),
                category=Cat.INFORMATION,
                severity=Sev.MEDIUM,
                updates=[
                    _comment(
                        c,
                        "demo-ah-ro",
                        35,
                        60,
                        "Ik bel mijn collega bij het waterschap; hun eisen zijn strenger, dus "
                        "hun onderzoek dekt de onze.",
                    ),
                    closing,
                ],
                **closed,
            ),
        ],
    )


def _wijkteam(c: Clock, refs: Refs) -> ProjectSpec:
    closing_desks, closed_desks = _closed(
        c,
        LEADER,
        75,
        App.ORGANISE_DIFFERENTLY,
        "Eén regisseur per gezin, wie de eerste vraag ook binnenkrijgt. Werk en Inkomen en "
        "Zorg en Welzijn plannen hun intakes voortaan samen.",
    )
    closing_gp, closed_gp = _closed(
        c,
        LEADER,
        50,
        App.ESCALATED,
        "Huisartsen worden betaald uit de zorgverzekering, niet door de gemeente. Pas na een "
        "bestuurlijk overleg tussen wethouder en zorgverzekeraar kwam er gedeelde "
        "pilotfinanciering: de route naar het bestuur was hier de snelste.",
    )
    start = MilestoneSpec(
        title="Start wijkteam in de Oostflank",
        kind=MK.WORKS_START,
        date=c.day(40),
        created_at=c.ago(180, 5),
        steps=[
            _step("aansluiting-systemen", SS.IN_PROGRESS),
            _step("zorgcontractering", SS.DONE, c.day(-50)),
            _step("communicatieplan"),
        ],
    )
    # The regional contracting nearly missed the start; its flag resolved itself when done.
    contracting_flag = resolved_flag(
        clock=c,
        procedure=refs.procedures["zorgcontractering"],
        procedure_key="zorgcontractering",
        milestone=start,
        milestone_index=1,
        raised=c.ago(60),
        resolved=c.at(c.day(-50), 600),
    )
    return ProjectSpec(
        title="Wijkteam 2.0 met zorgpartners",
        purpose=(
            "Eén vast team in de wijk voor gezinnen met meerdere vragen tegelijk, zodat zij niet "
            "langer drie loketten en vijf hulpverleners hoeven af te gaan."
        ),
        description=(
            "Gemeente, zorggroep, welzijnsorganisatie en huisartsen vormen één wijkteam in de "
            "Oostflank, met een gezamenlijke werkplek en één plan per gezin. Het team start "
            "als pilot van twee jaar."
        ),
        status=Project.Status.EXECUTION,
        leader=LEADER,
        commissioner=COMMISSIONER,
        portfolio_holder=WH_SOCIAL,
        created_at=c.ago(200),
        departments=[
            ("zorg-welzijn", DI.LEAD),
            ("werk-inkomen", DI.CONTRIBUTING),
            ("iv-privacy", DI.ADVISORY),
            ("juridische-zaken", DI.ADVISORY),
        ],
        stakeholders=[
            ("Zorggroep Rivierenland", SI.PARTNER, 4, 5),
            ("Stichting Welzijn Oost", SI.PARTNER, 3, 5),
            ("Huisartsencoöperatie Oostflank", SI.PARTNER, 4, 3),
        ],
        milestones=[
            MilestoneSpec(
                title="Ondertekening convenant gegevensdeling",
                kind=MK.SIGNING,
                date=c.day(-8),
                created_at=c.ago(180),
                steps=[
                    _step("dpia", SS.IN_PROGRESS),
                    _step("juridische-toets", SS.DONE, c.day(-30)),
                ],
            ),
            start,
            MilestoneSpec(
                title="Evaluatie van de pilot met partners en gezinnen",
                kind=MK.DELIVERY,
                date=c.day(330),
                created_at=c.ago(180, 10),
                steps=[_step("raadsinformatiebrief")],
            ),
        ],
        frictions=[
            FrictionSpec(
                title="Partners mogen geen gegevens delen zolang het convenant er niet is",
                description=(
                    "Zonder getekend convenant mogen wijkverpleging, welzijn en gemeente geen "
                    "informatie over gezinnen uitwisselen. Het team kan daardoor niet starten "
                    "met één plan per gezin."
                ),
                created_at=c.ago(24, 30),
                author=LEADER,
                departments=("iv-privacy", "juridische-zaken"),
                category=Cat.INFORMATION,
                severity=Sev.BLOCKING,
                status=St.IN_PROGRESS,
                procedure="dpia",
                milestone=0,
                purpose_question=(
                    "Het convenant en de DPIA beschermen de privacy van gezinnen. Maar "
                    "gezinnen vragen er juist om dat hulpverleners samenwerken. Hoe beschermen "
                    "we ze zonder dat ze hun verhaal vijf keer moeten vertellen?"
                ),
                support_asked=Sup.KNOWLEDGE,
                support_requested_at=c.ago(23, 60),
                support_answered_at=c.ago(20, 120),
                updates=[
                    _comment(
                        c,
                        HEAD,
                        22,
                        60,
                        "Met toestemming van het gezin mag er al veel. Juridische Zaken "
                        "schrijft een toestemmingsformulier dat het team deze week kan "
                        "gebruiken.",
                    ),
                    _answer(
                        c,
                        COMMISSIONER,
                        20,
                        120,
                        "Gebruik het toestemmingsformulier van Ingrid tot het convenant er is, "
                        "en bespreek in de stuurgroep welke delen van de DPIA echt vóór de "
                        "start klaar moeten zijn.",
                    ),
                    _in_progress(c, LEADER, 20, 150),
                    _comment(
                        c,
                        "demo-ah-ivp",
                        3,
                        60,
                        "De DPIA is in concept klaar; de privacy officer kijkt er nog naar.",
                    ),
                ],
            ),
            FrictionSpec(
                title="Drie loketten voor één gezin",
                description=(
                    "Een gezin met schulden, een zieke ouder en een kind dat niet naar school "
                    "gaat, kreeg drie intakes bij drie afdelingen."
                ),
                created_at=c.ago(120, 30),
                author=LEADER,
                departments=("zorg-welzijn", "werk-inkomen"),
                category=Cat.CULTURE,
                severity=Sev.HIGH,
                updates=[
                    _comment(
                        c,
                        "demo-ah-wi",
                        110,
                        60,
                        "Herkenbaar. Onze consulenten willen graag aansluiten bij het "
                        "wijkteam, als hun eigen termijnen dan niet in het gedrang komen.",
                    ),
                    closing_desks,
                ],
                **closed_desks,
            ),
            FrictionSpec(
                title="Financiering van huisartsen past niet in de gemeentelijke begroting",
                description=(
                    "De huisartsen willen meedoen, maar hun uren in het wijkteam worden door "
                    "niemand betaald."
                ),
                created_at=c.ago(80, 30),
                author=LEADER,
                departments=("financien", "zorg-welzijn"),
                category=Cat.BUDGET,
                severity=Sev.HIGH,
                support_asked=Sup.BOARD_ROUTE,
                support_requested_at=c.ago(79, 60),
                support_answered_at=c.ago(76, 60),
                updates=[
                    _answer(
                        c,
                        COMMISSIONER,
                        76,
                        60,
                        "Ik agendeer het voor het portefeuillehoudersoverleg van wethouder Smits.",
                    ),
                    _comment(
                        c,
                        COMMISSIONER,
                        62,
                        60,
                        "Wethouder en zorgverzekeraar hebben een bestuurlijk overleg gepland.",
                    ),
                    closing_gp,
                ],
                **closed_gp,
            ),
            contracting_flag,
        ],
    )


def _warmtenet(c: Clock) -> ProjectSpec:
    return ProjectSpec(
        title="Warmtenet Binnenstad",
        purpose=(
            "De binnenstad van het gas af halen met een warmtenet dat betaalbaar blijft voor "
            "huurders en eigenaren, met publieke zeggenschap over de prijs."
        ),
        description=(
            "Vertrouwelijk: de gemeente onderhandelt met een warmtebedrijf over de aanleg en "
            "een gemeentelijke garantstelling. De woonstichting wil 900 woningen aansluiten; "
            "eigenaar-bewoners doen mee via het VvE-netwerk."
        ),
        status=Project.Status.EXPLORATION,
        leader=LEADER,
        commissioner=COMMISSIONER,
        portfolio_holder=WH_ENERGY,
        is_confidential=True,
        created_at=c.ago(90),
        departments=[
            ("duurzaamheid", DI.LEAD),
            ("financien", DI.DECIDING),
            ("juridische-zaken", DI.ADVISORY),
            ("bestuursondersteuning", DI.DECIDING),
        ],
        stakeholders=[
            ("Stadswarmte Binnenstad BV", SI.PARTNER, 5, 4),
            ("Woonstichting De Linde", SI.PARTNER, 4, 4),
            ("VvE-netwerk Binnenstad", SI.AFFECTED, 2, 5),
        ],
        milestones=[
            MilestoneSpec(
                title="Intentieverklaring met het warmtebedrijf",
                kind=MK.SIGNING,
                date=c.day(25),
                created_at=c.ago(80),
                steps=[_step("staatssteuntoets", SS.IN_PROGRESS), _step("collegebesluit")],
            ),
            MilestoneSpec(
                title="Raadsbesluit garantstelling warmtenet",
                kind=MK.OTHER,
                date=c.day(120),
                created_at=c.ago(80, 5),
                steps=[_step("begrotingswijziging"), _step("raadsbesluit")],
            ),
        ],
        frictions=[
            FrictionSpec(
                title="Staatssteuntoets en garantstelling: wie beslist eerst?",
                description=(
                    "Juridische Zaken wil eerst weten hoe hoog de garantie wordt; Financiën "
                    "wil eerst weten of de garantie staatssteun is. Zo wacht iedereen op "
                    "elkaar."
                ),
                created_at=c.ago(15, 30),
                author=LEADER,
                departments=("juridische-zaken", "financien"),
                category=Cat.MANDATE,
                severity=Sev.HIGH,
                status=St.IN_PROGRESS,
                procedure="staatssteuntoets",
                milestone=0,
                purpose_question=(
                    "De staatssteuntoets moet voorkomen dat de garantie later wordt "
                    "teruggevorderd; de raad wil weten wat de garantie kost. Welke volgorde "
                    "dient allebei die bedoelingen?"
                ),
                support_asked=Sup.BOARD_ROUTE,
                support_requested_at=c.ago(13, 60),
                support_answered_at=c.ago(12, 90),
                updates=[
                    _answer(
                        c,
                        COMMISSIONER,
                        12,
                        90,
                        "Ik neem het dinsdag mee naar het directieoverleg en vraag de "
                        "gemeentesecretaris om één besluitvormingsroute voor de juridische en "
                        "de financiële toets.",
                    ),
                    _in_progress(c, LEADER, 12, 120),
                    _comment(
                        c,
                        HEAD,
                        6,
                        60,
                        "Juridische Zaken levert de staatssteunanalyse in twee delen: een "
                        "eerste oordeel vóór de intentieverklaring, het volledige advies voor "
                        "het raadsvoorstel.",
                    ),
                ],
            ),
            FrictionSpec(
                title="Warmtebedrijf wil zekerheid voordat de raad over de garantie beslist",
                description=(
                    "Stadswarmte wil pas investeren in het ontwerp als de garantstelling "
                    "vastligt. Het raadsbesluit komt op zijn vroegst over vier maanden."
                ),
                created_at=c.ago(4, 60),
                author=LEADER,
                departments=("bestuursondersteuning", "financien"),
                category=Cat.AGENDA,
                severity=Sev.HIGH,
                procedure="raadsbesluit",
                milestone=1,
                purpose_question=(
                    "De raad beslist over risico's voor alle inwoners. Kunnen we het "
                    "warmtebedrijf eerder zekerheid geven met een voorwaardelijk "
                    "collegebesluit, zonder op de stoel van de raad te gaan zitten?"
                ),
            ),
        ],
    )


def _jongerenwerkplaats(c: Clock) -> ProjectSpec:
    closing_loan, closed_loan = _closed(
        c,
        LEADER,
        290,
        App.UNORTHODOX,
        "De loods was van de gemeente; in plaats van verhuur kwam er een tijdelijke bruikleen "
        "voor twee jaar. Vastgoed gebruikt die constructie nu ook voor andere maatschappelijke "
        "initiatieven.",
    )
    closing_benefit, closed_benefit = _closed(
        c,
        LEADER,
        180,
        App.KEEP,
        "De verrekening is wettelijk verplicht en beschermt het vangnet voor iedereen. We "
        "hielden de regel, maar Werk en Inkomen legt het jongeren nu vooraf uit en rekent mee, "
        "zodat niemand verrast wordt.",
    )
    closing_cert, closed_cert = _closed(
        c,
        LEADER,
        60,
        App.ORGANISE_DIFFERENTLY,
        "Bedrijven in de haven hechten meer aan een praktijkverklaring met hun eigen logo dan "
        "aan een diploma. Het college tekent de verklaringen mee.",
    )
    return ProjectSpec(
        title="Jongerenwerkplaats Havenkwartier",
        purpose=(
            "Jongeren uit het Havenkwartier zonder startkwalificatie een plek geven om met hun "
            "handen te leren en door te stromen naar werk bij bedrijven in de haven."
        ),
        description=(
            "In een leegstaande loods leren jongeren lassen, installeren en ondernemen, "
            "begeleid door jongerenwerkers en vakmensen uit de haven. Bedrijven bieden "
            "leerbanen aan."
        ),
        status=Project.Status.COMPLETED,
        leader=LEADER,
        commissioner=COMMISSIONER,
        portfolio_holder=WH_SOCIAL,
        created_at=c.ago(400),
        departments=[
            ("werk-inkomen", DI.LEAD),
            ("jeugd-onderwijs", DI.CONTRIBUTING),
            ("vastgoed", DI.CONTRIBUTING),
            ("inkoop", DI.ADVISORY),
        ],
        stakeholders=[
            ("Stichting Jongerenwerk Havenkwartier", SI.PARTNER, 3, 5),
            ("Technisch College Maasland", SI.PARTNER, 3, 4),
            ("Metaalbedrijf Havens & Zonen", SI.PARTNER, 3, 4),
            ("Werkgeversservicepunt Regio Maasland", SI.FINANCIER, 3, 3),
        ],
        milestones=[
            MilestoneSpec(
                title="Ondertekening samenwerkingsovereenkomst werkplaats",
                kind=MK.SIGNING,
                date=c.day(-300),
                created_at=c.ago(390),
                steps=[
                    _step("samenwerkingsovereenkomst", SS.DONE, c.day(-320)),
                    _step("collegebesluit", SS.DONE, c.day(-310)),
                ],
            ),
            MilestoneSpec(
                title="Opening van de werkplaats",
                kind=MK.PUBLIC_MOMENT,
                date=c.day(-240),
                created_at=c.ago(390, 5),
                steps=[
                    _step("omgevingsvergunning", SS.DONE, c.day(-260)),
                    _step("communicatieplan", SS.DONE, c.day(-250)),
                ],
            ),
            MilestoneSpec(
                title="Eerste lichting jongeren aan het werk",
                kind=MK.DELIVERY,
                date=c.day(-30),
                created_at=c.ago(390, 10),
                steps=[_step("raadsinformatiebrief", SS.DONE, c.day(-35))],
            ),
        ],
        frictions=[
            FrictionSpec(
                title="Huurcontract voor de loods pas na een aanbesteding",
                description=(
                    "Vastgoed mocht de loods alleen verhuren na een openbare procedure; de "
                    "werkplaats zou dan pas een jaar later kunnen openen."
                ),
                created_at=c.ago(330, 30),
                author=LEADER,
                departments=("vastgoed", "inkoop"),
                category=Cat.PROCEDURE,
                severity=Sev.HIGH,
                support_asked=Sup.KNOWLEDGE,
                support_requested_at=c.ago(329, 60),
                support_answered_at=c.ago(325, 60),
                updates=[
                    _answer(
                        c,
                        COMMISSIONER,
                        325,
                        60,
                        "Vraag Joost van Vastgoed naar de bruikleenconstructie die bij de "
                        "scouting is gebruikt.",
                    ),
                    closing_loan,
                ],
                **closed_loan,
            ),
            FrictionSpec(
                title="Stagevergoeding wordt gekort op de uitkering",
                description=(
                    "Jongeren met een uitkering zagen hun stagevergoeding verrekend worden en "
                    "haakten af."
                ),
                created_at=c.ago(200, 30),
                author=LEADER,
                departments=("werk-inkomen",),
                category=Cat.PROCEDURE,
                severity=Sev.MEDIUM,
                updates=[
                    _comment(
                        c,
                        "demo-ah-wi",
                        195,
                        60,
                        "De verrekening moeten we doen, maar we kunnen het vooraf uitleggen "
                        "en meerekenen met de jongere.",
                    ),
                    closing_benefit,
                ],
                **closed_benefit,
            ),
            FrictionSpec(
                title="Certificaten zonder erkend diploma tellen niet mee",
                description=(
                    "Jeugd en Onderwijs telde alleen erkende diploma's als resultaat; de "
                    "werkplaats geeft praktijkverklaringen."
                ),
                created_at=c.ago(150, 30),
                author=LEADER,
                departments=("jeugd-onderwijs",),
                category=Cat.CULTURE,
                severity=Sev.MEDIUM,
                updates=[closing_cert],
                **closed_cert,
            ),
        ],
    )


def _bouwhub(c: Clock) -> ProjectSpec:
    closing, closed = _closed(
        c,
        LEADER,
        100,
        App.ESCALATED,
        "Voor een tijdelijke hub had een tijdelijke afwijking van het omgevingsplan gekund, "
        "maar dat inzicht kwam te laat. Vergunningen denkt voortaan vanaf het begin mee over de "
        "locatie, niet pas bij de aanvraag.",
    )
    return ProjectSpec(
        title="Circulaire bouwhub",
        purpose=(
            "Bouwmaterialen uit sloop in de regio een tweede leven geven in een gezamenlijke "
            "hub, zodat gemeentelijke projecten circulair kunnen bouwen."
        ),
        description=(
            "Bouw- en sloopbedrijven wilden samen met de gemeente een opslag en werkplaats "
            "voor hergebruikte materialen. Het project is gestopt: er was geen geschikte "
            "locatie binnen de termijn die de partners konden overbruggen."
        ),
        status=Project.Status.STOPPED,
        leader=LEADER,
        commissioner=COMMISSIONER,
        portfolio_holder=WH_FINANCE,
        created_at=c.ago(330),
        departments=[
            ("ro", DI.LEAD),
            ("vth", DI.ADVISORY),
            ("inkoop", DI.ADVISORY),
            ("vastgoed", DI.ADVISORY),
        ],
        stakeholders=[
            ("Bouwbedrijf Circulair Oost", SI.PARTNER, 4, 4),
            ("Sloopbedrijf Tweede Leven", SI.PARTNER, 3, 4),
            ("Provincie Maasland", SI.FINANCIER, 3, 2),
        ],
        milestones=[
            MilestoneSpec(
                title="Ondertekening intentieverklaring bouwhub",
                kind=MK.SIGNING,
                date=c.day(-250),
                created_at=c.ago(320),
                steps=[_step("juridische-toets", SS.DONE, c.day(-262))],
            ),
            MilestoneSpec(
                title="Start bouw hub op bedrijventerrein De Hoek",
                kind=MK.WORKS_START,
                date=c.day(-40),
                created_at=c.ago(320, 5),
                steps=[
                    _step("omgevingsvergunning", SS.NOT_NEEDED),
                    _step("omgevingsplanwijziging", SS.NOT_NEEDED),
                ],
            ),
        ],
        frictions=[
            FrictionSpec(
                title="Omgevingsplan staat opslag niet toe; wijziging duurt 100 werkdagen",
                description=(
                    "Op de enige beschikbare kavel is opslag van bouwmaterialen niet "
                    "toegestaan. Een wijziging van het omgevingsplan gaat via de raad."
                ),
                created_at=c.ago(170, 30),
                author=LEADER,
                departments=("vth", "ro"),
                category=Cat.PROCEDURE,
                severity=Sev.BLOCKING,
                procedure="omgevingsplanwijziging",
                milestone=1,
                purpose_question=(
                    "Het omgevingsplan beschermt de omgeving tegen overlast. Een tijdelijke "
                    "hub op een bedrijventerrein: welke overlast willen we hier voorkomen?"
                ),
                support_asked=Sup.BOARD_ROUTE,
                support_requested_at=c.ago(165, 60),
                support_answered_at=c.ago(160, 60),
                updates=[
                    _answer(
                        c,
                        COMMISSIONER,
                        160,
                        60,
                        "Ik zet het op de agenda van het bestuurlijk overleg met wethouder "
                        "Van Leeuwen.",
                    ),
                    _comment(
                        c,
                        COMMISSIONER,
                        120,
                        60,
                        "Het college wijzigt het omgevingsplan niet tussentijds. We zoeken met "
                        "de partners naar een andere locatie.",
                    ),
                    closing,
                ],
                **closed,
            ),
        ],
    )
