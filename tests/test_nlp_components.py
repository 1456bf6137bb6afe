"""The pipeline's own spaCy components: factories with a config, saved and loaded whole."""

from __future__ import annotations

import subprocess
import sys

import pytest
import spacy
from spacy.language import Language

from kg.components.gazetteer_ruler import GazetteerRuler
from kg.components.name_repair import NameRepair
from kg.components.words import name_words
from kg.gazetteer import Gazetteer
from kg.nlp import build_nlp, gazetteer_patterns

# Sentences written for these tests: gazetteer links of several kinds (a country, a
# demonym, a city, an acronym, a leader) and names the repair works on.
SENTENCES = [
    "President Emmanuel Macron of France flew to Nairobi on Tuesday for talks with Kenyan "
    "officials and the Kenya Commercial Bank.",
    "The Bank of Ghana and the Philippine Coast Guard signed a memorandum, NATO said.",
    "Mr Ochieng, the chairman of the Lakeside Farmers Union, met Dr. Amina Wekesa in Paris.",
    "Comptroller Halvard Brennick resigned after the audit.\n\nThe vote was set for June.",
]


def entities(doc) -> list[tuple[str, str, str, str]]:
    return [(e.text, e.label_, e.ent_id_, e.kb_id_) for e in doc.ents]


@pytest.fixture(scope="module")
def nlp() -> Language:
    return build_nlp()


@pytest.fixture(scope="module")
def saved(nlp, tmp_path_factory) -> Language:
    path = tmp_path_factory.mktemp("pipeline")
    nlp.to_disk(path)
    return spacy.load(path)


def test_pipeline_order_and_factories(nlp):
    names = nlp.pipe_names
    assert names.index("paragraphs") < names.index("parser")
    assert names.index("gazetteer_ruler") < names.index("ner") < names.index("name_repair")
    assert nlp.get_pipe_meta("gazetteer_ruler").factory == "geokg_gazetteer_ruler"
    assert nlp.get_pipe_meta("name_repair").factory == "geokg_name_repair"
    assert nlp.get_pipe_meta("gazetteer_ruler").default_config == {"spans_key": "gazetteer"}
    assert nlp.config["components"]["name_repair"]["spans_key"] == "gazetteer"


def test_saved_pipeline_gives_the_same_entities_and_links(nlp, saved):
    assert saved.pipe_names == nlp.pipe_names
    for text in SENTENCES:
        assert entities(saved(text)) == entities(nlp(text))
    doc = saved(SENTENCES[0])
    links = {e.text: e.ent_id_ for e in doc.ents if e.ent_id_}
    gaz = Gazetteer.load()
    assert gaz.entry(links["France"]).name == "France"
    assert gaz.entry(links["Kenyan"]).name == "Kenya"
    assert gaz.entry(links["Nairobi"]).cls == "City"
    assert links["Emmanuel Macron"]  # a leader of the gazetteer, linked after loading too
    assert "NATO" in {e.text for e in saved(SENTENCES[1]).ents if e.ent_id_}


def test_saved_ruler_keeps_every_pattern(nlp, saved):
    ruler, loaded = nlp.get_pipe("gazetteer_ruler"), saved.get_pipe("gazetteer_ruler")
    assert isinstance(loaded, GazetteerRuler)
    assert loaded.patterns == ruler.patterns
    assert len(loaded) == len(gazetteer_patterns(Gazetteer.load())) > 1000


def test_ruler_bytes_round_trip(nlp):
    ruler = nlp.get_pipe("gazetteer_ruler")
    fresh = nlp.get_pipe("gazetteer_ruler").__class__(nlp, "copy", spans_key="gazetteer")
    assert len(fresh) == 0
    fresh.from_bytes(ruler.to_bytes())
    assert fresh.patterns == ruler.patterns
    assert fresh.labels == ruler.labels


def test_repair_words_travel_with_the_pipeline(nlp):
    repair = nlp.get_pipe("name_repair")
    assert isinstance(repair, NameRepair)
    copy = NameRepair(nlp, "copy", spans_key="gazetteer")
    copy.words = copy.words.from_dict({k: [] for k in repair.words.to_dict()})
    assert not copy.words.honorifics
    copy.from_bytes(repair.to_bytes())
    assert copy.words == repair.words == name_words()
    assert "sheikh" in copy.words.honorifics


def test_ruler_pattern_of_exact_case(nlp):
    blank = spacy.blank("en")
    ruler = blank.add_pipe("geokg_gazetteer_ruler")
    ruler.add_patterns(
        [
            {"label": "ORG", "pattern": "ABC", "id": "org:abc", "attr": "ORTH"},
            {"label": "GPE", "pattern": "Zembla", "id": "place:zembla", "kb_id": "Q1"},
        ]
    )
    doc = blank("abc and ABC met in zembla.")
    assert entities(doc) == [("ABC", "ORG", "org:abc", ""), ("zembla", "GPE", "place:zembla", "Q1")]
    assert [s.text for s in doc.spans["gazetteer"]] == ["ABC", "zembla"]
    with pytest.raises(ValueError, match="NORM or ORTH"):
        ruler.add_patterns([{"label": "ORG", "pattern": "x", "attr": "LEMMA"}])


def test_saved_pipeline_loads_without_importing_geokg_first(saved, tmp_path):
    path = tmp_path / "p"
    saved.to_disk(path)
    code = (
        "import spacy, sys\n"
        f"nlp = spacy.load({str(path)!r})\n"
        "doc = nlp('The talks in Nairobi ended.')\n"
        "print([(e.text, e.ent_id_) for e in doc.ents])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    gaz = Gazetteer.load()
    assert out.stdout.strip() == str([("Nairobi", gaz.lookup("Nairobi").key)])
