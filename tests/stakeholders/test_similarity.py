"""Look-alike party names, on whichever database runs the suite (SQLite in Python,
PostgreSQL through pg_trgm)."""

from __future__ import annotations

import pytest
from django.db import connection

from stakeholders.similarity import name_similarity, normalise, similar_stakeholders
from tests.factories import StakeholderFactory

TYPICAL_VARIANTS = [
    ("Woningcorporatie Ons Huis", "ons huis woningcorporatie"),
    ("Gemeente Utrecht", "gemeente utrecht "),
    ("Bouwbedrijf Jansen B.V.", "bouwbedrijf jansen"),
    ("Stichting Groen Doen", "Stiching Groen Doen"),
    ("Coöperatie Zonnedak", "Cooperatie Zonnedak"),
    ("Woningcorporatie Ons Huis", "Ons Huis"),
]

DIFFERENT_PARTIES = [
    ("Partner 1", "Partner 2"),
    ("Buurtteam West", "Buurtteam Oost"),
    ("Provincie Utrecht", "Gemeente Utrecht"),
    ("Provincie Utrecht", "Provincie Gelderland"),
    ("Waterschap Rivierenland", "Woningcorporatie Rivierenland Wonen"),
    ("Natuurvereniging", "Natuur"),
]


def test_normalising_drops_case_accents_punctuation_and_word_order():
    assert normalise("  Coöperatie   De Eendracht U.A. ") == normalise("de eendracht cooperatie ua")
    assert normalise("Bouwbedrijf Jansen B.V.") == "bouwbedrijf bv jansen"


@pytest.mark.parametrize(("existing", "typed"), TYPICAL_VARIANTS)
def test_typical_variants_resemble_each_other(existing, typed):
    assert name_similarity(existing, typed) >= 0.85
    assert name_similarity(typed, existing) >= 0.85


@pytest.mark.parametrize(("first", "second"), DIFFERENT_PARTIES)
def test_different_parties_do_not(first, second):
    assert name_similarity(first, second) < 0.85


@pytest.mark.django_db
class TestSimilarStakeholders:
    @pytest.mark.parametrize(("existing", "typed"), TYPICAL_VARIANTS)
    def test_it_offers_the_existing_party(self, existing, typed):
        party = StakeholderFactory(name=existing)
        StakeholderFactory(name="Fietsersbond")
        StakeholderFactory(name="Provincie Gelderland")
        assert similar_stakeholders(typed) == [party]

    def test_the_most_alike_come_first_and_exclude_works(self):
        exact = StakeholderFactory(name="Stichting Groen Doen")
        typo = StakeholderFactory(name="Stichting Groen Doet")
        found = similar_stakeholders("stichting groen doen")
        assert found[0] == exact and typo in found
        assert found[0].similarity == 1.0
        assert similar_stakeholders("stichting groen doen", exclude=[exact.pk]) == [typo]

    def test_nothing_for_short_or_unknown_names(self):
        StakeholderFactory(name="AB")
        StakeholderFactory(name="Rijkswaterstaat")
        assert similar_stakeholders("ab") == []
        assert similar_stakeholders("Kunstenaarscollectief") == []

    def test_it_costs_one_query(self, django_assert_num_queries):
        StakeholderFactory.create_batch(30)
        StakeholderFactory(name="Gemeente Utrecht")
        with django_assert_num_queries(1):
            assert [p.name for p in similar_stakeholders("gemeente utrecht ")] == [
                "Gemeente Utrecht"
            ]


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL only")
def test_postgresql_has_the_trigram_index():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'stakeholder_name_trgm'")
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition
