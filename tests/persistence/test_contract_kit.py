"""The storage contract kit itself: complete, documented, and its hooks do what they say."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import adapters.contracts
from adapters.contracts import repositories
from adapters.contracts.fixtures import StoreContract
from adapters.contracts.repositories import RepositoryContract
from adapters.contracts.unit_of_work import UnitOfWorkContract

PARTS = [
    cls
    for cls in vars(repositories).values()
    if isinstance(cls, type) and issubclass(cls, StoreContract) and cls is not RepositoryContract
]
KIT = Path(adapters.contracts.__file__).parent
KIT_FILES = [KIT / "fixtures.py", KIT / "unit_of_work.py", *(KIT / "repositories").glob("*.py")]


def test_every_repository_suite_is_part_of_the_whole() -> None:
    assert len(PARTS) == 7
    assert all(issubclass(RepositoryContract, part) for part in PARTS)


def test_no_suite_hides_a_test_of_another_under_the_same_name() -> None:
    for part in PARTS:
        for name, test in vars(part).items():
            if name.startswith("test_"):
                assert getattr(RepositoryContract, name) is test, f"{part.__name__}.{name}"


@pytest.mark.parametrize("contract", [*PARTS, RepositoryContract, UnitOfWorkContract])
def test_every_contract_says_how_to_use_it(contract: type) -> None:
    doc = contract.__doc__ or ""
    assert "uow_factory" in doc or "see `RepositoryContract`" in doc


def test_thread_races_are_skipped_when_the_adapter_asks() -> None:
    class SingleThreaded(RepositoryContract):
        concurrent_units_of_work = False

    def never_called() -> None:
        raise AssertionError("the race ran")

    with pytest.raises(pytest.skip.Exception):
        SingleThreaded().race(never_called)


def test_a_race_runs_every_contender_at_once() -> None:
    class Small(UnitOfWorkContract):
        race_threads = 5

    assert Small().race(lambda: 1) == [1] * 5


@pytest.mark.parametrize("path", KIT_FILES, ids=lambda p: p.name)
def test_the_kit_imports_no_adapter_of_ours(path: Path) -> None:
    tree = ast.parse(path.read_text())
    imported = [
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ] + [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]

    assert not [m for m in imported if m.startswith(("adapters.outbound", "adapters.inbound"))]
