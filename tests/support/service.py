"""For the service tests: a real redis-server on a free port, worker processes, short articles."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
API_KEY = "test-key-5f1c9a"
CALLBACK_SECRET = "callback-secret-0d3e"
T = TypeVar("T")


def require_redis() -> None:
    """Skip the module without redis-server; under ``.ci/run`` its absence is a failure."""
    if not Path(REDIS_SERVER).exists():
        if os.environ.get("AUDIO_NEWS_REQUIRE_REDIS"):  # set by .ci/run, which installs it
            raise RuntimeError(f"{REDIS_SERVER} is required here but not installed")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for(check: Callable[[], T | None], timeout: float, what: str, every: float = 0.1) -> T:
    """Poll ``check`` until it returns something truthy, at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(every)


@contextmanager
def redis_server(folder: Path) -> Iterator[str]:
    """A throw-away redis-server on 127.0.0.1; yields its URL."""
    import redis

    port = free_port()
    process = subprocess.Popen(
        [
            REDIS_SERVER,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(folder),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)

    def answers() -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    try:
        wait_for(answers, 10, "redis-server to answer")
        yield url
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


def write_config(path: Path, out_dir: Path, **service: Any) -> Path:
    """A config file: espeak, no cache, our key and secret, and ``service`` settings."""
    lines = [
        'engine = "espeak"',
        "use_cache = false",
        f'out_dir = "{out_dir}"',
        "[service]",
        f'api_keys = ["{API_KEY}"]',
        f'callback_secret = "{CALLBACK_SECRET}"',
    ]
    for key, value in service.items():
        lines.append(f"{key} = {_toml(value)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + "}"
    return str(value)


def article(number: int, sentences: int = 1) -> str:
    """A short article, different for each ``number``; its first line is the title."""
    body = " ".join(
        f"Tin số {number}, câu {i}: hôm nay trời nắng nhẹ ở Hà Nội." for i in range(sentences)
    )
    return f"Bản tin số {number}\n{body}\n"


class WorkerProcess:
    """``audio-news worker`` in its own session, so a kill takes its ffmpeg children too."""

    def __init__(self, config: Path, broker: str, log: Path) -> None:
        self.log_path = log
        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "audio_news",
                "--config",
                str(config),
                "worker",
                "--broker",
                broker,
            ],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout: float = 30) -> None:
        wait_for(lambda: b"ready" in self.log_path.read_bytes(), timeout, "the worker to start")

    def kill(self) -> None:
        """SIGKILL, as a crash or the OOM killer would."""
        with_children = os.getpgid(self.process.pid)
        os.killpg(with_children, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log.close()


@contextmanager
def serving(app: Any) -> Iterator[httpx.Client]:
    """``app`` under uvicorn on a free port of 127.0.0.1, lifespan and all; yields a client."""
    import uvicorn

    from audio_news.output.serve import bind_socket

    sock = bind_socket("127.0.0.1", 0)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", timeout_keep_alive=5))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        wait_for(lambda: server.started or not thread.is_alive(), 30, "the API to start")
        assert server.started, "the API did not start"
        base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        with httpx.Client(base_url=base, timeout=30) as client:
            yield client
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
