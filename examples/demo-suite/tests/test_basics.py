"""Deterministic tests: always pass."""

import json
import re

import pytest


def slugify(title):
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Hello World", "hello-world"),
        ("  Flaky Tests: a Field Guide ", "flaky-tests-a-field-guide"),
        ("C++ & Rust", "c-rust"),
    ],
)
def test_slugify(title, slug):
    """Stable, parametrized."""
    assert slugify(title) == slug


def test_json_roundtrip():
    """Stable."""
    doc = {"id": 7, "tags": ["a", "b"], "price": 12.5}
    assert json.loads(json.dumps(doc)) == doc


def test_sorted_is_stable():
    """Stable: sorted() keeps the input order of equal keys."""
    rows = [("b", 2), ("a", 1), ("c", 2), ("d", 1)]
    assert sorted(rows, key=lambda r: r[1]) == [("a", 1), ("d", 1), ("b", 2), ("c", 2)]


def test_integer_division():
    """Stable."""
    assert divmod(17, 5) == (3, 2)
