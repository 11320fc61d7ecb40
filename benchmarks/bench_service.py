"""Issue 17: what the newsroom service costs and gives, on the same articles, with espeak.

    python benchmarks/bench_service.py [--articles 11] [--chars 1800] [--skip-redis]

1. ``Producer.produce`` in a loop (one process, warm): the baseline;
2. the API with the embedded pool of 1 and of 2 processes: submit every article, wait for all;
3. the same with ``--broker`` on a local redis-server and 1 and 2 ``audio-news worker``s;
4. p95 latency of ``GET /v1/episodes/{id}`` from 50 concurrent clients (2,000 requests, 60 s
   at most) against the embedded API.

Articles per minute for each, the service's overhead per job against the loop, and the
speed-up of two workers over one. Each service run starts warm: its processes are up and have
made one small episode first. Everything talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from support.service import (  # noqa: E402
    API_KEY,
    article,
    free_port,
    redis_server,
    wait_for,
    write_config,
)

CORPUS = sorted((ROOT / "tests/data").glob("text_*.md")) + sorted(
    (ROOT / "tests/data").glob("text_*.txt")
)
AUTH = {"Authorization": f"Bearer {API_KEY}"}
CLIENTS = 50
REQUESTS = 2000
LOAD_LIMIT_S = 60.0
JOB_LIMIT_S = 600.0


def articles(count: int, chars: int) -> list[tuple[str, str]]:
    """``(kind, text)`` pairs: corpus articles cut at a paragraph past ``chars`` characters."""
    picked: list[tuple[str, str]] = []
    for path in (CORPUS * 4)[:count]:
        kept: list[str] = []
        for paragraph in path.read_text(encoding="utf-8").split("\n\n"):
            kept.append(paragraph)
            if sum(map(len, kept)) > chars:
                break
        copy = len([p for p in picked if p[1].startswith(kept[0])])
        text = "\n\n".join(kept) + (f"\n\nBản số {copy + 1}." if copy else "")
        picked.append(("markdown" if path.suffix == ".md" else "text", text))
    return picked


def produce_loop(items: list[tuple[str, str]], tmp: Path) -> float:
    """Seconds for ``Producer.produce`` over every article, after one warm-up episode."""
    sys.path.insert(0, str(ROOT / "src"))
    from audio_news.config import settings_from_dict
    from audio_news.pipeline import Producer

    out = tmp / "out"
    settings = settings_from_dict(
        {"engine": "espeak", "use_cache": False, "quiet": True, "out_dir": str(out)}
    )
    producer = Producer(settings)
    warm = tmp / "warm.txt"
    warm.write_text(article(0), encoding="utf-8")
    producer.produce(str(warm))
    paths = []
    for n, (kind, text) in enumerate(items):
        path = tmp / f"article-{n}.{'md' if kind == 'markdown' else 'txt'}"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    started = time.perf_counter()
    for path in paths:
        producer.produce(str(path))
    return time.perf_counter() - started


def audio_news(*args: str) -> list[str]:
    return [sys.executable, "-m", "audio_news", *args]


@contextmanager
def process(command: list[str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    handle = log.open("wb")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        command, stdout=handle, stderr=subprocess.STDOUT, env=env, start_new_session=True
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            os.killpg(os.getpgid(proc.pid), signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(os.getpgid(proc.pid), signal.SIGKILL)
                proc.wait()
        handle.close()


def wait_done(client: httpx.Client, ids: list[str]) -> None:
    def done() -> bool:
        page = client.get("/v1/episodes", params={"limit": 100}, headers=AUTH).json()
        states = {item["id"]: item["status"] for item in page["items"]}
        failed = [i for i in ids if states.get(i) == "failed"]
        if failed:
            raise SystemExit(f"job {failed[0]} failed")
        return all(states.get(i) == "done" for i in ids)

    wait_for(done, JOB_LIMIT_S, "the jobs", every=0.05)


def through_api(items: list[tuple[str, str]], tmp: Path, workers: int, broker: str | None) -> float:
    """Seconds from the first submit to the last episode done, the API and workers warm."""
    run = tmp
    config = write_config(run / "audio-news.toml", run / "out", workers=workers)
    port = free_port()
    api = audio_news("--config", str(config), "api", "--port", str(port))
    if broker:
        api += ["--broker", broker]
    with contextlib.ExitStack() as stack:
        stack.enter_context(process(api, run / "api.log"))
        for n in range(workers if broker else 0):
            worker = audio_news("--config", str(config), "worker", "--broker", broker or "")
            stack.enter_context(process(worker, run / f"worker-{n}.log"))
        client = stack.enter_context(httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30))
        wait_for(lambda: _answers(client), 60, "the API")
        warm = [post(client, "text", article(n)) for n in range(workers)]
        wait_done(client, warm)
        started = time.perf_counter()
        ids = [post(client, kind, text) for kind, text in items]
        wait_done(client, ids)
        return time.perf_counter() - started


def post(client: httpx.Client, kind: str, text: str) -> str:
    response = client.post("/v1/episodes", json={kind: text}, headers=AUTH)
    if response.status_code not in (200, 202):
        raise SystemExit(f"submit failed: {response.status_code} {response.text}")
    job_id: str = response.json()["id"]
    return job_id


async def _load(base: str, job_id: str) -> list[float]:
    latencies: list[float] = []
    deadline = time.monotonic() + LOAD_LIMIT_S
    limits = httpx.Limits(max_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, headers=AUTH, limits=limits, timeout=30) as client:

        async def one_client(count: int) -> None:
            for _ in range(count):
                if time.monotonic() > deadline:
                    return
                started = time.perf_counter()
                response = await client.get(f"/v1/episodes/{job_id}")
                latencies.append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise SystemExit(f"GET answered {response.status_code}")

        await asyncio.gather(*(one_client(REQUESTS // CLIENTS) for _ in range(CLIENTS)))
    return latencies


def status_latency(tmp: Path) -> tuple[list[float], float]:
    run = tmp / "load"
    run.mkdir()
    config = write_config(run / "audio-news.toml", run / "out", workers=1)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with process(audio_news("--config", str(config), "api", "--port", str(port)), run / "api.log"):
        client = httpx.Client(base_url=base, timeout=30)
        wait_for(lambda: _answers(client), 60, "the API")
        job_id = post(client, "text", article(1))
        wait_done(client, [job_id])
        client.close()
        started = time.perf_counter()
        latencies = asyncio.run(_load(base, job_id))
        return latencies, time.perf_counter() - started


def _answers(client: httpx.Client) -> bool:
    try:
        return client.get("/v1/health").status_code == 200
    except httpx.HTTPError:
        return False


def per_minute(count: int, seconds: float) -> float:
    return 60 * count / seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--articles", type=int, default=11)
    parser.add_argument("--chars", type=int, default=1800, help="article length, about")
    parser.add_argument("--runs", type=int, default=3, help="rounds; medians are printed")
    parser.add_argument("--skip-redis", action="store_true")
    args = parser.parse_args()
    items = articles(args.articles, args.chars)
    n = len(items)
    print(f"{n} articles, {statistics.mean(len(t) for _, t in items):.0f} characters on average")
    use_redis = not args.skip_redis and shutil.which("redis-server") is not None
    with tempfile.TemporaryDirectory(prefix="bench-service-") as name:
        tmp = Path(name)
        with contextlib.ExitStack() as stack:
            broker = stack.enter_context(redis_server(tmp)) if use_redis else None
            contenders = ["loop", "embedded-1", "embedded-2"]
            contenders += ["redis-1", "redis-2"] if broker else []
            times: dict[str, list[float]] = {c: [] for c in contenders}
            for round_ in range(args.runs):
                # Each round starts from a different contender, so a slow spell hits all.
                order = (
                    contenders[round_ % len(contenders) :] + contenders[: round_ % len(contenders)]
                )
                for contender in order:
                    folder = tmp / f"{contender}-{round_}"
                    folder.mkdir()
                    if contender == "loop":
                        seconds = produce_loop(items, folder)
                    else:
                        kind, workers = contender.split("-")
                        seconds = through_api(
                            items, folder, int(workers), broker if kind == "redis" else None
                        )
                    times[contender].append(seconds)
                    print(f"  round {round_ + 1}: {contender:10} {seconds:6.1f} s", flush=True)
        median = {c: statistics.median(t) for c, t in times.items()}
        labels = {
            "loop": "produce loop",
            "embedded-1": "API, embedded pool of 1",
            "embedded-2": "API, embedded pool of 2",
            "redis-1": "API + 1 Redis worker",
            "redis-2": "API + 2 Redis workers",
        }
        for contender, seconds in median.items():
            rate = per_minute(n, seconds)
            print(f"{labels[contender]:24} {seconds:6.1f} s  {rate:5.1f} articles/min")
        loop, one = median["loop"], median["embedded-1"]
        print(
            f"service overhead per job (embedded pool of 1 vs loop): "
            f"{(one - loop) / n * 1000:+.0f} ms, {100 * (one - loop) / loop:+.1f}%"
        )
        speedups = [f"embedded {one / median['embedded-2']:.2f}x"]
        if "redis-1" in median:
            speedups.append(f"Redis {median['redis-1'] / median['redis-2']:.2f}x")
        print(f"two workers vs one: {', '.join(speedups)}")
        latencies, seconds = status_latency(tmp)
        latencies.sort()

        def p(q: float) -> float:
            return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

        print(
            f"GET /v1/episodes/{{id}}, {CLIENTS} clients: {len(latencies)} requests in "
            f"{seconds:.1f} s ({len(latencies) / seconds:.0f}/s), p50 {p(0.5):.1f} ms, "
            f"p95 {p(0.95):.1f} ms, p99 {p(0.99):.1f} ms"
        )


if __name__ == "__main__":
    main()
