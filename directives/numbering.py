"""The ลำดับ to propose next, so the secretariat types as little as possible.

Numbers are the office's: "7" is a top-level item, "7.1" its first sub-item. The
functions are pure (no database) and take numbers as saved, in Arabic digits.
"""

from __future__ import annotations

from collections.abc import Iterable

from .models import NUMBER_RE

# A meeting never has this many items; the bound only keeps the loops finite.
MAX_TRIES = 1000


def parent_number(number: str) -> str | None:
    """'7.2' -> '7'; a top-level number has no parent."""
    head, dot, _ = number.rpartition(".")
    return head if dot else None


def following(number: str) -> str:
    """The number after ``number`` at the same level: 3 -> 4, 7.2 -> 7.3.

    Anything that is not a number of ours gives "" (nothing to propose)."""
    number = (number or "").strip()
    if not NUMBER_RE.match(number):
        return ""
    head, dot, last = number.rpartition(".")
    return f"{head}{dot}{int(last) + 1}"


def next_top_level(numbers: Iterable[str]) -> str:
    """One after the highest top-level number among ``numbers`` (their sub-items
    count for their parent: a meeting with 7.3 goes on at 8), or 1."""
    highest = 0
    for number in numbers:
        top = (number or "").split(".")[0]
        if top.isascii() and top.isdigit():  # stored numbers; never int("²")
            highest = max(highest, int(top))
    return str(highest + 1)


def next_free(number: str, taken: Iterable[str]) -> str:
    """The number after ``number`` at its level that is not in ``taken``."""
    taken = set(taken)
    proposal = following(number)
    for _ in range(MAX_TRIES):
        if not proposal or proposal not in taken:
            return proposal
        proposal = following(proposal)
    return ""
