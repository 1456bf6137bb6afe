"""Every rule of every pattern file in kg/data/patterns/ has examples, and each example runs
through the real pipeline: the rule itself matches it, and the facts of the rule's kind that
the build extracts from it are exactly the example's facts, scored as ``kg eval`` scores."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kg.evaluation import score
from kg.evaluation.gold import parse_record
from kg.extract.rules import RuleError, RuleSet, pattern_files, rule_set
from kg.graph import KnowledgeGraph
from kg.model import Document
from kg.nlp import build_nlp
from kg.pipeline import extract

EXAMPLES = [
    (name, rule.name, n, example)
    for name in pattern_files()
    for rule in rule_set(name)
    for n, example in enumerate(rule.examples)
]


def _example_id(file: str, rule: str, n: int) -> str:
    return f"{file}:{rule}:{n}"


@pytest.fixture(scope="module")
def extractions():
    """One build of every example (one nlp.pipe over all of them)."""
    documents = [
        Document(
            id=_example_id(f, r, n),
            text=ex["text"],
            date=dt.date.fromisoformat(ex["date"]) if ex.get("date") else None,
        )
        for f, r, n, ex in EXAMPLES
    ]
    return {e.document.id: e for e in extract(documents, min_confidence=0.5)}


def test_there_are_pattern_files():
    assert "positions" in pattern_files()


@pytest.mark.parametrize("name", pattern_files())
def test_every_rule_has_an_example_with_facts(name: str):
    rules = rule_set(name)
    assert rules.rules, name
    for rule in rules:
        assert rule.confidence > 0, rule.name
        assert any(ex.get("facts") for ex in rule.examples), f"{name}: {rule.name}"
        for example in rule.examples:
            assert {"text", "facts"} <= example.keys(), f"{name}: {rule.name}"
            assert all(f.get("kind") == rule.kind for f in example["facts"]), rule.name


@pytest.mark.parametrize(
    ("file", "rule", "n", "example"),
    [pytest.param(*e, id=_example_id(*e[:3])) for e in EXAMPLES],
)
def test_example_gives_exactly_its_facts(extractions, file, rule, n, example):
    kind = rule_set(file).rule(rule).kind
    doc_id = _example_id(file, rule, n)
    gold = parse_record({"id": doc_id, **example, "entities": example.get("entities", [])})
    graph = KnowledgeGraph()
    graph.add_extraction(extractions[doc_id])
    counts = score([gold], graph.dataset).totals[kind]
    wrong = [e for e in score([gold], graph.dataset).errors if e.kind == kind]
    assert (counts.fp, counts.fn) == (0, 0), wrong


@pytest.mark.parametrize(
    ("file", "rule"), [(f, r.name) for f in pattern_files() for r in rule_set(f)]
)
def test_the_rule_itself_matches_its_examples_with_facts(file: str, rule: str):
    # the facts must come from this rule, not only from another rule of the extractor
    rules = rule_set(file)
    nlp = build_nlp()
    for example in rules.rule(rule).examples:
        if example["facts"]:
            doc = nlp(example["text"])
            assert any(m.rule.name == rule for m in rules.matches(doc)), example["text"]


def test_a_lexicon_reference_expands_to_the_list(tmp_path):
    path = tmp_path / "demo.json"
    rule = {
        "name": "r",
        "confidence": 0.5,
        "pattern": [{"RIGHT_ID": "a", "RIGHT_ATTRS": {"LEMMA": {"IN": ["@withdraw_verbs", "x"]}}}],
    }
    path.write_text(json.dumps({"rules": [rule]}), encoding="utf-8")
    words = RuleSet("demo", path).rules[0].pattern[0]["RIGHT_ATTRS"]["LEMMA"]["IN"]
    assert words[-1] == "x" and "withdraw" in words and "@withdraw_verbs" not in words


@pytest.mark.parametrize(
    ("rules", "reason"),
    [
        (
            [{"name": "r", "confidence": 0.5, "pattern": [{"LEMMA": {"IN": "@no_such_list"}}]}],
            "no word list 'no_such_list'",
        ),
        ([{"name": "r", "pattern": []}], "confidence"),
        (
            [
                {"name": "r", "confidence": 1, "pattern": []},
                {"name": "r", "confidence": 1, "pattern": []},
            ],
            "rule names repeat",
        ),
    ],
)
def test_a_bad_pattern_file_is_one_clear_error(tmp_path, rules, reason):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"matcher": "token", "rules": rules}), encoding="utf-8")
    with pytest.raises(RuleError, match=reason) as info:
        RuleSet("bad", path)
    assert "bad.json" in str(info.value)


def test_a_token_rule_names_its_nodes(tmp_path):
    path = tmp_path / "tok.json"
    rule = {
        "name": "pair",
        "confidence": 0.5,
        "pattern": [{"LOWER": "troops"}, {"LOWER": "in"}, {"ENT_TYPE": "GPE"}],
        "nodes": {"troops": 0, "place": 2},
    }
    path.write_text(json.dumps({"matcher": "token", "rules": [rule]}), encoding="utf-8")
    doc = build_nlp()("The country keeps troops in Poland.")
    (match,) = list(RuleSet("tok", path).matches(doc))
    assert (match["troops"].text, match["place"].text) == ("troops", "Poland")


def test_a_rule_names_a_head_it_does_not_match(tmp_path):
    from kg.extract.rules import with_heads

    path = tmp_path / "heads.json"
    rule = {
        "name": "of-country",
        "confidence": 0.5,
        "pattern": [{"RIGHT_ID": "of", "RIGHT_ATTRS": {"LOWER": "of", "DEP": "prep"}}],
        "heads": {"noun": "of"},
    }
    path.write_text(json.dumps({"rules": [rule]}), encoding="utf-8")
    doc = build_nlp()("The members of the bloc met.")
    (match,) = list(RuleSet("heads", path).matches(doc))
    nodes = with_heads(match)
    assert (nodes["of"].text, nodes["noun"].text) == ("of", "members")
