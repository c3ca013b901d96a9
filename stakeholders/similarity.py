"""Look-alike party names: the duplicates every register collects.

Two names are compared after normalising them the way people vary them:

- case, surrounding and double spaces, punctuation ("B.V." is "bv");
- accents ("Coöperatie" is "cooperatie");
- word order ("Ons Huis Woningcorporatie");
- legal forms and generic words that people add or leave out ("B.V.", "Stichting",
  "Gemeente", "de") count only when nothing else is left;
- small typos, by ``difflib``'s ratio on the normalised names.

Names with different numbers ("Partner 1", "Partner 2") are never look-alikes, and a name
whose words all occur in the other ("Ons Huis" in "Woningcorporatie Ons Huis") is one.

On PostgreSQL the candidates come from pg_trgm (``stakeholders/migrations/0002``): trigram
or word similarity on ``lower(name)``, served by a GIN index; on SQLite every name is
scored in Python. Either way the candidates are ranked by ``name_similarity`` here, so
both databases give the same answer for the same candidates.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from difflib import SequenceMatcher
from functools import lru_cache
from typing import NamedTuple

from django.db import connection
from django.db.models import BooleanField, FloatField
from django.db.models.expressions import RawSQL

from stakeholders.models import Stakeholder

# Scores from 0 to 1; at or above this a name "resembles" another.
THRESHOLD = 0.85
# Containment: the shorter name's words all occur in the longer one.
CONTAINED_SCORE = 0.86
# A word with a typo still resembles the word meant ("Stiching", "Stichting").
WORD_THRESHOLD = 0.75
MIN_LENGTH = 3
POSTGRES_CANDIDATES = 50

NOISE_WORDS = frozenset(
    {
        # legal forms
        "bv",
        "nv",
        "vof",
        "cv",
        "ua",
        "wa",
        "ba",
        "holding",
        "stichting",
        "vereniging",
        "cooperatie",
        # generic words
        "gemeente",
        "de",
        "het",
        "t",
        "van",
        "en",
    }
)

_DOTTED = re.compile(r"(?<=\w)\.(?=\w)|\.(?=\s|$)")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


class NameForms(NamedTuple):
    full: str  # all words, sorted
    core: str  # without legal forms and generic words, sorted (full when nothing is left)
    numbers: frozenset[str]
    words: frozenset[str]
    core_words: frozenset[str]


@lru_cache(maxsize=20_000)
def name_forms(name: str) -> NameForms:
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    plain = _DOTTED.sub("", plain.replace("&", " en "))
    words = [word for word in _NOT_WORD.split(plain) if word]
    core = [word for word in words if word not in NOISE_WORDS] or words
    return NameForms(
        full=" ".join(sorted(words)),
        core=" ".join(sorted(core)),
        numbers=frozenset(word for word in words if word.isdigit()),
        words=frozenset(words),
        core_words=frozenset(core),
    )


def normalise(name: str) -> str:
    """The comparable form of a name: its words without accents, sorted."""
    return name_forms(name).full


def _ratio(a: str, b: str, floor: float) -> float:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    # Cheap upper bounds first: most names are nothing alike.
    if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
        return 0.0
    return matcher.ratio()


def _contained(a: NameForms, b: NameForms) -> bool:
    shorter, longer = sorted((a.words, b.words), key=len)
    if not shorter or shorter == longer:
        return False
    # One short word ("de") says nothing; one real word or two words do.
    meaningful = len(shorter) >= 2 or len(next(iter(shorter))) >= 5
    return meaningful and shorter <= longer


def _a_word_differs(a: NameForms, b: NameForms) -> bool:
    """Names of as many words where one word has no look-alike in the other ("Buurtteam
    West", "Buurtteam Oost"): a different party, however alike the letters."""
    if len(a.core_words) != len(b.core_words):
        return False
    return any(
        max(_ratio(word, other, WORD_THRESHOLD) for other in b.core_words) < WORD_THRESHOLD
        for word in a.core_words - b.core_words
    )


def name_similarity(a: str, b: str, *, floor: float = THRESHOLD) -> float:
    """How alike two names are, 0 to 1 (1: the same after normalising). Scores below
    ``floor`` may be reported as 0: the cheap bounds skip the exact ratio."""
    first, second = name_forms(a), name_forms(b)
    if first.numbers != second.numbers:
        return 0.0
    if first.core == second.core or first.full == second.full:
        return 1.0
    if _contained(first, second):
        return CONTAINED_SCORE
    if _a_word_differs(first, second):
        return 0.0
    return max(_ratio(first.full, second.full, floor), _ratio(first.core, second.core, floor))


def _candidates(name: str, exclude: set[int], *, archived: bool) -> Iterable[Stakeholder]:
    queryset = Stakeholder.objects.exclude(pk__in=exclude).only("pk", "name", "kind", "archived_at")
    if not archived:
        queryset = queryset.active()
    if connection.vendor != "postgresql":
        return queryset.iterator(chunk_size=2000)
    text = name.casefold()
    trigram_match = RawSQL(
        "(lower(name) %% %s OR %s <%% lower(name) OR lower(name) <%% %s)",
        [text, text, text],
        output_field=BooleanField(),
    )
    closeness = RawSQL(
        "GREATEST(similarity(lower(name), %s), word_similarity(%s, lower(name)))",
        [text, text],
        output_field=FloatField(),
    )
    return (
        queryset.filter(trigram_match)
        .annotate(trigram=closeness)
        .order_by("-trigram", "pk")[:POSTGRES_CANDIDATES]
    )


def similar_stakeholders(
    name: str, *, exclude: Iterable[int] = (), limit: int = 5, archived: bool = True
) -> list[Stakeholder]:
    """Existing parties whose name resembles ``name``, most alike first, each with its
    ``similarity``; archived ones too unless ``archived`` is False (a picker). One
    query. Nothing for names shorter than three characters."""
    name = " ".join(name.split())
    if len(name) < MIN_LENGTH:
        return []
    found: list[Stakeholder] = []
    for party in _candidates(name, set(exclude), archived=archived):
        score = name_similarity(name, party.name)
        if score >= THRESHOLD:
            party.similarity = score
            found.append(party)
    found.sort(key=lambda party: (-party.similarity, party.name.casefold(), party.pk))
    return found[:limit]
