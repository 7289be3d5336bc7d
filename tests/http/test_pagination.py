"""Cursor pagination: every item once, in the contract's order, and bad cursors refused."""

from __future__ import annotations

from typing import Any

import pytest

from tests.http.fakes import MovableClock
from tests.http.session import ApiSession, assert_problem


def _all_pages(session: ApiSession, suffix: str, limit: int) -> list[list[dict[str, Any]]]:
    pages, cursor = [], None
    while True:
        query: dict[str, Any] = {"limit": limit}
        if cursor:
            query["cursor"] = cursor
        answer = session.get(suffix, **query)
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        pages.append(body["data"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages


def test_conversations_page_newest_activity_first(alice: ApiSession, clock: MovableClock) -> None:
    inbox = alice.create_api_inbox()
    started = []
    for n in range(5):
        started.append(alice.start_conversation(inbox["id"], f"u-{n}")["id"])
        clock.advance(minutes=1)

    pages = _all_pages(alice, "/conversations", limit=2)

    assert [len(p) for p in pages] == [2, 2, 1]
    assert [c["id"] for page in pages for c in page] == list(reversed(started))


def test_messages_page_oldest_first(alice: ApiSession, clock: MovableClock) -> None:
    inbox = alice.create_api_inbox()
    conversation = alice.start_conversation(inbox["id"], "u-1", content="m0")
    for n in range(1, 5):
        clock.advance(seconds=10)
        answer = alice.post(f"/conversations/{conversation['id']}/messages", {"content": f"m{n}"})
        assert answer.status_code == 201

    pages = _all_pages(alice, f"/conversations/{conversation['id']}/messages", limit=3)

    assert [len(p) for p in pages] == [3, 2]
    assert [m["content"] for page in pages for m in page] == ["m0", "m1", "m2", "m3", "m4"]


def test_contacts_page_through_everyone_once(alice: ApiSession, clock: MovableClock) -> None:
    inbox = alice.create_api_inbox()
    for n in range(5):
        alice.start_conversation(inbox["id"], f"u-{n}")
        clock.advance(minutes=1)

    pages = _all_pages(alice, "/contacts", limit=2)

    names = [c["name"] for page in pages for c in page]
    assert sorted(names) == [f"Contact u-{n}" for n in range(5)]
    assert [len(p) for p in pages] == [2, 2, 1]


@pytest.mark.parametrize("suffix", ["/conversations", "/contacts"])
@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"limit": "ten"}, "limit"),
        ({"limit": "2.5"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "101"}, "limit"),
        ({"limit": "9" * 5000}, "limit"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"cursor": "W10"}, "cursor"),
    ],
)
def test_bad_paging_parameters_answer_422(
    alice: ApiSession, suffix: str, query: dict[str, str], field: str
) -> None:
    problem = assert_problem(alice.get(suffix, **query), 422)

    assert [e["field"] for e in problem["errors"]] == [field]


def test_bad_paging_parameters_on_messages_answer_422(alice: ApiSession) -> None:
    inbox = alice.create_api_inbox()
    conversation = alice.start_conversation(inbox["id"], "u-1")
    suffix = f"/conversations/{conversation['id']}/messages"

    assert_problem(alice.get(suffix, limit="many"), 422)
    assert_problem(alice.get(suffix, cursor="%%%"), 422)
