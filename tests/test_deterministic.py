"""The offline voice gives the same MP3 bytes whatever ``--jobs`` is and whatever article
came before in a batch (libespeak-ng kept state between utterances; each is now spoken by a
fresh copy of the library)."""

from __future__ import annotations

from pathlib import Path

from support.helpers import DATA, run_cli

FIRST = DATA / "text_vietnamnet_2024-11-05_mua-ngap-da-nang.md"
SECOND = DATA / "dantri_2022-12-24_photostory-giang-sinh.html"


def _produce(cwd: Path, out: str, jobs: str, *articles: Path) -> dict[str, bytes]:
    result = run_cli(
        "produce", *map(str, articles), "--engine", "espeak", "-j", jobs, "--no-cache",
        "--date", "2024-11-05", "--no-player", "-q", "-o", out, cwd=cwd,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return {p.name: p.read_bytes() for p in sorted((cwd / out).glob("*.mp3"))}


def test_same_mp3_bytes_across_jobs_and_batch_order(tmp_path: Path) -> None:
    in_order = _produce(tmp_path, "one", "1", FIRST, SECOND)
    reversed_parallel = _produce(tmp_path, "four", "4", SECOND, FIRST)
    assert len(in_order) == 2
    assert in_order.keys() == reversed_parallel.keys()
    for name, data in in_order.items():
        assert reversed_parallel[name] == data, f"{name} differs"
