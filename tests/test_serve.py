"""The HTTP server, over real sockets on 127.0.0.1: ranges, types, confinement, load."""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
import requests

from audio_news.errors import ConfigError, InputError
from audio_news.output.episode import EpisodeDocument
from audio_news.output.page import asset_bytes, write_index, write_page
from audio_news.output.serve import LocalServer, RangeNotSatisfiable, parse_range
from support.episode_factory import make_episode

SLUG = "ban-tin-thu-nghiem"
SECRET = "TOP-SECRET-OUTSIDE"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("site")
    out = base / "out"
    write_page(EpisodeDocument.load(make_episode(out)), out)
    write_index(out)
    (base / "secret.txt").write_text(SECRET, encoding="utf-8")
    (out / "link.txt").symlink_to(base / "secret.txt")
    (out / "linkdir").symlink_to(base)
    (out / ".hidden.json").write_text(SECRET, encoding="utf-8")
    (out / "notes.sh").write_text(SECRET, encoding="utf-8")
    (out / "sub").mkdir()
    (out / "sub" / "x.txt").write_text("inside", encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[LocalServer]:
    with LocalServer(site, port=0) as srv:
        yield srv


class Client(requests.Session):
    """A session on one server: paths are relative to it, redirects are not followed."""

    def __init__(self, base_url: str, timeout: float) -> None:
        super().__init__()
        self.base_url, self.timeout = base_url.rstrip("/"), timeout

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        kwargs.setdefault("allow_redirects", False)
        return super().request(method, self.base_url + url, **kwargs)


@pytest.fixture()
def client(server: LocalServer) -> Iterator[Client]:
    with Client(server.url, timeout=10) as c:
        yield c


def raw_request(server: LocalServer, data: bytes, timeout: float = 10) -> bytes:
    """Send bytes as they are, say that is all, and read until the server closes."""
    with socket.create_connection((server.host, server.port), timeout=timeout) as sock:
        chunks = []
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (ConnectionResetError, OSError) as e:
            # The server may answer and close before we finish sending garbage.
            if e.errno not in (errno.ENOTCONN, errno.ECONNRESET, errno.EPIPE):
                raise
    return b"".join(chunks)


def get_raw(server: LocalServer, target: str) -> bytes:
    return raw_request(
        server, f"GET {target} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n".encode("latin-1")
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes=0-99", (0, 100)),
        ("bytes=100-", (100, 1000)),
        ("bytes=-10", (990, 1000)),
        ("bytes=-5000", (0, 1000)),
        ("bytes=990-5000", (990, 1000)),
        (" BYTES = 5 - 9 ", None),
        ("bytes= 5-9 ", (5, 10)),
        ("bytes=0-10,5-20", (0, 21)),
        ("bytes=10-19,20-29", (10, 30)),
        ("bytes=0-1,100-200", None),
        ("bytes=5-2", None),
        ("bytes=abc", None),
        ("bytes=-", None),
        ("bytes=", None),
        ("items=0-1", None),
        ("0-1", None),
        ("bytes=0-1" + ",0-1" * 100, None),
        (None, None),
    ],
)
def test_parse_range(header: str | None, expected: tuple[int, int] | None) -> None:
    wanted = parse_range(header, 1000)
    assert (None if wanted is None else (wanted.start, wanted.end)) == expected


@pytest.mark.parametrize(
    "header", ["bytes=1000-", "bytes=5000-6000", "bytes=-0", "bytes=1000-1001,2000-"]
)
def test_parse_range_unsatisfiable(header: str) -> None:
    with pytest.raises(RangeNotSatisfiable):
        parse_range(header, 1000)


@pytest.mark.parametrize(
    ("header", "start", "stop"),
    [
        ("bytes=0-99", 0, 100),
        ("bytes=1000-", 1000, None),
        ("bytes=-500", -500, None),
        ("bytes=0-0", 0, 1),
        ("bytes=2048-4095", 2048, 4096),
    ],
)
def test_range_returns_exactly_the_bytes_asked_for(
    client: Client, site: Path, header: str, start: int, stop: int | None
) -> None:
    data = (site / f"{SLUG}.mp3").read_bytes()
    expected = data[start:stop]
    response = client.get(f"/{SLUG}.mp3", headers={"Range": header})
    assert response.status_code == 206
    assert response.content == expected
    assert response.headers["content-length"] == str(len(expected))
    first = start % len(data)
    assert response.headers["content-range"] == (
        f"bytes {first}-{first + len(expected) - 1}/{len(data)}"
    )
    assert response.headers["content-type"] == "audio/mpeg"


@pytest.mark.parametrize("first", ["{size}", "{size}0", "9" * 150])
def test_unsatisfiable_range_is_416(client: Client, site: Path, first: str) -> None:
    size = (site / f"{SLUG}.mp3").stat().st_size
    response = client.get(f"/{SLUG}.mp3", headers={"Range": f"bytes={first.format(size=size)}-"})
    assert response.status_code == 416
    assert response.headers["content-range"] == f"bytes */{size}"


@pytest.mark.parametrize(
    "header",
    ["bytes=abc", "bytes=9-3", "pages=1-2", "bytes=0-1,30000-30001", "bytes=0-1" + ",0-1" * 60],
)
def test_ignored_ranges_get_the_whole_file(client: Client, site: Path, header: str) -> None:
    response = client.get(f"/{SLUG}.mp3", headers={"Range": header})
    assert response.status_code == 200
    assert response.content == (site / f"{SLUG}.mp3").read_bytes()


def test_if_range_with_an_old_etag_gets_the_whole_file(client: Client) -> None:
    etag = client.head(f"/{SLUG}.mp3").headers["etag"]
    same = client.get(f"/{SLUG}.mp3", headers={"Range": "bytes=0-9", "If-Range": etag})
    old = client.get(f"/{SLUG}.mp3", headers={"Range": "bytes=0-9", "If-Range": '"old"'})
    assert (same.status_code, len(same.content)) == (206, 10)
    assert old.status_code == 200 and len(old.content) > 10
    assert client.get(f"/{SLUG}.mp3", headers={"If-None-Match": etag}).status_code == 304


def test_head_sends_headers_only(client: Client, site: Path) -> None:
    response = client.head(f"/{SLUG}.mp3")
    assert response.status_code == 200
    assert response.headers["content-length"] == str((site / f"{SLUG}.mp3").stat().st_size)
    assert response.headers["accept-ranges"] == "bytes"
    assert response.content == b""


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        (f"{SLUG}.mp3", "audio/mpeg"),
        (f"{SLUG}.json", "application/json"),
        (f"{SLUG}.vtt", "text/vtt; charset=utf-8"),
        (f"{SLUG}.html", "text/html; charset=utf-8"),
        ("index.html", "text/html; charset=utf-8"),
        ("player.js", "text/javascript; charset=utf-8"),
        ("player.css", "text/css; charset=utf-8"),
        ("favicon.ico", "image/x-icon"),
        ("sub/x.txt", "text/plain; charset=utf-8"),
    ],
)
def test_content_types(client: Client, site: Path, name: str, content_type: str) -> None:
    response = client.get(f"/{name}")
    assert response.status_code == 200
    assert response.headers["content-type"] == content_type
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.content == (site / name).read_bytes()


def test_a_folder_without_pages_still_has_a_favicon(tmp_path: Path) -> None:
    make_episode(tmp_path)  # as --no-player leaves it: no pages, no assets
    with LocalServer(tmp_path, port=0) as srv, Client(srv.url, timeout=10) as client:
        response = client.get("/favicon.ico")
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/x-icon"
        assert response.content == asset_bytes("favicon.ico")
        assert client.get("/favicon.png").status_code == 404


def test_index_lists_episodes_with_a_player(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    page = response.text
    assert "Bản tin thử nghiệm: Hà Nội đón mưa lớn" in page
    assert f'data-episode="{SLUG}.json"' in page
    assert '<script src="player.js"></script>' in page


@pytest.mark.parametrize(
    "target",
    [
        "/../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/etc/passwd",
        "/..%2fsecret.txt",
        "/sub/../../secret.txt",
        "/sub/%2e%2e/%2e%2e/secret.txt",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/..\\secret.txt",
        "/%5c..%5csecret.txt",
        "/link.txt",
        "/linkdir/secret.txt",
        "/.hidden.json",
        "/notes.sh",
        "/sub",
        "/sub/",
        "/linkdir/",
        "/%00",
        "/x.mp3%00.html",
        "/etc/passwd",
        "/" + "a" * 5000 + ".mp3",
        "http://127.0.0.1/../secret.txt",
    ],
)
def test_nothing_outside_the_folder(server: LocalServer, target: str) -> None:
    reply = get_raw(server, target)
    status = int(reply.split(b" ", 2)[1])
    assert status in (400, 404), reply[:200]
    assert SECRET.encode() not in reply
    assert b"root:" not in reply


def test_other_methods_are_refused(client: Client) -> None:
    response = client.post(f"/{SLUG}.mp3", data=b"x")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD"}
    assert client.request("DELETE", "/").status_code == 405


HOSTILE = [
    b"\x00\xff\xfe garbage \r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: t\r\nRange: bytes=" + b"7" * 60_000 + b"-\r\n\r\n",
    b"GET /" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: t\r\n\r\n",
    b"GET / HTTP/1.1\r\n" + b"X-Junk: y\r\n" * 5000 + b"\r\n",
    b"GET / HTTP/9.9\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"GET /ban-tin-thu-nghiem.mp3 HTTP/1.1\r\nHost: t\r\nRange: bytes=0-1\r\nRange: bytes=9-\r\n"
    b"Connection: close\r\n\r\n",
    b"\r\n" * 1000,
    b"GET /ban-tin",
]


@pytest.mark.parametrize("data", HOSTILE, ids=range(len(HOSTILE)))
def test_malformed_requests_do_not_stop_the_server(server: LocalServer, data: bytes) -> None:
    with contextlib.suppress(TimeoutError, ConnectionError):
        raw_request(server, data, timeout=3)
    with Client(server.url, timeout=10) as c:
        assert c.get("/").status_code == 200


def test_many_concurrent_clients(server: LocalServer, site: Path) -> None:
    """50 clients x 20 requests each, full and ranged, mixed with hostile connections."""
    data = (site / f"{SLUG}.mp3").read_bytes()
    clients, per_client = 50, 20

    def one_client(n: int) -> int:
        ok = 0
        with Client(server.url, timeout=20) as c:
            for i in range(per_client):
                if n % 10 == 0 and i % 5 == 0:
                    with contextlib.suppress(TimeoutError, ConnectionError):
                        raw_request(server, HOSTILE[i % len(HOSTILE)], timeout=3)
                start = (n * 997 + i * 131) % (len(data) - 1)
                r = c.get(f"/{SLUG}.mp3", headers={"Range": f"bytes={start}-"})
                ok += r.status_code == 206 and r.content == data[start:]
                page = c.get("/" if i % 2 else f"/{SLUG}.json")
                ok += page.status_code == 200
        return ok

    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=clients) as pool:
        results = list(pool.map(one_client, range(clients), timeout=120))
    elapsed = time.monotonic() - began
    assert sum(results) == clients * per_client * 2
    print(f"{clients * per_client * 2} requests in {elapsed:.1f} s")
    with Client(server.url, timeout=10) as c:
        assert c.get(f"/{SLUG}.mp3", headers={"Range": "bytes=0-3"}).content == data[:4]


def test_serving_a_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        LocalServer(tmp_path / "nope", port=0)


def test_a_taken_port_is_a_config_error(server: LocalServer, site: Path) -> None:
    with pytest.raises(ConfigError, match="cannot listen"):
        LocalServer(site, port=server.port)


def test_serve_command_end_to_end(site: Path) -> None:
    """``python -m audio_news serve DIR --port 0`` prints its URL and serves the folder."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "audio_news", "serve", str(site), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith(f"Serving {site} at http://127.0.0.1:"), line
        url = line.split(" at ", 1)[1].split()[0]
        deadline = time.monotonic() + 15
        while True:
            try:
                response = requests.get(
                    url + f"{SLUG}.mp3", headers={"Range": "bytes=0-9"}, timeout=10
                )
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "server did not answer"
                time.sleep(0.05)
        assert response.status_code == 206
        assert response.content == (site / f"{SLUG}.mp3").read_bytes()[:10]
    finally:
        proc.terminate()
        proc.wait(timeout=15)
