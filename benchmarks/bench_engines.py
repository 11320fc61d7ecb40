"""Issue 13: each online engine through its stand-in, every request taking 150 ms more.

    python benchmarks/bench_engines.py [--runs 3] [--article PATH] [--latency 0.15]

gtts-cli (gTTS's own command line, the baseline), then for gtts (ours), gcloud, azure and
fpt: ``audio-news produce ARTICLE --engine E`` with a cold segment cache, the engine's default
concurrency, and the stand-in adding ``--latency`` to every synthesis request. Prints the
requests sent (FPT.AI's looks at its links apart; the stand-in answers 404 to the first two
looks at each) and the median wall time. One untimed run first lets each stand-in make its
speech once, so the figures are the client's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from run import ROOT, SEED, produce, run, script_text, tool  # also puts tests/ on sys.path
from support.cloud_standins import STANDINS, CloudStandin
from support.gtts_standin import GttsStandin
from support.tls_proxy import TlsStandin

ENGINES = ("gtts-cli", "gtts", "gcloud", "azure", "fpt")
"""``gtts-cli`` is the baseline: gTTS's own command line on the same script, one process."""


def requests_seen(standin: TlsStandin) -> tuple[int, int]:
    """(synthesis requests, polls) the stand-in saw since its last reset."""
    if isinstance(standin, GttsStandin):
        return len(standin.requests), 0
    assert isinstance(standin, CloudStandin)
    calls = standin.calls
    return sum(c.kind == "synthesize" for c in calls), sum(c.kind == "poll" for c in calls)


def reset(standin: TlsStandin) -> None:
    if isinstance(standin, GttsStandin | CloudStandin):
        standin.reset()


def make_standin(engine: str, latency: float) -> TlsStandin:
    if engine == "gtts":
        return GttsStandin(latency=latency)
    standin = STANDINS[engine]()
    standin.latency = latency
    return standin


def bench_gtts_cli(work: Path, article: Path, runs: int, latency: float) -> None:
    text = work / "gtts-cli.txt"
    text.write_text(script_text(article, "gtts"), encoding="utf-8")
    command = [tool("gtts-cli"), "-l", "vi", "-f", str(text), "-o", str(work / "cli.mp3")]
    with GttsStandin(latency=latency) as standin:
        env = {**os.environ, **standin.env()}
        times, sent = [], 0
        for _ in range(runs):
            standin.reset()
            times.append(run(command, env))
            sent = len(standin.requests)
    print(f"  {'gtts-cli':8} {sent:5d} requests{'':24} {statistics.median(times):7.2f} s")


def bench(engine: str, work: Path, article: Path, runs: int, latency: float) -> None:
    with make_standin(engine, latency) as standin:
        credentials = standin.credentials_env() if isinstance(standin, CloudStandin) else {}
        env = {**os.environ, **standin.env(), **credentials}

        def once() -> float:
            cache = Path(tempfile.mkdtemp(dir=work))
            return run(produce(article, engine, work / engine, "--cache-dir", str(cache)), env)

        once()  # the stand-in makes each clip's speech once; not timed
        times, seen = [], (0, 0)
        for _ in range(runs):
            reset(standin)
            times.append(once())
            seen = requests_seen(standin)
    sent, polls = seen
    extra = f" + {polls} looks at links" if polls else ""
    print(f"  {engine:8} {sent:5d} requests{extra:24} {statistics.median(times):7.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--article", type=Path, default=SEED)
    parser.add_argument("--latency", type=float, default=0.15, metavar="SECONDS")
    parser.add_argument("--only", action="append", choices=ENGINES, help="run only ENGINE")
    args = parser.parse_args()
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    GttsStandin.warm()
    print(
        f"Online engines through their stand-ins, +{args.latency * 1000:.0f} ms per request, "
        f"cold cache (median of {args.runs}): {args.article.name}"
    )
    benches: dict[str, Callable[[Path], None]] = {
        engine: (lambda work, e=engine: bench(e, work, args.article, args.runs, args.latency))
        for engine in ENGINES
    }
    benches["gtts-cli"] = lambda work: bench_gtts_cli(work, args.article, args.runs, args.latency)
    with tempfile.TemporaryDirectory() as tmp:
        for engine in args.only or ENGINES:
            benches[engine](Path(tmp))


if __name__ == "__main__":
    main()
