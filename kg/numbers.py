"""Numbers as news writes them ("28,500", "4.5 million", "two thousand"), read exactly.

Digits are read as :class:`~decimal.Decimal`, never through a float, so a long number
keeps every digit until it is judged. What is not a number a reporter writes is refused
(None): signs, exponents ("1e309"), "inf", "nan", and more significant digits than
``MAX_DIGITS``. Whether a number fits what it counts is decided by the model
(:data:`kg.model.MAX_TROOP_COUNT`, :func:`kg.model.valid_limit_value`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal
from functools import lru_cache

from kg.lexicon import lexicon
from kg.model import MAX_TROOP_COUNT, valid_limit_value

# More significant digits than a float holds exactly is no measure a story gives.
MAX_DIGITS = 15
_PLAIN = re.compile(r"^(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")


@lru_cache(maxsize=1)
def _number_words() -> tuple[dict[str, Decimal], dict[str, Decimal], dict[str, int]]:
    """Number words of the lexicon: as a treaty limit gives them ('two warheads', 'half'), as
    they count troops ('two thousand', 'a dozen': whole numbers from two, since 'one soldier'
    counts no force) and the scales ('hundred', 'million')."""
    raw = lexicon().raw
    limits = {w: Decimal(str(v)) for w, v in raw["number_words"].items()}
    counts = {w: v for w, v in limits.items() if v >= 2 and v == v.to_integral_value()}
    return limits, counts, {w: int(v) for w, v in raw["number_scales"].items()}


def parse_number(text: str) -> Decimal | None:
    """'28,500' → 28500, '3.67' → 3.67; None for anything but plain digits."""
    if not _PLAIN.match(text):
        return None
    value = Decimal(text.replace(",", ""))
    digits = value.normalize().as_tuple().digits
    if len(digits) > MAX_DIGITS:
        return None
    return value


def count_of(words: Iterable[str]) -> int | None:
    """The troop count a number phrase gives: '28,500', '4.5 million', 'two thousand'.

    None when the phrase gives no whole number between 1 and ``MAX_TROOP_COUNT``.
    """
    _, counts, scales = _number_words()
    value: Decimal | None = None
    for word in words:
        number = parse_number(word)
        lower = word.lower()
        if number is not None and value is None:
            value = number
        elif lower in scales:
            value = (value if value is not None else Decimal(1)) * scales[lower]
        elif value is None and lower in counts:
            value = counts[lower]
    if value is None or value != value.to_integral_value():
        return None
    count = int(value)
    return count if 1 <= count <= MAX_TROOP_COUNT else None


def limit_value(text: str) -> float | None:
    """The value of a treaty limit written as ``text`` ('5,500', '3.67', 'two')."""
    value = parse_number(text)
    if value is None:
        value = _number_words()[0].get(text.lower())
    if value is None:
        return None
    number = float(value)
    return number if valid_limit_value(number) else None
