from datetime import UTC

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import InvalidInput
from domain.pagination import Cursor, clamp_limit


@given(st.datetimes(timezones=st.just(UTC)), st.text(min_size=1, max_size=40))
def test_a_cursor_round_trips(at, id_):
    cursor = Cursor(at, id_)
    assert Cursor.decode(cursor.encode()) == cursor


@pytest.mark.parametrize("garbage", ["!!!", "bm90IGpzb24", "WzFd"])
def test_a_garbled_cursor_is_invalid_input(garbage):
    with pytest.raises(InvalidInput):
        Cursor.decode(garbage)


def test_limits_are_bounded():
    assert clamp_limit(None) == 25
    with pytest.raises(InvalidInput):
        clamp_limit(0)
    with pytest.raises(InvalidInput):
        clamp_limit(101)


def test_ids_sort_by_creation(monkeypatch):
    from domain import ids

    made = []
    for ms in (1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000):
        monkeypatch.setattr(ids.time, "time", lambda ms=ms: ms / 1000)
        made.append(ids.new_id())
    assert made == sorted(made)
    assert all(len(i) == 26 for i in made)
