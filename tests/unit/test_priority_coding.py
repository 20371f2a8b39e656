"""The priority coder (pipelines/coding.py): hand-made priorities in several languages with known domains, the
description rules, overlapping rules, NACE divisions, the similarity fallback, overrides, weights and determinism."""
from __future__ import annotations

import random

import pytest

from pipelines.coding import (KeywordCoder, KeywordRule, Override, PriorityCoder, SimilarityIndex, code_priority,
                              infer_competences, load_rules, load_taxonomy, normalise, precision_recall)


@pytest.fixture(scope="module")
def coder() -> PriorityCoder:
    return PriorityCoder.from_taxonomy(load_taxonomy())


def domains_of(coder, title, original=None, description=None, nace=None, pid="X#1"):
    return {link.domain_code for link in coder.code(pid, title, original, description, nace)}


# (title, original-language title, expected domains): the real keyword rules must code these exactly
MULTILINGUAL = [
    ("Gesundheitswirtschaft", None, {"SEC_HEALTH"}),  # German only
    ("", "Energías renovables", {"SEC_ENERGY"}),  # Spanish only
    ("", "Strojírenství a mechatronika", {"SEC_MANUFACTURING", "TECH_ROBOTICS"}),  # Czech
    ("", "Żywność wysokiej jakości", {"SEC_AGRIFOOD"}),  # Polish
    ("", "Αγροδιατροφική Αλυσίδα", {"SEC_AGRIFOOD"}),  # Greek
    ("", "Santé et bien-être", {"SEC_HEALTH"}),  # French
    ("", "Livsmedel", {"SEC_AGRIFOOD"}),  # Swedish
    ("", "Aerospazio", {"SEC_AEROSPACE"}),  # Italian
    ("", "Kiertotalous", {"SEC_ENVIRONMENT"}),  # Finnish
    ("", "Gezondheid en Zorg", {"SEC_HEALTH"}),  # Dutch
    ("", "Turismo", {"SEC_TOURISM"}),  # Portuguese / Spanish / Italian
    ("", "Industria aeronautică", {"SEC_AEROSPACE"}),  # Romanian
    ("Maritime economy", "Maritime Wirtschaft", {"SEC_MARITIME"}),
    ("Optics and photonics", "Optik und Photonik", {"TECH_PHOTONICS"}),
    ("Automotive", None, {"SEC_AUTOMOTIVE"}),
    ("Blockchain and cybersecurity", None, {"TECH_BLOCKCHAIN", "TECH_CYBER"}),
]


@pytest.mark.parametrize("title, original, expected", MULTILINGUAL)
def test_multilingual_priorities_get_their_domains(coder, title, original, expected):
    assert domains_of(coder, title, original) == expected


# words that look like a domain term but are not
@pytest.mark.parametrize("title, present, absent", [
    ("Machine learning", {"TECH_AI"}, {"SEC_MANUFACTURING"}),
    ("Cyber-physical systems", {"TECH_IOT"}, {"TECH_CYBER"}),
    ("Efficient and sustainable urban space and flows", {"SEC_SMART_CITIES"}, {"SEC_AEROSPACE"}),
    ("3D printing", {"TECH_ADVANCED_MANUFACTURING"}, {"SEC_CREATIVE"}),
    ("Cultural and creative industries", {"SEC_CREATIVE"}, {"SEC_MANUFACTURING"}),
    ("IT", {"SEC_ICT"}, set()),
    ("Raw materials", {"SEC_MINING"}, {"TECH_MATERIALS"}),
    ("Hydrogen technologies", {"SEC_ENERGY"}, {"SEC_ENVIRONMENT"}),  # 'Wasserstoff' is not 'Wasser'
])
def test_false_friends_are_not_coded(coder, title, present, absent):
    got = domains_of(coder, title)
    assert present <= got and not (absent & got)


def test_it_the_pronoun_is_not_the_it_sector(coder):
    assert "SEC_ICT" not in domains_of(coder, "Making it happen in agriculture")


def test_accents_and_case_do_not_matter():
    assert normalise("ENERGÍA  Zdraví\tυγεία") == "energia zdravi υγεια"


def test_description_counts_next_to_the_title_at_lower_weight(coder):
    # the description's domains are added, each term at DESCRIPTION_POINTS against TITLE_POINTS for the title
    links = {l.domain_code: l
             for l in coder.code("X#1", "Tourism", None, "Hotels, agriculture and energy for visitors.")}
    assert set(links) == {"SEC_TOURISM", "SEC_AGRIFOOD", "SEC_ENERGY"}
    assert links["SEC_ENERGY"].weight == pytest.approx(links["SEC_AGRIFOOD"].weight)  # one description term each
    assert links["SEC_TOURISM"].weight >= 2 * links["SEC_ENERGY"].weight  # a title term counts twice
    assert "description: energy" in links["SEC_ENERGY"].evidence
    # the real case of the issue: 'natural resources' gains its description's agriculture, sea and forest
    got = domains_of(coder, "Protection and sustainable transformation of natural resources",
                     description="Agriculture, marine and forest resources; innovation to protect biodiversity.")
    assert {"SEC_ENVIRONMENT", "SEC_AGRIFOOD", "SEC_MARITIME", "SEC_FORESTRY_WOOD"} <= got
    without = domains_of(coder, "Pillar 2", description="Renewable energy and energy storage.")
    assert without == {"SEC_ENERGY"}


def test_strategy_wide_clauses_of_a_description_are_not_coded(coder):
    # FI1D8-2014-2020#2: the cross-cutting list describes the whole strategy, not this priority
    got = domains_of(coder, "Games & simulators", description=(
        "S3 choices 2018-2021, group: technology industry innovations. Cross-cutting: KETs; robotics, automation, "
        "data centres, AI, VR; circular economy; resource efficiency and climate."))
    assert not {"TECH_ROBOTICS", "TECH_AI", "SEC_ENVIRONMENT"} & got
    got = domains_of(coder, "E-commerce and logistics", description=(
        "S3 adopted by the regional council 7 Dec 2021; service design (tjänstedesign) is a common cross-cutting "
        "factor."))
    assert "SEC_CREATIVE" not in got and {"SEC_TRADE", "SEC_MOBILITY_LOGISTICS", "TECH_DIGITAL"} <= got


def test_czech_annex_descriptions_count_only_when_the_title_finds_nothing(coder):
    title, description = "Strojírenství", "Zemědělství, stavebnictví a lesnictví."
    assert domains_of(coder, title, description=description) >= {"SEC_AGRIFOOD", "SEC_MANUFACTURING"}
    fallback_only = {l.domain_code for l in coder.code("X#1", title, None, description, None, False)}
    assert fallback_only == {"SEC_MANUFACTURING"}


# a short rule inside a longer phrase, overlapping rules, e-prefixed digital terms (issue 8 item 4, real titles)
@pytest.mark.parametrize("title, present, absent", [
    ("Metal-machinery and boat-building industry and related sectors, in particular ICT",
     {"SEC_MARITIME", "SEC_METALS_MATERIALS", "SEC_MANUFACTURING", "SEC_ICT"}, {"SEC_CONSTRUCTION"}),
    ("Life science, welfare technology and e-health", {"SEC_HEALTH", "TECH_BIOTECH", "TECH_DIGITAL"}, {"SEC_SOCIAL"}),
    ("Welfare and health", {"SEC_SOCIAL", "SEC_HEALTH"}, set()),
    ("Digitalisation of public services (e-health, e-learning, smart city)",
     {"TECH_DIGITAL", "SEC_PUBLIC_ADMIN", "SEC_HEALTH", "SEC_EDUCATION", "SEC_SMART_CITIES"}, set()),
    ("Emphasis on e-administration and e-government", {"SEC_PUBLIC_ADMIN", "TECH_DIGITAL"}, set()),
    ("Machine building, components and production equipment", {"SEC_MANUFACTURING"}, {"SEC_CONSTRUCTION"}),
    ("Energy-efficient community building", {"SEC_ENERGY", "SEC_CONSTRUCTION"}, {"SEC_SOCIAL"}),
    ("Key enabling technologies (cross-cutting)", {"TECH_MATERIALS", "TECH_PHOTONICS", "TECH_MICROELECTRONICS"},
     {"TECH_DIGITAL"}),
    ("Natural resources, consumption and material cycles", {"SEC_ENVIRONMENT"}, {"TECH_MATERIALS"}),
])
def test_longer_phrases_win_and_e_terms_are_digital(coder, title, present, absent):
    got = domains_of(coder, title)
    assert present <= got and not (absent & got), got


def test_overlapping_hits_resolve_leftmost_longest():
    from pipelines.coding import resolve_overlaps
    hits = [(0, 7, "SEC_SOCIAL", "welfare"), (0, 18, "SEC_HEALTH", "welfare technology"),
            (0, 18, "TECH_X", "welfare technology"), (20, 26, "SEC_HEALTH", "health")]
    assert {h[2] for h in resolve_overlaps(hits)} == {"SEC_HEALTH", "TECH_X"}
    # a hit starting inside an earlier one is dropped ('boat-building' then 'building industry')
    hits = [(0, 13, "SEC_MARITIME", "boat-building"), (5, 22, "SEC_CONSTRUCTION", "building industry")]
    assert [h[2] for h in resolve_overlaps(hits)] == ["SEC_MARITIME"]


def test_nace_divisions_confirm_keywords_and_code_when_no_keyword_matches(coder):
    confirmed = coder.code("X#1", "Strojírenství", None, None, "28;25;29")
    assert {l.domain_code for l in confirmed} == {"SEC_MANUFACTURING"}
    assert "NACE 28" in confirmed[0].evidence
    only_nace = coder.code("X#1", "Doména 7", None, None, "62;63;58;01")
    assert {l.domain_code: l.method for l in only_nace} == {"SEC_ICT": "nace", "SEC_CREATIVE": "nace"}
    assert abs(sum(l.weight for l in only_nace) - 1) < 1e-9
    # SEC_ICT has two of the first three divisions: twice the weight of SEC_CREATIVE
    w = {l.domain_code: l.weight for l in only_nace}
    assert w["SEC_ICT"] == pytest.approx(2 * w["SEC_CREATIVE"], rel=1e-5)


def test_similarity_fallback_stores_its_cosine(coder):
    links = coder.code("X#1", "Knowledge-intensive consultancy for firms", None, None)
    assert links  # 'knowledge-intensive' is a keyword of SEC_PROFESSIONAL; now a text with no keyword at all:
    links = coder.code("X#1", "Vendors of hotels and accommodation", None, None)
    assert all(l.method in ("keyword", "similarity") for l in links)
    tiny = SimilarityIndex.build({"SEC_A": "apples pears orchards fruit", "SEC_B": "steel iron foundry"})
    assert tiny.best("fruit orchards of the valley")[0][0] == "SEC_A"
    assert tiny.best("completely unrelated words") == []


def test_weights_sum_to_one_and_follow_title_points():
    rules = load_rules([dict(domain_code="SEC_A", term="energ"), dict(domain_code="SEC_B", term="water"),
                        dict(domain_code="SEC_B", term="waste")])
    links = code_priority("Energy, water and waste", None, None, rules, None)
    w = {l.domain_code: l.weight for l in links}
    assert w == {"SEC_B": pytest.approx(2 / 3), "SEC_A": pytest.approx(1 / 3)}
    assert sum(w.values()) == pytest.approx(1.0)
    assert links[0].evidence == "keyword title: waste, water"


def test_overrides_win():
    rules = load_rules([dict(domain_code="SEC_A", term="energ"), dict(domain_code="SEC_B", term="water")])
    links = code_priority("Energy and water", None, None, rules, None,
                          overrides=[Override("SEC_B", "remove", "water is a side topic here"),
                                     Override("SEC_C", "add", "the strategy text says so")])
    by = {l.domain_code: l for l in links}
    assert set(by) == {"SEC_A", "SEC_C"}
    assert by["SEC_C"].method == "override" and "strategy text" in by["SEC_C"].evidence
    assert sum(l.weight for l in links) == pytest.approx(1.0)
    assert code_priority("Nothing", None, None, rules, None, overrides=[Override("SEC_A", "add", "r")])[0].weight == 1.0


def test_real_overrides_are_applied(coder):
    # data/taxonomy/priority_overrides.csv removes a similarity artefact and adds the right domain
    links = {l.domain_code: l for l in coder.code("RO12-2021-2027#5", "Light industry", "Industria ușoară", None)}
    assert links["SEC_TEXTILES"].method == "override" and "NACE C13-C15" in links["SEC_TEXTILES"].evidence
    assert "SEC_PROFESSIONAL" not in links
    # without the override only the similarity fallback codes it, to another domain
    plain = coder.code("X#1", "Light industry", "Industria ușoară", None)
    assert {l.method for l in plain} == {"similarity"} and "SEC_TEXTILES" not in {l.domain_code for l in plain}


def test_coding_is_deterministic_and_independent_of_rule_order():
    tax = load_taxonomy()
    text = ("Smart manufacturing, energy and digital health", "Intelligente Produktion", "Industry 4.0 for SMEs")
    first = PriorityCoder.from_taxonomy(tax).code("X#1", *text)
    shuffled = dict(tax, keywords=random.Random(7).sample(tax["keywords"], len(tax["keywords"])))
    assert PriorityCoder.from_taxonomy(shuffled).code("X#1", *text) == first
    assert PriorityCoder.from_taxonomy(tax).code("X#1", *text) == first


def test_bad_rules_are_rejected():
    with pytest.raises(ValueError, match="unknown match kind"):
        load_rules([dict(domain_code="SEC_A", term="x", match="fuzzy")])
    with pytest.raises(ValueError, match="unknown domain_code"):
        load_rules([dict(domain_code="SEC_Z", term="x")], {"SEC_A"})
    with pytest.raises(ValueError, match="bad pattern"):
        KeywordCoder([KeywordRule("SEC_A", "en", "regex", "(unclosed")])


def test_priority_scope_rules_are_not_used_on_hub_descriptions():
    rules = load_rules([dict(domain_code="SEC_EDU", term="training", scope="priorities"),
                        dict(domain_code="TECH_AI", term="artificial intelligence")])
    text = "We offer training in artificial intelligence"
    assert set(rules.matches(text, scope="priorities")) == {"SEC_EDU", "TECH_AI"}
    assert set(rules.matches(text, scope="all")) == {"TECH_AI"}
    found = infer_competences(text + " and artificial intelligence tools", rules, {"technology"},
                              {"TECH_AI": "technology", "SEC_EDU": "sector"})
    assert found == [("TECH_AI", 1, "artificial intelligence")]  # one distinct term → level 1


def test_precision_recall():
    scores = precision_recall({"a": {"X", "Y"}, "b": set()}, {"a": {"X", "Z"}, "b": {"W"}})
    assert (scores["true_positives"], scores["false_positives"], scores["false_negatives"]) == (1, 2, 1)
    assert scores["precision"] == pytest.approx(1 / 3) and scores["recall"] == pytest.approx(1 / 2)
