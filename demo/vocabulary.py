"""Words the generator composes a large, fictitious municipality from (``--projects N``)."""

from __future__ import annotations

from projects.models import FrictionPoint
from stakeholders.models import Stakeholder

FIRST_NAMES: tuple[str, ...] = (
    "Anna", "Bram", "Chantal", "Daan", "Eline", "Fleur", "Gijs", "Hanna", "Iris", "Jasper",
    "Joyce", "Kevin", "Lieke", "Maarten", "Naima", "Olaf", "Paula", "Quinten", "Rachida",
    "Sander", "Tessa", "Umut", "Vera", "Wessel", "Yvonne", "Zeynep", "Arjan", "Bianca",
    "Corné", "Dirk", "Esra", "Frank", "Gerda", "Hugo", "Ilona", "Jeroen", "Karim", "Linda",
    "Mark", "Nienke", "Omar", "Priya", "Roel", "Sanne", "Thijs", "Ursula", "Vincent",
    "Wendy", "Xander", "Yusuf", "Marieke", "Niels", "Femke", "Rutger", "Samira", "Koen",
    "Annemiek", "Lars", "Dewi", "Stijn",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
    "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters",
    "Hendriks", "van Leeuwen", "Dekker", "Brouwer", "de Wit", "Dijkstra", "Smits",
    "de Graaf", "van der Meer", "van der Linden", "Kok", "Jacobs", "de Haan", "Vermeulen",
    "van den Heuvel", "van der Veen", "van den Broek", "de Bruijn", "de Bruin",
    "van der Heijden", "Schouten", "van Beek", "Willems", "van Vliet", "van de Ven",
    "Hoekstra", "Maas", "Verhoeven", "Koster", "van Dam", "van der Wal", "Prins", "Blom",
    "Huisman", "Peeters", "de Lange", "Kuipers", "van Wijk", "Postma", "Kaya", "Yılmaz",
    "El Amrani", "Bouali", "Nguyen", "Pinas", "Ramdin", "Wouters", "Timmermans",
    "Aarts", "Claassen", "Sanders", "Rutten", "Geerts", "Lammers",
)  # fmt: skip

PLACES: tuple[str, ...] = (
    "Noord", "Oostflank", "Havenkwartier", "Binnenstad", "De Kempen", "Stationskwartier",
    "Zuiderpark", "Molenwijk", "Kerkdorp", "Oud-Kempen", "Beekdal", "De Vliet",
    "Rivierzone", "Westerhout", "Bloemenbuurt", "Schildersbuurt", "Tuindorp", "De Hoek",
    "Lindenhof", "Vogelwijk", "Heide-Oost", "Dijkzicht", "Polderrand", "Marktveld",
    "Kloosterakker", "Sluiskwartier", "Ravelijn", "Sterrenwijk", "Broekhoven",
    "Hazelaar", "Veldhuizen", "Maaskant", "Weverspark", "Eikenrode", "Zandberg",
    "Nieuw-Vliet",
)  # fmt: skip
PLACE_PARTS: tuple[str, ...] = ("", "-Noord", "-Zuid", "-Oost", "-West", " Centrum")

# (title stem, lead department code, purpose; {place} is filled in)
THEMES: tuple[tuple[str, str, str], ...] = (
    (
        "Buurtbatterij",
        "duurzaamheid",
        (
            "Zonnestroom uit {place} in de wijk opslaan en delen, zodat het net ontlast "
            "wordt en bewoners minder betalen."
        ),
    ),
    (
        "Zonnedaken",
        "duurzaamheid",
        (
            "Samen met bewoners en ondernemers in {place} daken benutten voor zonnestroom "
            "die in de wijk blijft."
        ),
    ),
    (
        "Aardgasvrije wijk",
        "duurzaamheid",
        (
            "{place} samen met bewoners en de corporatie stap voor stap van het gas af "
            "halen, betaalbaar voor iedereen."
        ),
    ),
    (
        "Deelmobiliteit",
        "vm",
        ("Minder auto's in {place} door deelauto's en deelfietsen die bewoners samen beheren."),
    ),
    (
        "Schoolzone",
        "vm",
        "Kinderen in {place} veilig en zelfstandig naar school laten lopen en fietsen.",
    ),
    (
        "Fietsstraat",
        "vm",
        "Een doorgaande fietsroute door {place} die veilig voelt voor jong en oud.",
    ),
    (
        "Groen schoolplein",
        "openbare-ruimte",
        ("Een groen schoolplein in {place} dat water vasthoudt en na schooltijd van de buurt is."),
    ),
    (
        "Regentuinen",
        "openbare-ruimte",
        "Met bewoners van {place} tegels vervangen door groen dat hoosbuien opvangt.",
    ),
    (
        "Wijkpark",
        "openbare-ruimte",
        "Samen met de buurt een park in {place} ontwerpen en beheren.",
    ),
    (
        "Knarrenhof",
        "wonen",
        (
            "Ouderen in {place} zelfstandig en samen laten wonen in een hofje dat ze zelf "
            "ontwikkelen."
        ),
    ),
    (
        "Tijdelijke woningen",
        "wonen",
        (
            "Snel betaalbare woonruimte in {place} voor starters en spoedzoekers, samen met"
            " de corporatie."
        ),
    ),
    (
        "Wooncoöperatie",
        "wonen",
        "Bewoners in {place} zelf laten bouwen en beheren in een wooncoöperatie.",
    ),
    (
        "Transformatie kantoorpand",
        "ro",
        (
            "Een leeg kantoor in {place} samen met een ontwikkelaar ombouwen tot woningen "
            "en werkplekken."
        ),
    ),
    (
        "Gebiedsvisie",
        "ro",
        ("Met bewoners, ondernemers en eigenaren een gedeeld toekomstbeeld maken voor {place}."),
    ),
    (
        "Voedselbos",
        "ro",
        (
            "Samen met bewoners een voedselbos in {place} aanleggen dat de bodem en de "
            "buurt versterkt."
        ),
    ),
    (
        "Huiskamer van de wijk",
        "zorg-welzijn",
        ("Een laagdrempelige ontmoetingsplek in {place} waar bewoners elkaar en hulp vinden."),
    ),
    (
        "Mantelzorgcafé",
        "zorg-welzijn",
        ("Mantelzorgers in {place} ontlasten met een plek om elkaar te ontmoeten en te steunen."),
    ),
    (
        "Dementievriendelijke wijk",
        "zorg-welzijn",
        (
            "Mensen met dementie in {place} langer thuis laten wonen met hulp van buren en "
            "winkeliers."
        ),
    ),
    (
        "Leerwerkbedrijf",
        "werk-inkomen",
        "Inwoners uit {place} met afstand tot werk opleiden bij lokale bedrijven.",
    ),
    (
        "Buurtbedrijf",
        "werk-inkomen",
        "Een buurtbedrijf in {place} dat werk maakt van klussen in de wijk.",
    ),
    (
        "Brede school",
        "jeugd-onderwijs",
        ("School, kinderopvang en sport in {place} samenbrengen in één gebouw en één dag."),
    ),
    (
        "Jongerenplek",
        "jeugd-onderwijs",
        "Jongeren in {place} een eigen plek geven die ze zelf runnen.",
    ),
    (
        "Digitaal loket",
        "klantcontact",
        ("Inwoners van {place} sneller en persoonlijker helpen met vragen aan de gemeente."),
    ),
    (
        "Maatschappelijk vastgoed",
        "vastgoed",
        ("Leegstaand gemeentelijk vastgoed in {place} inzetten voor initiatieven uit de buurt."),
    ),
)

SUBSIDY_SCHEMES: tuple[str, ...] = (
    "Regio Deal",
    "provinciale impulsregeling",
    "Europees fonds voor regionale ontwikkeling",
    "Volkshuisvestingsfonds",
    "Klimaatfonds",
    "regeling Schoolzones",
    "Gezond en Actief Leven Akkoord",
    "provinciale regeling leefbaarheid",
)

# (Milestone.Kind, title templates, procedure keys the milestone may need)
MILESTONE_PLAN: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    (
        "subsidie",
        ("Subsidiedeadline {scheme}", "Aanvraag {scheme} indienen"),
        ("subsidieaanvraag", "collegebesluit", "begrotingswijziging"),
    ),
    (
        "ondertekening",
        ("Ondertekening samenwerkingsovereenkomst", "Intentieverklaring met {partner}"),
        (
            "juridische-toets",
            "samenwerkingsovereenkomst",
            "collegebesluit",
            "staatssteuntoets",
            "dpia",
            "anterieure-overeenkomst",
        ),
    ),
    (
        "publiek",
        ("Bewonersavond {place}", "Buurtfeest met de partners", "Presentatie ontwerp"),
        ("communicatieplan", "evenementenvergunning", "persbericht"),
    ),
    (
        "start_werk",
        ("Start werkzaamheden", "Start uitvoering in {place}"),
        (
            "europese-aanbesteding",
            "meervoudig-onderhands",
            "omgevingsvergunning",
            "verkeersbesluit",
            "beheertoets",
            "subsidieverlening",
            "zorgcontractering",
        ),
    ),
    (
        "oplevering",
        ("Oplevering", "Evaluatie met partners", "Overdracht aan de beheerders"),
        ("beheertoets", "raadsinformatiebrief", "taxatie", "aansluiting-systemen", "raadsbesluit"),
    ),
)

# Stakeholder names per kind: (kind, name templates with {name} or {place})
STAKEHOLDER_NAMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        Stakeholder.Kind.COMPANY,
        (
            "Bouwbedrijf {name}",
            "Installatiebedrijf {name}",
            "Adviesbureau {name}",
            "Hoveniersbedrijf {name}",
            "Ingenieursbureau {name}",
            "Vastgoedontwikkeling {name}",
            "Transportbedrijf {name}",
            "Energieadvies {name}",
            "{name} Infra",
            "{name} Projectontwikkeling",
        ),
    ),
    (
        Stakeholder.Kind.CIVIL_SOCIETY,
        (
            "Stichting Welzijn {place}",
            "Sportvereniging {place}",
            "Stichting Buurtwerk {place}",
            "Ondernemersvereniging {place}",
            "Zorgcoöperatie {place}",
            "Kerkgemeenschap {place}",
        ),
    ),
    (
        Stakeholder.Kind.CITIZEN_INITIATIVE,
        (
            "Bewonersvereniging {place}",
            "Energiecoöperatie {place}",
            "Buurtcomité {place}",
            "Dorpsraad {place}",
            "Tuinenclub {place}",
        ),
    ),
    (
        Stakeholder.Kind.GOVERNMENT,
        ("Omgevingsdienst {place}", "Veiligheidsregio {place}", "GGD {place}"),
    ),
    (
        Stakeholder.Kind.KNOWLEDGE,
        ("Kenniscentrum {place}", "Lectoraat Stedelijke Vernieuwing {name}"),
    ),
    (Stakeholder.Kind.HOUSING, ("Woonstichting {place}", "Wooncorporatie {name}")),
)
CONTACT_ROLES: tuple[str, ...] = (
    "Directeur",
    "Projectleider",
    "Voorzitter",
    "Secretaris",
    "Adviseur",
    "Accountmanager",
    "Coördinator",
)

Cat = FrictionPoint.Category
# Per category: (title, description, purpose question). Placeholders: {procedure},
# {department}, {partner}, {milestone}.
FRICTIONS: dict[str, tuple[tuple[str, str, str], ...]] = {
    Cat.AGENDA: (
        (
            "{procedure} valt na de planning van {partner}",
            "{partner} wil door, maar {procedure} is pas later klaar.",
            "Waarom duurt {procedure} zo lang: is dat nodig voor de zorgvuldigheid, of is "
            "het gewoonte?",
        ),
        (
            "Vakantieperiode vertraagt {procedure}",
            "De behandelaar bij {department} is weg; er is geen vervanging.",
            "Moet dit per se via één persoon, of kan iemand anders het overnemen?",
        ),
        (
            "Geen tijd bij {department} vóór “{milestone}”",
            "{department} heeft dit kwartaal geen capaciteit gepland voor het project.",
            "Wat was de bedoeling van de jaarplanning van {department}: ruimte houden voor "
            "wat er buiten gebeurt?",
        ),
    ),
    Cat.PROCEDURE: (
        (
            "{procedure} is te zwaar voor een kleine opdracht",
            "Het volledige traject van {procedure} geldt ook voor dit kleine onderdeel.",
            "Wat moet {procedure} hier voorkomen, en kan dat ook lichter?",
        ),
        (
            "{department} vraagt opnieuw om dezelfde stukken",
            "{partner} heeft de gegevens al aangeleverd bij een andere afdeling.",
            "Waarom vragen we partners twee keer om hetzelfde?",
        ),
        (
            "Standaardvoorwaarden passen niet bij {partner}",
            "De algemene voorwaarden gaan uit van een commerciële partij.",
            "Welk risico willen de voorwaarden afdekken, en geldt dat risico hier?",
        ),
    ),
    Cat.MANDATE: (
        (
            "Niemand mag beslissen over de bijdrage van {partner}",
            "Het bedrag valt boven het mandaat van de projectleider en onder dat van het college.",
            "Waarom ligt het mandaat zo hoog, en wie zou hier eigenlijk moeten beslissen?",
        ),
        (
            "{department} wil eerst een eigen opdrachtgever",
            "{department} levert pas capaciteit als een eigen leidinggevende tekent.",
            "Waarom is één opdrachtgever voor het project niet genoeg?",
        ),
    ),
    Cat.BUDGET: (
        (
            "Cofinanciering ontbreekt voor “{milestone}”",
            "De regeling vraagt een eigen bijdrage die niet begroot is.",
            "Past dit binnen wat de raad al beschikbaar stelde?",
        ),
        (
            "Budget van {department} loopt per kalenderjaar",
            "Het project loopt over de jaargrens; het geld niet.",
            "Wat wil de jaarlijkse begroting bewaken, en hoe houden we dat over de jaargrens heen?",
        ),
    ),
    Cat.INFORMATION: (
        (
            "Gegevens delen met {partner} kan niet in onze systemen",
            "{partner} heeft geen toegang tot het zaaksysteem; mailen mag niet.",
            "Wat willen we beschermen, en welke manier van delen doet dat wél?",
        ),
        (
            "Twee afdelingen, twee registraties",
            "{department} en het project houden elk een eigen lijst bij.",
            "Voor wie houden we die registratie eigenlijk bij?",
        ),
    ),
    Cat.CULTURE: (
        (
            "{department} ziet het project als extra werk",
            "Medewerkers van {department} ervaren het project als iets van een ander.",
            "Wat heeft {department} zelf aan dit project?",
        ),
        (
            "{partner} voelt zich niet serieus genomen",
            "Afspraken uit het overleg met {partner} werden binnen anders uitgelegd.",
            "Wat hadden we {partner} beloofd, en wat was daarvan de bedoeling?",
        ),
    ),
}

App = FrictionPoint.Approach
LESSONS: dict[str, tuple[str, ...]] = {
    App.KEEP: (
        "De bestaande werkwijze bleek zijn werk te doen; we legden {partner} beter uit waarom.",
        "Het traject van {department} gaf juist houvast. We plannen het voortaan eerder in.",
        "De regel beschermt iets wezenlijks. We houden hem, en vertellen het partners vooraf.",
    ),
    App.ORGANISE_DIFFERENTLY: (
        "{department} schuift voortaan aan bij het eerste overleg met de partners.",
        "Eén aanspreekpunt bij {department} voor het hele project scheelt weken.",
        "We leggen de stappen parallel in plaats van na elkaar.",
    ),
    App.UNORTHODOX: (
        "Een tijdelijke bruikleen in plaats van een contract loste het op.",
        "We lieten {partner} het zelf regelen, met de gemeente als achtervang.",
        "Een proef van drie maanden gaf de ruimte die de regels niet gaven.",
    ),
    App.ESCALATED: (
        "Pas met de wethouder aan tafel kwam er beweging; de route naar het bestuur was de "
        "snelste.",
        "Het college nam een principebesluit, waarna {department} verder kon.",
    ),
}

COMMENTS: tuple[str, ...] = (
    "Ik heb het besproken met {department}; ze kijken ernaar.",
    "{partner} heeft begrip, maar wil wel voor “{milestone}” duidelijkheid.",
    "We plannen volgende week een overleg met alle betrokkenen.",
    "Er is een eerste oplossing in beeld; ik houd jullie op de hoogte.",
    "Ik heb het geagendeerd voor het afdelingsoverleg.",
    "Goed dat je het meldt. Wat heb je van mij nodig?",
)

SUPPORT_ANSWERS: dict[str, tuple[str, ...]] = {
    FrictionPoint.Support.KNOWLEDGE: (
        "Bij een eerder project is dit opgelost; ik breng je in contact met de collega die "
        "dat deed.",
        "{department} heeft hier een handreiking voor; ik heb gevraagd of ze die toelichten.",
    ),
    FrictionPoint.Support.LISTENING_EAR: (
        "Laten we er donderdag even voor gaan zitten.",
        "Ik hoor je. Zet op een rij wat je hebt geprobeerd, dan kijken we samen verder.",
    ),
    FrictionPoint.Support.BOARD_ROUTE: (
        "Ik neem het mee naar het portefeuillehoudersoverleg.",
        "Ik heb het met de wethouder besproken; die belt {partner} zelf.",
    ),
}
