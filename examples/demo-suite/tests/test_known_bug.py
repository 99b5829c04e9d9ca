"""A real, deterministic bug: always fails."""


def page_count(total_items, per_page):
    # BUG: floor division drops the last, partially filled page
    return total_items // per_page


def test_page_count_includes_partial_page():
    """Always fails: off-by-one in page_count (floor instead of ceiling division)."""
    assert page_count(101, 10) == 11
