"""The rotation: which entry a guild gets on a date, as pure functions of its seed and its post ledger.

Each guild has a seed (stored in ``totd_settings``; derived from the guild ID until then). Within cycle ``c`` the
entries are ordered by ``blake2b(key=seed, "c:entry")``. The term for a date is the first entry of the current
cycle's order that the ledger (``totd_posts``) has not yet recorded as posted in that cycle; a cycle ends when
every *current* entry has been posted, so added entries join the running cycle and removed ones are simply no
longer waited for. Each ledger row stores the cycle it was picked in, so the state never depends on replaying
history against today's glossary. A new cycle never starts with the entry that ended the last one.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from bot.glossary.model import Glossary
from bot.storage.totd import CLAIMED, SENDING, SENT, PostRecord

PREDICTED = "predicted"
"""The status of a ``Prediction`` for a date the ledger has no row for."""


def seed_for_guild(guild_id: int) -> int:
    """The default rotation seed of a guild: a stable 63-bit hash of its ID (so predictions work offline)."""
    digest = hashlib.blake2b(f"cyberglossary-totd:{guild_id}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") & (2**63 - 1)


def cycle_order(numbers: Iterable[int], seed: int, cycle: int) -> list[int]:
    """Entry numbers in the order cycle ``cycle`` of a guild with ``seed`` shows them."""
    return list(_cycle_order(tuple(sorted(set(numbers))), seed, cycle))


@lru_cache(maxsize=256)
def _cycle_order(numbers: tuple[int, ...], seed: int, cycle: int) -> tuple[int, ...]:
    key = (seed & (2**64 - 1)).to_bytes(8, "big")

    def rank(number: int) -> tuple[bytes, int]:
        return hashlib.blake2b(f"{cycle}:{number}".encode(), key=key, digest_size=8).digest(), number

    return tuple(sorted(numbers, key=rank))


@dataclass(frozen=True, slots=True)
class RotationState:
    """Where a guild's rotation stands: the running cycle, what it still has to show, and the last shown entry."""

    cycle: int
    remaining: tuple[int, ...]
    previous: int | None


@dataclass(frozen=True, slots=True)
class Prediction:
    """The term of one guild on one date: recorded in the ledger (``status`` is the row's) or ``predicted``."""

    local_date: date
    entry: int
    cycle: int
    status: str
    record: PostRecord | None = None

    @property
    def recorded(self) -> bool:
        """Whether the ledger has a row for the date."""
        return self.record is not None


def counts_as_posted(record: PostRecord, today: date) -> bool:
    """Whether a ledger row uses up its entry in its cycle.

    ``sent`` and ``sending`` (maybe sent) do; ``claimed`` does while it can still be sent (today or later);
    ``failed`` never does, so a term that could not be delivered is offered again the next day.
    """
    if record.status in (SENT, SENDING):
        return True
    return record.status == CLAIMED and record.local_date >= today


def _remaining(order: list[int], posted: set[int], previous: int | None) -> tuple[int, ...]:
    remaining = [n for n in order if n not in posted]
    if len(remaining) == len(order) and len(remaining) > 1 and remaining[0] == previous:
        remaining[0], remaining[1] = remaining[1], remaining[0]
    return tuple(remaining)


def rotation_state(numbers: Sequence[int], seed: int, history: Iterable[PostRecord], today: date) -> RotationState:
    """The rotation state after ``history`` (ledger rows), judged against the current entry ``numbers``."""
    counted = sorted((r for r in history if counts_as_posted(r, today)), key=lambda r: r.local_date)
    cycle = max((r.cycle for r in counted), default=0)
    previous = counted[-1].entry if counted else None
    posted = {r.entry for r in counted if r.cycle == cycle}
    remaining = _remaining(cycle_order(numbers, seed, cycle), posted, previous)
    if not remaining and numbers:
        cycle += 1
        remaining = _remaining(cycle_order(numbers, seed, cycle), set(), previous)
    return RotationState(cycle, remaining, previous)


def nth_pick(state: RotationState, numbers: Sequence[int], seed: int, k: int) -> tuple[int, int]:
    """The (entry, cycle) of the ``k``-th post from ``state`` on (0 = the next one), assuming every day posts."""
    if not numbers:
        raise ValueError("the glossary has no entries")
    if k < len(state.remaining):
        return state.remaining[k], state.cycle
    k -= len(state.remaining)
    previous = state.remaining[-1] if state.remaining else state.previous
    cycle = state.cycle + 1
    full, k = divmod(k, len(set(numbers)))
    if full:
        first = _remaining(cycle_order(numbers, seed, cycle), set(), previous)
        if full == 1 or len(first) <= 2:
            previous = first[-1]  # with one or two entries every later full cycle ends the same way
        else:
            previous = cycle_order(numbers, seed, cycle + full - 1)[-1]  # swapping 0 and 1 never moves the last
        cycle += full
    return _remaining(cycle_order(numbers, seed, cycle), set(), previous)[k], cycle


def predict(
    numbers: Sequence[int], seed: int, history: Sequence[PostRecord], target: date, today: date
) -> Prediction | None:
    """Pure prediction: the entry a guild gets on ``target``, given its ledger rows and its local ``today``.

    A date with a ledger row returns that row's entry. A past date without one returns None (no back-fill).
    A future date assumes that every date from ``today`` on without a row gets its post.
    """
    for record in history:
        if record.local_date == target:
            return Prediction(target, record.entry, record.cycle, record.status, record)
    if target < today or not numbers:
        return None
    recorded_between = {r.local_date for r in history if today <= r.local_date < target}
    skipped = (target - today).days - len(recorded_between)
    earlier = [r for r in history if r.local_date < target]
    state = rotation_state(numbers, seed, earlier, today)
    entry, cycle = nth_pick(state, numbers, seed, skipped)
    return Prediction(target, entry, cycle, PREDICTED)


def entry_numbers(glossary: Glossary) -> tuple[int, ...]:
    """The glossary's entry numbers in ascending order."""
    return tuple(e.entry for e in glossary)
