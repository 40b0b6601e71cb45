"""Who is on duty now and until when; when a contact entry is overdue (no database)."""

import datetime as dt

from guarantees.domain import Coverage, coverage, is_stale

T = dt.datetime(2026, 12, 7, 8, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)


def test_slot_holding_now_covers_until_its_end():
    assert coverage([(T - H, T + 4 * H)], T) == Coverage(True, T + 4 * H, None)


def test_touching_and_overlapping_slots_chain_the_cover():
    slots = [(T + 8 * H, T + 12 * H), (T - H, T + 4 * H), (T + 4 * H, T + 9 * H), (T + 13 * H, T + 20 * H)]
    result = coverage(slots, T)
    assert result.on_duty and result.until == T + 12 * H


def test_end_is_exclusive_so_the_next_hour_is_a_gap():
    result = coverage([(T - 8 * H, T)], T)
    assert not result.on_duty and result.next_start is None


def test_a_gap_names_when_the_next_slot_begins():
    result = coverage([(T + 2 * H, T + 3 * H), (T + 5 * H, T + 6 * H), (T - 5 * H, T - 4 * H)], T)
    assert (result.on_duty, result.until, result.next_start) == (False, None, T + 2 * H)


def test_never_confirmed_is_stale_and_the_limit_is_in_days():
    assert is_stale(None, T)
    assert not is_stale(T - dt.timedelta(days=90), T, 90)
    assert is_stale(T - dt.timedelta(days=90, seconds=1), T, 90)
    assert is_stale(T - dt.timedelta(days=8), T, 7)
