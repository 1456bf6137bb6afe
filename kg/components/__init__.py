"""The project's spaCy components: paragraph sentence starts, the gazetteer ruler and
name repair (``geokg_paragraphs``, ``geokg_gazetteer_ruler``, ``geokg_name_repair``)."""

from kg.components.gazetteer_ruler import GazetteerRuler, make_gazetteer_ruler
from kg.components.name_repair import NameRepair, make_name_repair
from kg.components.paragraphs import paragraph_sentences

__all__ = [
    "GazetteerRuler",
    "NameRepair",
    "make_gazetteer_ruler",
    "make_name_repair",
    "paragraph_sentences",
]
