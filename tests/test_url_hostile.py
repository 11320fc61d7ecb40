"""Hostile answers to a URL fetch, from a real server on 127.0.0.1: compression bombs and
codings we refuse, and what they may cost."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from audio_news.errors import FetchError
from audio_news.inputs import read_article
from audio_news.inputs.url import fetch
from support.article_server import BOMB_BYTES, TEXT, Site, gzip_bomb, serving
from support.fault_helpers import assert_one_line_error, child_env

MAX_RSS_BYTES = 150 << 20
"""Far below what the bomb inflates to, well above what reading an article costs."""


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with serving() as running:
        yield running


def _run_measured(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run the CLI to the end; its result and its peak resident memory in bytes."""
    out, err = cwd / "stdout", cwd / "stderr"
    with out.open("w") as stdout, err.open("w") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "audio_news", *args],
            cwd=cwd, env=child_env(), stdout=stdout, stderr=stderr,
        )  # fmt: skip
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    result = subprocess.CompletedProcess(args, proc.returncode, out.read_text(), err.read_text())
    return result, usage.ru_maxrss * 1024


def test_stacked_gzip_is_refused_within_the_memory_it_may_use(tmp_path: Path, site: Site) -> None:
    assert len(gzip_bomb()) < 20_000 < BOMB_BYTES
    result, peak = _run_measured(["clean", f"{site.url}/gzip-gzip"], tmp_path)
    assert_one_line_error(result, "stacked content encodings (gzip, gzip) are refused")
    assert result.returncode == 1
    assert peak < MAX_RSS_BYTES, f"{peak:,} bytes resident"


@pytest.mark.parametrize("path", ["/deflate", "/raw-deflate", "/gzip-members"])
def test_deflate_and_multi_member_gzip_are_decoded(site: Site, path: str) -> None:
    assert fetch(site.url + path).data == TEXT
    assert read_article(site.url + path).paragraphs == ("Đoạn một.",)


@pytest.mark.parametrize(
    ("path", "message"),
    [("/gzip-cut", "the gzip data is cut short"), ("/brotli", "content encoding br is not")],
)
def test_unusable_encodings_are_one_clear_error(site: Site, path: str, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        fetch(site.url + path)
