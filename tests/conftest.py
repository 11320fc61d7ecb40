"""Shared fixtures: paths to the tiny real fixtures and an isolated user environment."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from audio_news.inputs.guard import ALLOW_PRIVATE_ENV
from support.cloud_standins import cloud  # noqa: F401  (each cloud vendor's stand-in in turn)
from support.gtts_standin import gtts_standin  # noqa: F401  (a fixture for every test module)
from support.helpers import DATA, SEED

# Property tests in the default run are derandomized so that CI is repeatable;
# benchmarks/fuzz_text.py is where random exploration happens.
settings.register_profile("repeatable", derandomize=True, deadline=None)
settings.load_profile("repeatable")


@pytest.fixture(autouse=True)
def isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Keep tests away from the real user's cache and config."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))


@pytest.fixture
def allow_private_hosts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let URL fetches reach 127.0.0.1, where the test servers are (refused by default)."""
    monkeypatch.setenv(ALLOW_PRIVATE_ENV, "1")


@pytest.fixture
def data_dir() -> Path:
    return DATA


@pytest.fixture
def seed_path() -> Path:
    return SEED


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run the test from an empty folder, so ``output/`` lands there."""
    monkeypatch.chdir(tmp_path)
    yield tmp_path
