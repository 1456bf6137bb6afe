"""The bundled sample articles and their gold annotations agree with what the tool reads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import InputError
from kg.evaluation import load_gold
from kg.ingest import iter_documents
from kg.model import Document

# What SAMPLES.md lists: one document per file, two records in briefs.jsonl.
SAMPLE_IDS = [
    "baltic-exercise.txt",
    "brahmos-philippines.html",
    "ecowas-niger-sanctions",
    "inf-treaty-suspended.txt",
    "iran-enrichment.md",
    "japan-australia-defence",
]


@pytest.fixture(scope="module")
def read(samples_dir: Path) -> list[Document | InputError]:
    return list(iter_documents([samples_dir]))


@pytest.fixture(scope="module")
def gold(samples_gold: Path):
    return {document.id: document for document in load_gold(samples_gold)}


def test_gold_loads_one_record_per_sample(samples_gold, gold):
    lines = [line for line in samples_gold.read_text(encoding="utf-8").splitlines() if line]
    assert len(lines) == len(gold)
    assert sorted(gold) == SAMPLE_IDS
    for doc in gold.values():
        assert doc.date is not None and doc.title and doc.entities and doc.facts


def test_readers_read_every_sample_and_nothing_else(read):
    assert [item for item in read if isinstance(item, InputError)] == []
    assert sorted(item.id for item in read) == SAMPLE_IDS


@pytest.mark.parametrize("doc_id", SAMPLE_IDS)
def test_gold_text_is_what_the_readers_produce(read, gold, doc_id):
    document = next(item for item in read if item.id == doc_id)
    assert document.text == gold[doc_id].text
    assert document.title == gold[doc_id].title
    assert document.date == gold[doc_id].date


@pytest.mark.parametrize("doc_id", SAMPLE_IDS)
def test_every_alias_occurs_in_its_text(gold, doc_id):
    doc = gold[doc_id]
    missing = [
        (entity.name, alias)
        for entity in doc.entities
        for alias in entity.aliases
        if alias not in doc.text
    ]
    assert missing == []


@pytest.mark.parametrize("doc_id", SAMPLE_IDS)
def test_every_name_in_a_fact_is_an_entity(samples_gold, gold, doc_id):
    raw = next(
        json.loads(line)
        for line in samples_gold.read_text(encoding="utf-8").splitlines()
        if line and json.loads(line)["id"] == doc_id
    )
    known = {e["name"] for e in raw["entities"]} | {
        a for e in raw["entities"] for a in e.get("aliases", [])
    }
    name_fields = ("person", "jurisdiction", "from", "in", "member", "organization", "agent")
    list_fields = ("parties", "restricts", "allies", "participants")
    unknown = []
    for fact in raw["facts"]:
        for key in name_fields:
            values = fact.get(key)
            for value in values if isinstance(values, list) else [values] if values else []:
                if value not in known:
                    unknown.append((fact["kind"], key, value))
        for key in list_fields:
            unknown += [(fact["kind"], key, v) for v in fact.get(key, []) if v not in known]
    assert unknown == []


def test_sample_build_has_every_sample_and_passes_shacl(sample_build):
    assert sorted(sample_build.documents) == SAMPLE_IDS
    assert sample_build.errors == []
    assert sample_build.facts > 0
    conforms, report = sample_build.graph.validate()
    assert conforms, report
