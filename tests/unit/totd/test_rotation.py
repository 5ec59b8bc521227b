"""The rotation as pure functions: seeded cycles, no repeats, predictions, glossary changes mid-cycle."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest

from bot.storage.totd import CLAIMED, FAILED, SENDING, SENT, PostRecord
from bot.totd.rotation import (
    PREDICTED,
    RotationState,
    counts_as_posted,
    cycle_order,
    entry_numbers,
    nth_pick,
    predict,
    rotation_state,
    seed_for_guild,
)
from tests.unit.totd.support import make_glossary, utc


def record(day: date, entry: int, cycle: int, status: str = SENT, guild: int = 1) -> PostRecord:
    return PostRecord(guild, day, entry, cycle, status, "x", utc(2026, 1, 1))


def simulate(numbers: list[int], seed: int, days: int, start: date = date(2026, 1, 1)) -> list[PostRecord]:
    """Post every day through the pure functions, as the service does."""
    history: list[PostRecord] = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        entry, cycle = nth_pick(rotation_state(numbers, seed, history, day), numbers, seed, 0)
        history.append(record(day, entry, cycle))
    return history


def test_cycle_order_is_a_seeded_permutation() -> None:
    numbers = list(range(1, 301))
    a, b = cycle_order(numbers, seed_for_guild(1), 0), cycle_order(numbers, seed_for_guild(2), 0)
    assert sorted(a) == numbers and sorted(b) == numbers
    assert a != b and a[:10] != b[:10]
    assert cycle_order(numbers, seed_for_guild(1), 0) == a  # deterministic
    assert cycle_order(numbers, seed_for_guild(1), 1) != a  # a new order every cycle
    assert seed_for_guild(1) == seed_for_guild(1) and 0 <= seed_for_guild(1) < 2**63


def test_full_cycles_of_300_without_repeats() -> None:
    numbers = list(range(1, 301))
    history = simulate(numbers, seed_for_guild(77), 900)
    for cycle in range(3):
        shown = [r.entry for r in history[cycle * 300:(cycle + 1) * 300]]
        assert sorted(shown) == numbers
        assert {r.cycle for r in history[cycle * 300:(cycle + 1) * 300]} == {cycle}
    assert all(a.entry != b.entry for a, b in itertools.pairwise(history))  # no back-to-back repeat


@pytest.mark.parametrize("size", [1, 2, 3, 4, 7])
def test_nth_pick_matches_day_by_day_simulation(size: int) -> None:
    numbers = list(range(10, 10 + size))
    seed = seed_for_guild(size)
    for done in (0, 1, size, size + 2):
        history = simulate(numbers, seed, done)
        expected = simulate(numbers, seed, done + 5 * size + 3)[done:]
        today = date(2026, 1, 1) + timedelta(days=done)
        state = rotation_state(numbers, seed, history, today)
        for k, want in enumerate(expected):
            assert nth_pick(state, numbers, seed, k) == (want.entry, want.cycle), (size, done, k)


def test_predict_uses_records_and_refuses_unrecorded_past_dates() -> None:
    numbers = list(range(1, 21))
    seed = 5
    history = simulate(numbers, seed, 10)
    today = date(2026, 1, 11)
    assert predict(numbers, seed, history, date(2026, 1, 3), today) == predict(
        numbers, seed, history, date(2026, 1, 3), date(2027, 1, 1)
    )
    got = predict(numbers, seed, history, date(2026, 1, 3), today)
    assert got is not None and got.recorded and got.entry == history[2].entry and got.status == SENT
    assert predict(numbers, seed, [], date(2026, 1, 3), today) is None
    future = simulate(numbers, seed, 40)
    for offset in range(30):
        day = today + timedelta(days=offset)
        got = predict(numbers, seed, history, day, today)
        assert got is not None and got.status == PREDICTED and got.entry == future[10 + offset].entry
    far = predict(numbers, seed, history, date(9999, 12, 31), today)  # jumps whole cycles: instant
    assert far is not None and far.entry in numbers


def test_failed_and_dead_claims_do_not_use_up_an_entry() -> None:
    today = date(2026, 1, 5)
    assert counts_as_posted(record(date(2026, 1, 4), 1, 0, SENT), today)
    assert counts_as_posted(record(date(2026, 1, 4), 1, 0, SENDING), today)  # maybe shown
    assert not counts_as_posted(record(date(2026, 1, 4), 1, 0, FAILED), today)
    assert not counts_as_posted(record(date(2026, 1, 4), 1, 0, CLAIMED), today)  # died before sending
    assert counts_as_posted(record(today, 1, 0, CLAIMED), today)  # in flight
    numbers = [1, 2, 3, 4]
    order = cycle_order(numbers, 9, 0)
    state = rotation_state(numbers, 9, [record(date(2026, 1, 4), order[0], 0, FAILED)], today)
    assert state == RotationState(0, tuple(order), None)  # the undelivered term comes again


def test_added_and_removed_entries_do_not_repeat_within_the_cycle() -> None:
    numbers = list(range(1, 301))
    seed = seed_for_guild(3)
    history = simulate(numbers, seed, 100)
    shown = {r.entry for r in history}
    unshown = [n for n in numbers if n not in shown]
    removed = set(unshown[:5]) | set(sorted(shown)[:5])
    current = sorted((set(numbers) - removed) | set(range(301, 311)))
    start = date(2026, 1, 1) + timedelta(days=100)
    for offset in range(len(current) - (100 - 5)):
        day = start + timedelta(days=offset)
        entry, cycle = nth_pick(rotation_state(current, seed, history, day), current, seed, 0)
        history.append(record(day, entry, cycle))
    cycle0 = [r.entry for r in history if r.cycle == 0]
    assert len(cycle0) == len(set(cycle0))  # no repeat within the cycle
    assert set(current) <= set(cycle0)  # every current entry, the added ones too, was shown once
    nxt = nth_pick(rotation_state(current, seed, history, day + timedelta(days=1)), current, seed, 0)
    assert nxt[1] == 1  # and only then does a new cycle start


def test_entry_numbers_are_ascending() -> None:
    assert entry_numbers(make_glossary([5, 2, 9])) == (2, 5, 9)
    assert entry_numbers(make_glossary([])) == ()
