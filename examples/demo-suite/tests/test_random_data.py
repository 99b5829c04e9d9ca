"""Non-deterministic data: unseeded ``random`` with a property that only holds for some draws."""

import random


def new_ticket_ids(n):
    """Draw n short ticket ids. BUG: random.choice draws with replacement, so ids can repeat."""
    return [random.choice(range(32)) for _ in range(n)]


def test_ticket_ids_are_unique():
    """Flaky: 5 ids drawn from 32 values (unseeded) collide ~28% of the time (birthday problem)."""
    ids = new_ticket_ids(5)
    assert len(set(ids)) == len(ids), f"duplicate ticket ids drawn: {ids}"
