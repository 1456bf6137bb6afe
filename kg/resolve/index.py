"""The mentions of one document in text order, for the questions extractors ask of
them: the last country named before a word, the people named between two words.

Sorting every mention for each such question made a long story pay for its length
once per pronoun; here the mentions stay sorted as they are added and removed, so a
question costs the mentions it looks at, not all of them.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from typing import Protocol

from spacy.tokens import Span

from kg.model import Entity


class _Mention(Protocol):
    span: Span
    entity: Entity


_FIRST = float("-inf")
_LAST = 1 << 62


class MentionIndex:
    """Mentions kept in order of addition and sorted by start, overall and by class
    (the class an entity had when its mention was added; callers check the current one).

    Ties (two mentions starting at one token) keep the order of addition, as a stable
    sort of the mentions by start would.
    """

    def __init__(self) -> None:
        self._seq = 0
        self._added: dict[int, tuple[int, _Mention]] = {}  # id → (sequence, mention)
        self._all = _Sorted()
        self._by_class: dict[str, _Sorted] = {}
        self._by_key: dict[str, _Sorted] = {}
        self._keys_by_class: dict[str, dict[str, None]] = {}  # in order of first mention

    def __len__(self) -> int:
        return len(self._added)

    def __contains__(self, mention: object) -> bool:
        return id(mention) in self._added

    def add(self, mention: _Mention) -> None:
        self._seq += 1
        self._added[id(mention)] = (self._seq, mention)
        self._keys_by_class.setdefault(mention.entity.cls, {})[mention.entity.key] = None
        for sorted_ in self._lists(mention, create=True):
            sorted_.add(mention.span.start, self._seq, mention)

    def remove(self, mention: _Mention) -> bool:
        """Forget ``mention``; False when it was not there."""
        found = self._added.pop(id(mention), None)
        if found is None:
            return False
        seq = found[0]
        for sorted_ in self._lists(mention, create=False):
            sorted_.remove(mention.span.start, seq)
        return True

    def in_order(self) -> list[_Mention]:
        """Every mention, in order of addition."""
        return [m for _, m in self._added.values()]

    def count(self, key: str) -> int:
        """How many mentions name the entity ``key``."""
        found = self._by_key.get(key)
        return len(found) if found is not None else 0

    def keys(self, cls: str) -> list[str]:
        """Keys of the entities mentioned as ``cls`` (when their mention was added)."""
        return list(self._keys_by_class.get(cls, ()))

    def tally_before(self, key: str, i: int) -> tuple[int, int]:
        """How many mentions of ``key`` start before token ``i``, and where the last starts."""
        found = self._by_key.get(key)
        return found.tally_before(i) if found is not None else (0, -1)

    def before(self, i: int, cls: str | None = None) -> Iterator[_Mention]:
        """Mentions starting before token ``i`` (of entities added as ``cls``), nearest first."""
        found = self._all if cls is None else self._by_class.get(cls)
        if found is not None:
            yield from found.before(i)

    def between(self, start: int, end: int, cls: str | None = None) -> list[_Mention]:
        """Mentions starting at tokens ``start`` to ``end - 1``, in text order."""
        found = self._all if cls is None else self._by_class.get(cls)
        return found.between(start, end) if found is not None else []

    def key_between(self, key: str, start: int, end: int) -> bool:
        """Whether the entity ``key`` is mentioned starting at tokens ``start`` to ``end - 1``."""
        found = self._by_key.get(key)
        return found is not None and bool(found.between(start, end))

    def sorted(self) -> list[_Mention]:
        """Every mention in text order."""
        return self._all.between(0, _LAST)

    def _lists(self, mention: _Mention, create: bool) -> list[_Sorted]:
        out = [self._all]
        for table, name in (
            (self._by_class, mention.entity.cls),
            (self._by_key, mention.entity.key),
        ):
            found = table.get(name)
            if found is None and create:
                found = table[name] = _Sorted()
            if found is not None:
                out.append(found)
        return out


class _Sorted:
    """Mentions sorted by (start, -sequence): read backwards, nearest first and ties in
    order of addition."""

    def __init__(self) -> None:
        self._keys: list[tuple[int, int]] = []
        self._items: list[_Mention] = []

    def __len__(self) -> int:
        return len(self._keys)

    def add(self, start: int, seq: int, mention: _Mention) -> None:
        key = (start, -seq)
        at = bisect_left(self._keys, key)
        self._keys.insert(at, key)
        self._items.insert(at, mention)

    def remove(self, start: int, seq: int) -> None:
        key = (start, -seq)
        at = bisect_left(self._keys, key)
        if at < len(self._keys) and self._keys[at] == key:
            del self._keys[at]
            del self._items[at]

    def before(self, i: int) -> Iterator[_Mention]:
        at = bisect_left(self._keys, (i, _FIRST))
        for k in range(at - 1, -1, -1):
            yield self._items[k]

    def tally_before(self, i: int) -> tuple[int, int]:
        at = bisect_left(self._keys, (i, _FIRST))
        return at, self._keys[at - 1][0] if at else -1

    def between(self, start: int, end: int) -> list[_Mention]:
        lo = bisect_left(self._keys, (start, _FIRST))
        hi = bisect_left(self._keys, (end, _FIRST))
        out: list[_Mention] = []
        run = lo  # within one start, keys run from the latest addition to the earliest
        for k in range(lo, hi + 1):
            if k == hi or self._keys[k][0] != self._keys[run][0]:
                out.extend(reversed(self._items[run:k]))
                run = k
        return out
