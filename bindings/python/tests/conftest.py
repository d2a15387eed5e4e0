"""Shared fixtures: the vectors of tests/vectors/, read from the repository."""

import json
import os
import pathlib

import pytest

VECTORS = pathlib.Path(os.environ.get("USERHASH_VECTORS", pathlib.Path(__file__).parents[3] / "tests" / "vectors"))


def load(name):
    with open(VECTORS / name, encoding="utf-8") as f:
        return json.load(f)


@pytest.fixture(scope="session")
def vectors():
    return load


def pytest_terminal_summary(terminalreporter):
    # One plain closing line that `cargo xtask test` adds up (skips count as
    # neither: the suite has none, and a skip is never a pass).
    stats = terminalreporter.stats
    passed = len(stats.get("passed", []))
    failed = len(stats.get("failed", [])) + len(stats.get("error", []))
    terminalreporter.write_line(f"userhash-python: {passed} passed, {failed} failed")
