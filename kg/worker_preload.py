"""Imported by the server process that local workers are forked from (``kg.parallel``):
loading the pipeline here once makes every worker start with it already loaded."""

from __future__ import annotations

import gc
import logging

from kg.nlp import build_nlp
from kg.pipeline import make_tools

try:
    build_nlp()
    make_tools(None)
except Exception:  # a worker that needs them fails in its own setup and says why
    logging.getLogger(__name__).debug("pipeline not preloaded", exc_info=True)
# What is loaded now is shared by every worker forked later (copy on write): kept out of the
# collector's scans, it is not copied by them either.
gc.freeze()
