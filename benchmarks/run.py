"""Issue 3's benchmarks, side by side in one run on the same article.

    python benchmarks/run.py [--runs 3] [--article PATH] [--skip-memory] [--only N ...]

1. gtts-cli vs ``audio-news --engine gtts``, both through a local stand-in for Google's
   endpoint that adds 150 ms to every request;
2. bare ``espeak-ng -v vi -w`` + ffmpeg to MP3 vs ``audio-news --engine espeak``;
3. cold vs warm segment cache, and one edited sentence;
4. a stand-in answering 429 to every 4th request;
5. peak memory (whole process tree) on a 2-hour article.

Prints medians and ratios. Needs Debian's ``espeak-ng`` for baseline 2 only.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.gtts_standin import GttsStandin  # noqa: E402

SEED = ROOT / "tests/data/baobackan_2023-12-28_hoi-nghi-to-chuc-xay-dung-dang.txt"
CORPUS = sorted((ROOT / "tests/data").glob("*.txt")) + sorted((ROOT / "tests/data").glob("*.md"))
LATENCY_S = 0.15
TWO_HOURS_CHARS = 170_000
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = BIN / name
    return str(found) if found.exists() else name


def run(cmd: Sequence[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd[:4])} failed: {done.stderr.decode().strip()}")
    return time.perf_counter() - started


def audio_news(*args: str) -> list[str]:
    return [sys.executable, "-m", "audio_news", *args]


def produce(article: Path, engine: str, out: Path, *options: str) -> list[str]:
    """``audio-news produce``, forced and quiet, as every benchmark runs it."""
    return audio_news(
        "produce", str(article), "--engine", engine, "-q", "--force", "-o", str(out), *options
    )


def script_text(article: Path, engine: str) -> str:
    result = subprocess.run(
        audio_news("script", str(article), "--engine", engine),
        check=True,
        capture_output=True,
        text=True,
    )
    return result.stdout


def side_by_side(
    runs: int, baseline_once: Callable[[], float], ours_once: Callable[[], float]
) -> tuple[float, float, float]:
    """Alternate the two, so drift on a noisy machine hits both alike.

    Returns the median of each and the median of the per-pair ratios ours / baseline.
    """
    pairs = [(baseline_once(), ours_once()) for _ in range(runs)]
    return (
        statistics.median(b for b, _ in pairs),
        statistics.median(o for _, o in pairs),
        statistics.median(o / b for b, o in pairs),
    )


def row(label: str, baseline: float, ours: float, time_ratio: float, note: str = "") -> None:
    print(
        f"  {label:34} {baseline:8.2f} s {ours:8.2f} s   ours takes {time_ratio:.2f}x the "
        f"baseline's time ({1 / time_ratio:.1f}x faster) {note}"
    )


def bench_gtts(work: Path, article: Path, runs: int) -> None:
    print(f"1. gTTS via a stand-in adding {LATENCY_S * 1000:.0f} ms per request (median of {runs})")
    print(f"  {'':34} {'gtts-cli':>10} {'ours':>10}")
    text = work / "gtts.txt"
    text.write_text(script_text(article, "gtts"), encoding="utf-8")
    with GttsStandin(latency=LATENCY_S) as standin:
        env = {**os.environ, **standin.env()}

        def cli_once() -> float:
            return run(
                [tool("gtts-cli"), "-l", "vi", "-f", str(text), "-o", str(work / "cli.mp3")], env
            )

        def ours_once() -> float:
            cache = Path(tempfile.mkdtemp(dir=work))
            return run(
                produce(article, "gtts", work / "out", "--cache-dir", str(cache)),
                env,
            )

        cli_requests = ours_requests = 0

        def counted(once: Callable[[], float], is_cli: bool) -> Callable[[], float]:
            def timed() -> float:
                nonlocal cli_requests, ours_requests
                standin.reset()
                seconds = once()
                if is_cli:
                    cli_requests = len(standin.requests)
                else:
                    ours_requests = len(standin.requests)
                return seconds

            return timed

        cli_s, ours_s, ratio = side_by_side(
            runs, counted(cli_once, True), counted(ours_once, False)
        )
        requests = f"({cli_requests} vs {ours_requests} requests)"
        row("seed, cold cache", cli_s, ours_s, ratio, requests)


def bench_espeak(work: Path, article: Path, runs: int) -> None:
    print(f"2. Offline: espeak-ng CLI + ffmpeg vs ours --engine espeak (median of {runs})")
    print(f"  {'':34} {'bare':>10} {'ours':>10}")
    if not shutil.which("espeak-ng"):
        print("  skipped: Debian's espeak-ng CLI is not installed (apt-get install espeak-ng)")
        return
    import imageio_ffmpeg

    ffmpeg = imageio_ffmpeg.get_ffmpeg_exe()
    text = work / "espeak.txt"
    text.write_text(script_text(article, "espeak"), encoding="utf-8")
    wav, mp3 = work / "bare.wav", work / "bare.mp3"

    def bare_once() -> float:
        return run(["espeak-ng", "-v", "vi", "-w", str(wav), "-f", str(text)]) + run(
            [
                ffmpeg,
                "-y",
                "-loglevel",
                "error",
                "-i",
                str(wav),
                "-ar",
                "44100",
                "-ac",
                "1",
                "-b:a",
                "64k",
                str(mp3),
            ]
        )

    def ours_once() -> float:
        return run(produce(article, "espeak", work / "out", "--no-cache"))

    row("seed, loudness + tags included", *side_by_side(runs, bare_once, ours_once))


def bench_cache(work: Path, article: Path, runs: int) -> None:
    print(f"3. Caches, gtts through the stand-in (median of {runs})")
    edited = work / "edited.txt"
    lines = article.read_text(encoding="utf-8").splitlines()
    body = next(i for i, line in enumerate(lines) if len(line) > 200)
    lines[body] = lines[body].replace(".", ". Câu này vừa được biên tập viên thêm vào.", 1)
    edited.write_text("\n".join(lines), encoding="utf-8")
    cases = (
        ("cold", article, ()),
        ("warm re-run (--force)", article, ()),
        ("warm segments, new render", article, ("--bitrate", "80")),
        ("one sentence edited", edited, ()),
    )
    times: dict[str, list[float]] = {name: [] for name, _, _ in cases}
    counts: dict[str, int] = {}
    with GttsStandin(latency=LATENCY_S) as standin:
        env = {**os.environ, **standin.env()}
        for _ in range(runs):
            cache = Path(tempfile.mkdtemp(dir=work))
            for name, source, extra in cases:
                standin.reset()
                command = produce(source, "gtts", work / "out", "--cache-dir", str(cache), *extra)
                times[name].append(run(command, env))
                counts[name] = len(standin.requests)
    cold_s = statistics.median(times["cold"])
    for name, _, _ in cases:
        median = statistics.median(times[name])
        print(
            f"  {name:34} {median:8.2f} s  {median / cold_s:6.0%} of cold  "
            f"{counts[name]:4d} requests"
        )


def bench_rate_limited(work: Path, article: Path) -> None:
    print("4. Stand-in answering 429 (Retry-After: 1) to every 4th request")
    with GttsStandin(latency=LATENCY_S, rate_limit_every=4) as standin:
        env = {**os.environ, **standin.env()}
        out = work / "limited"
        seconds = run(
            produce(article, "gtts", out, "--no-cache"),
            env,
        )
        statuses = [r.status for r in standin.requests]
    from mutagen.mp3 import MP3

    mp3 = next(out.glob("*.mp3"))
    print(
        f"  complete MP3 of {MP3(mp3).info.length:.1f} s in {seconds:.2f} s; "
        f"{statuses.count(429)} answers were 429, {statuses.count(200)} were 200"
    )


def tree_rss_bytes(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry))
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            continue
    return total


def bench_memory(work: Path) -> None:
    print("5. Peak memory, whole process tree, on a 2-hour article (--engine espeak)")
    paragraphs: list[str] = []
    while sum(map(len, paragraphs)) < TWO_HOURS_CHARS:
        for path in CORPUS:
            lines = path.read_text(encoding="utf-8").splitlines()
            paragraphs += [
                f"Phần {len(paragraphs) + 1}. {line}" for line in lines if len(line) > 120
            ]
    article = work / "two-hours.txt"
    article.write_text("Bản tin dài hai giờ\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
    process = subprocess.Popen(
        produce(article, "espeak", work / "long", "--no-cache"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            peak = max(peak, tree_rss_bytes(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    started = time.perf_counter()
    sampler.start()
    _, err = process.communicate()
    stop.set()
    sampler.join()
    if process.returncode:
        raise SystemExit(f"2-hour produce failed: {err.decode().strip()}")
    from mutagen.mp3 import MP3

    length = MP3(next((work / "long").glob("*.mp3"))).info.length
    print(
        f"  {len(article.read_text(encoding='utf-8')):,} characters -> {length / 3600:.2f} h of "
        f"audio in {time.perf_counter() - started:.1f} s; peak RSS {peak / 2**20:.0f} MB "
        f"(target < 400 MB)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--article", type=Path, default=SEED)
    parser.add_argument("--skip-memory", action="store_true")
    parser.add_argument(
        "--only", type=int, action="append", choices=range(1, 6), help="run only section N"
    )
    args = parser.parse_args()
    wanted = set(args.only or range(1, 6)) - ({5} if args.skip_memory else set())
    # An installed package has its bytecode (pip compiles it); an editable checkout run with
    # PYTHONDONTWRITEBYTECODE=1 would recompile every module on every run instead.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src")], check=True)
    GttsStandin.warm()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        sections: dict[int, Callable[[], None]] = {
            1: lambda: bench_gtts(work, args.article, args.runs),
            2: lambda: bench_espeak(work, args.article, args.runs),
            3: lambda: bench_cache(work, args.article, args.runs),
            4: lambda: bench_rate_limited(work, args.article),
            5: lambda: bench_memory(work),
        }
        for number in sorted(wanted):
            sections[number]()


if __name__ == "__main__":
    main()
