"""The registry of extractors, as spaCy registers its factories.

Each fact kind's module registers its extractor with :func:`register_extractor`: a name, the
fact kinds it ``provides`` and ``requires`` (what earlier extractors must have found, such as
the roles of people), and a default config. The pipeline runs them in an order that meets
every requirement (:func:`make_extractors`), and a selection by name runs only those. Other
packages add extractors through the ``geokg_extractors`` entry point group.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import catalogue

from kg.extract.context import DocContext
from kg.model import Fact

Extractor = Callable[[DocContext], Iterable[Fact]]
extractors = catalogue.create("geokg", "extractors", entry_points=True)


@dataclass(frozen=True)
class ExtractorSpec:
    """A registered extractor: how to make it and what it needs."""

    name: str
    factory: Callable[..., Extractor]
    provides: tuple[str, ...]
    requires: tuple[str, ...] = ()
    default_config: Mapping[str, Any] = field(default_factory=dict)

    def make(self, config: Mapping[str, Any] | None = None) -> Extractor:
        """The extractor, made with the default config updated by ``config``."""
        made = self.factory(**{**self.default_config, **(config or {})})
        if getattr(made, "name", None) is None:
            try:
                made.name = self.name
            except AttributeError:
                pass
        return made


def register_extractor(
    name: str,
    *,
    provides: Iterable[str],
    requires: Iterable[str] = (),
    default_config: Mapping[str, Any] | None = None,
) -> Callable[[Callable[..., Extractor]], Callable[..., Extractor]]:
    """Decorator registering an extractor factory (a class or a function) under ``name``."""

    def decorate(factory: Callable[..., Extractor]) -> Callable[..., Extractor]:
        spec = ExtractorSpec(
            name, factory, tuple(provides), tuple(requires), dict(default_config or {})
        )
        extractors.register(name, func=spec)
        return factory

    return decorate


def registered() -> dict[str, ExtractorSpec]:
    """Every registered extractor by name, in the order of registration."""
    return dict(extractors.get_all())


def make_extractors(
    names: Iterable[str] | None = None, config: Mapping[str, Mapping[str, Any]] | None = None
) -> tuple[Extractor, ...]:
    """The extractors ``names`` (all registered ones by default), made and ordered so that each
    runs after those providing what it requires; otherwise in the order given.

    ``ValueError`` for an unknown name, or a requirement no selected extractor provides.
    """
    specs = registered()
    chosen = list(dict.fromkeys(specs if names is None else names))
    for name in chosen:
        if name not in specs:
            raise ValueError(f"unknown extractor {name!r} (known: {', '.join(specs)})")
    providers: dict[str, str] = {}
    for name in chosen:
        for kind in specs[name].provides:
            providers.setdefault(kind, name)
    needs: dict[str, set[str]] = {}
    for name in chosen:
        needs[name] = set()
        for kind in specs[name].requires:
            if kind not in providers:
                raise ValueError(
                    f"extractor {name!r} requires {kind!r}, which no selected extractor provides"
                )
            if providers[kind] != name:
                needs[name].add(providers[kind])
    order: list[str] = []
    while len(order) < len(chosen):
        ready = [n for n in chosen if n not in order and needs[n] <= set(order)]
        if not ready:
            cycle = ", ".join(n for n in chosen if n not in order)
            raise ValueError(f"extractors {cycle} require each other")
        order.append(ready[0])  # the first ready one keeps the given order where it can
    config = config or {}
    return tuple(specs[name].make(config.get(name)) for name in order)
