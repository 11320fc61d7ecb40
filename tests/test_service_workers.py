"""Workers on a real Redis: a killed worker's job finishes elsewhere, 30 jobs run once each,
engine caps are shared, and the embedded pool picks up its jobs after a crash."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("dramatiq")
pytest.importorskip("fastapi")

import httpx
from mutagen.mp3 import MP3

from audio_news.service.api import build_api
from support.service import (
    API_KEY,
    WorkerProcess,
    article,
    free_port,
    redis_server,
    require_redis,
    serving,
    wait_for,
    write_config,
)

AUTH = {"Authorization": f"Bearer {API_KEY}"}
HEARTBEAT_S = 2.0
"""Short, so a killed worker's job moves on within seconds."""


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_redis()
    with redis_server(tmp_path_factory.mktemp("redis")) as url:
        yield url


@pytest.fixture
def site(tmp_path: Path, redis_url: str) -> Iterator[dict[str, Any]]:
    """A config, an API on the Redis queue, and a way to start workers; all stopped after."""
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    config_path = write_config(
        tmp_path / "audio-news.toml", tmp_path / "out", heartbeat_timeout=HEARTBEAT_S
    )
    config = tomllib.loads(config_path.read_text(encoding="utf-8"))
    workers: list[WorkerProcess] = []

    def start_worker() -> WorkerProcess:
        worker = WorkerProcess(config_path, redis_url, tmp_path / f"worker-{len(workers)}.log")
        workers.append(worker)
        return worker

    with serving(build_api(config, broker=redis_url)) as client:
        try:
            yield {"client": client, "start_worker": start_worker, "tmp": tmp_path}
        finally:
            for worker in workers:
                worker.stop()


def job_file(tmp: Path, job_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (tmp / "out" / ".service" / "jobs" / job_id / "job.json").read_text(encoding="utf-8")
    )
    return data


def status(client: httpx.Client, job_id: str) -> dict[str, Any]:
    doc: dict[str, Any] = client.get(f"/v1/episodes/{job_id}", headers=AUTH).json()
    return doc


def episode_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.suffix in (".mp3", ".json", ".vtt"))


def test_a_job_on_a_killed_worker_is_finished_by_another(site: dict[str, Any]) -> None:
    client, tmp = site["client"], site["tmp"]
    first, second = site["start_worker"](), site["start_worker"]()
    first.wait_ready()
    second.wait_ready()
    long_article = article(1, sentences=40)  # some seconds of work, so the kill lands mid-job
    job_id = client.post("/v1/episodes", json={"text": long_article}, headers=AUTH).json()["id"]
    wait_for(lambda: status(client, job_id)["status"] == "running", 30, "the job to start")
    holder = job_file(tmp, job_id)["worker"]
    victim = first if holder.endswith(f":{first.pid}") else second
    assert holder.endswith(f":{victim.pid}")
    victim.kill()
    assert status(client, job_id)["status"] == "running"
    done = wait_for(
        lambda: (doc := status(client, job_id))["status"] == "done" and doc, 90, "redelivery"
    )
    record = job_file(tmp, job_id)
    assert record["attempts"] == 2 and not record["worker"].endswith(f":{victim.pid}")
    folder = tmp / "out" / job_id
    assert episode_files(folder) == [
        "ban-tin-so-1.chapters.json",
        "ban-tin-so-1.json",
        "ban-tin-so-1.mp3",
        "ban-tin-so-1.transcript.json",
        "ban-tin-so-1.vtt",
    ]
    assert not [p for p in folder.iterdir() if p.name.endswith(".part")]
    audio = MP3(folder / "ban-tin-so-1.mp3")
    assert abs(audio.info.length - done["episode"]["duration"]) < 0.2


def test_two_workers_run_thirty_jobs_once_each(site: dict[str, Any]) -> None:
    client, tmp = site["client"], site["tmp"]
    workers = [site["start_worker"](), site["start_worker"]()]
    ids = [
        client.post("/v1/episodes", json={"text": article(100 + n)}, headers=AUTH).json()["id"]
        for n in range(30)
    ]
    assert len(set(ids)) == 30
    for worker in workers:
        worker.wait_ready()

    def all_done() -> bool:
        return all(job_file(tmp, job_id)["status"] == "done" for job_id in ids)

    wait_for(all_done, 180, "30 jobs", every=0.5)
    records = [job_file(tmp, job_id) for job_id in ids]
    assert [r["attempts"] for r in records] == [1] * 30
    assert {r["worker"].rsplit(":", 1)[1] for r in records} == {str(w.pid) for w in workers}
    out = tmp / "out"
    assert not list(out.rglob("*.part"))
    for job_id in ids:
        assert [n for n in episode_files(out / job_id) if n.endswith(".mp3")] == [
            f"ban-tin-so-{ids.index(job_id) + 100}.mp3"
        ]


def test_an_engine_cap_is_shared_and_a_dead_holder_frees_its_slot(redis_url: str) -> None:
    from dramatiq.rate_limits.backends import RedisBackend

    from audio_news.service.queue import LeaseRateLimiter

    backend = RedisBackend(url=redis_url)

    def limiter() -> LeaseRateLimiter:
        return LeaseRateLimiter(backend, "test:engine-slots:gtts", limit=2, lease_ms=600)

    one, two, three = limiter(), limiter(), limiter()
    with one.acquire(raise_on_failure=False) as a, two.acquire(raise_on_failure=False) as b:
        assert a and b
        time.sleep(0.8)  # past the lease: held slots are renewed, not lost
        with three.acquire(raise_on_failure=False) as c:
            assert not c
    with three.acquire(raise_on_failure=False) as c:
        assert c
    dead = limiter()
    assert dead._take()  # taken, then never renewed nor released: a killed worker
    assert limiter()._take()
    assert not limiter()._take()
    time.sleep(0.7)
    assert limiter()._take()


def test_the_embedded_pool_picks_up_its_jobs_after_a_crash(tmp_path: Path) -> None:
    """The API process (and its pool) killed outright; the next start finishes every job."""
    config = write_config(tmp_path / "audio-news.toml", tmp_path / "out", workers=1)
    port = free_port()
    command = [
        sys.executable, "-m", "audio_news", "--config", str(config), "api", "--port", str(port),
    ]  # fmt: skip
    base = f"http://127.0.0.1:{port}"

    def start(log: Path) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            command, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
        )

        def up() -> bool:
            try:
                return httpx.get(f"{base}/v1/health", timeout=2).status_code == 200
            except httpx.HTTPError:
                return process.poll() is not None

        wait_for(up, 60, "the API to answer")
        assert process.poll() is None, log.read_text()
        return process

    first = start(tmp_path / "api-1.log")
    texts = [article(200 + n, sentences=6) for n in range(4)]
    ids = [
        httpx.post(f"{base}/v1/episodes", json={"text": t}, headers=AUTH).json()["id"]
        for t in texts
    ]
    os.killpg(os.getpgid(first.pid), signal.SIGKILL)
    first.wait(timeout=10)
    states = [job_file(tmp_path, job_id)["status"] for job_id in ids]
    assert "done" not in states[1:], states  # one pool process: the rest were waiting
    second = start(tmp_path / "api-2.log")
    try:

        def all_done() -> bool:
            docs = [httpx.get(f"{base}/v1/episodes/{i}", headers=AUTH).json() for i in ids]
            return all(doc["status"] == "done" for doc in docs)

        wait_for(all_done, 120, "the jobs after the restart", every=0.5)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    for log in ("api-1.log", "api-2.log"):
        assert API_KEY not in (tmp_path / log).read_text()
