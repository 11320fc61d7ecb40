"""The HTTP API over the embedded pool: auth, bad bodies, jobs end to end, callbacks."""

from __future__ import annotations

import json
import logging
import threading
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, ClassVar

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("dramatiq")

import httpx

from audio_news.service.api import build_api
from audio_news.service.callbacks import SIGNATURE_HEADER, signature_matches
from support.article_server import _QuietServer, running
from support.article_server import serving as serving_articles
from support.service import (
    API_KEY,
    CALLBACK_SECRET,
    article,
    free_port,
    serving,
    wait_for,
    write_config,
)

AUTH = {"Authorization": f"Bearer {API_KEY}"}
JOB_TIMEOUT_S = 60


def load_config(tmp: Path, **service: Any) -> dict[str, Any]:
    path = write_config(tmp / "audio-news.toml", tmp / "out", **service)
    return tomllib.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """One API, one pool process, for the whole module; callbacks retry fast."""
    tmp = tmp_path_factory.mktemp("api")
    config = load_config(
        tmp, workers=1, allow_private_callbacks=True, callback_backoff=0.1, callback_retries=2
    )
    with serving(build_api(config)) as api:
        yield api


def submit(client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/v1/episodes", json=body, headers=AUTH)
    assert response.status_code in (200, 202), response.text
    result: dict[str, Any] = response.json()
    return result


def finished(client: httpx.Client, job_id: str) -> dict[str, Any]:
    def check() -> dict[str, Any] | None:
        doc: dict[str, Any] = client.get(f"/v1/episodes/{job_id}", headers=AUTH).json()
        return doc if doc["status"] in ("done", "failed") else None

    return wait_for(check, JOB_TIMEOUT_S, f"job {job_id}")


def test_health_needs_no_key_and_openapi_is_published(client: httpx.Client) -> None:
    health = client.get("/v1/health")
    assert health.status_code == 200
    assert health.json()["queue"] == "embedded"
    spec = client.get("/openapi.json").json()
    assert {"/v1/episodes", "/v1/episodes/{job_id}", "/v1/health"} <= set(spec["paths"])
    assert "bearer" in json.dumps(spec["components"]["securitySchemes"]).lower()


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {API_KEY}"}],
    ids=["no key", "wrong key", "not bearer"],
)
def test_without_a_valid_key_every_route_is_401(
    client: httpx.Client, headers: dict[str, str]
) -> None:
    for method, path in [
        ("get", "/v1/episodes"),
        ("get", "/v1/episodes/0"),
        ("delete", "/v1/episodes/0"),
    ]:
        response = client.request(method, path, headers=headers)
        assert response.status_code == 401
        assert response.json() == {"error": "missing or invalid API key"}
    posted = client.post("/v1/episodes", json={"text": "a\nb"}, headers=headers)
    assert posted.status_code == 401


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "JSON object"),
        (b"", "JSON object"),
        (b"{}", "exactly one of text, html, markdown, url"),
        (b'{"text": "a\\nb", "url": "https://x.vn/"}', "exactly one"),
        (b'{"text": "   "}', "text is empty"),
        (b'{"url": "file:///etc/passwd"}', "http(s) URL"),
        (b'{"text": "a\\nb", "voice_of": "x"}', "voice_of: unknown field"),
        (b'{"text": "a\\nb", "options": {"pitch": 2}}', "options.pitch: unknown field"),
        (b'{"text": "a\\nb", "options": {"speed": 7}}', "speed must be between"),
        (b'{"text": "a\\nb", "options": {"speed": "fast"}}', "options.speed"),
        (b'{"text": "a\\nb", "options": {"bitrate": 100}}', "bitrate must be one of"),
        (b'{"text": "a\\nb", "options": {"engine": "polly"}}', "must be one of auto"),
        (b'{"text": "a\\nb", "options": {"date": "2024-02-31"}}', "date must be YYYY-MM-DD"),
        (b'{"html": "<p>x</p>", "title": "T"}', "title goes with text or markdown"),
        (b'{"text": "a\\nb", "callback_url": "ftp://x/"}', "http(s) URL"),
        (
            b'{"text": "a\\nb", "options": {"lexicon": [{"written": "a\\nb", "spoken": "c"}]}}',
            "one line",
        ),
    ],
)
def test_a_bad_body_is_422_with_one_line(client: httpx.Client, body: bytes, expected: str) -> None:
    headers = {**AUTH, "content-type": "application/json"}
    response = client.post("/v1/episodes", content=body, headers=headers)
    assert response.status_code == 422, response.text
    message = response.json()["error"]
    assert expected in message
    assert "\n" not in message and "Traceback" not in response.text


def test_an_oversize_body_is_413(client: httpx.Client) -> None:
    body = json.dumps({"text": "Tiêu đề\n" + "x" * 2_100_000}).encode()
    response = client.post(
        "/v1/episodes", content=body, headers={**AUTH, "content-type": "application/json"}
    )
    assert response.status_code == 413
    assert "over" in response.json()["error"]


def test_an_article_becomes_an_episode_and_the_same_request_is_the_same_job(
    client: httpx.Client,
) -> None:
    body = {"text": article(1, sentences=2), "options": {"engine": "espeak", "bitrate": 48}}
    first = submit(client, body)
    assert first["status"] in ("queued", "running")
    assert first["links"]["self"].endswith(f"/v1/episodes/{first['id']}")
    assert submit(client, body)["id"] == first["id"]  # while it runs: no second job
    done = finished(client, first["id"])
    assert done["status"] == "done" and done["progress"] == 1.0
    episode = done["episode"]
    assert episode["title"] == "Bản tin số 1" and episode["duration"] > 1
    audio = client.get(episode["audio"], headers={"Range": "bytes=0-99"})
    assert audio.status_code == 206 and len(audio.content) == 100
    assert client.get(episode["json"]).json()["title"] == "Bản tin số 1"
    assert client.get(episode["vtt"]).text.startswith("WEBVTT")
    assert client.get(episode["page"]).status_code == 200
    again = client.post("/v1/episodes", json=body, headers=AUTH)
    assert again.status_code == 200 and again.json()["id"] == first["id"]
    other = submit(client, {**body, "options": {"engine": "espeak", "bitrate": 64}})
    assert other["id"] != first["id"]
    finished(client, other["id"])


def test_a_lexicon_entry_is_spoken(client: httpx.Client, tmp_path: Path) -> None:
    from mutagen.id3 import ID3

    lexicon = [{"written": "Hà Nội", "spoken": "thủ đô"}]
    job = submit(client, {"text": article(2), "options": {"lexicon": lexicon}})
    done = finished(client, job["id"])
    mp3 = tmp_path / "episode.mp3"
    mp3.write_bytes(client.get(done["episode"]["audio"]).content)
    tags = ID3(mp3)
    spoken = str(tags["TXXX:spoken"])  # the transcript as spoken; USLT has it as written
    assert "thủ đô" in spoken and "Hà Nội" not in spoken
    assert "Hà Nội" in tags.getall("USLT")[0].text


def test_a_failed_job_says_why_in_one_line(client: httpx.Client) -> None:
    job = submit(client, {"html": "<html><body><script>x()</script></body></html>"})
    failed = finished(client, job["id"])
    assert failed["status"] == "failed"
    assert failed["error"] and "\n" not in failed["error"]


def test_an_article_url_on_a_private_address_is_refused_unless_the_config_allows_it(
    client: httpx.Client, tmp_path: Path
) -> None:
    """The service reads URLs as the CLI does: non-public addresses only when its config
    file says so (a request cannot). The address is checked when the job is submitted."""
    with serving_articles() as site:
        url = f"{site.url}/article"
        for given in (url, url.replace("127.0.0.1", "localhost")):
            refused = client.post("/v1/episodes", json={"url": given}, headers=AUTH)
            assert refused.status_code == 422, refused.text
            assert "is a loopback, private or reserved address" in refused.json()["error"]
        config = {**load_config(tmp_path, workers=1), "allow_private_hosts": True}
        with serving(build_api(config)) as allowing:
            done = finished(allowing, submit(allowing, {"url": url})["id"])
        assert done["status"] == "done", done


def test_delete_removes_the_job_and_its_files(client: httpx.Client, tmp_path: Path) -> None:
    job = submit(client, {"text": article(3)})
    done = finished(client, job["id"])
    assert client.get(done["episode"]["audio"]).status_code == 200
    assert client.delete(f"/v1/episodes/{job['id']}", headers=AUTH).status_code == 204
    assert client.get(f"/v1/episodes/{job['id']}", headers=AUTH).status_code == 404
    assert client.get(done["episode"]["audio"]).status_code == 404
    assert client.delete(f"/v1/episodes/{job['id']}", headers=AUTH).status_code == 404


def test_the_list_is_newest_first_and_paged(client: httpx.Client) -> None:
    ids = [submit(client, {"text": article(10 + n)})["id"] for n in range(3)]
    for job_id in ids:
        finished(client, job_id)
    page = client.get("/v1/episodes?limit=2", headers=AUTH).json()
    assert [item["id"] for item in page["items"]] == ids[::-1][:2]
    assert page["total"] >= 3 and page["links"]["next"].endswith("limit=2&offset=2")
    rest = client.get(page["links"]["next"], headers=AUTH).json()
    assert rest["items"][0]["id"] == ids[0]
    assert client.get("/v1/episodes?limit=0", headers=AUTH).status_code == 422
    assert client.get("/v1/episodes?limit=1000", headers=AUTH).status_code == 422


class Receiver(BaseHTTPRequestHandler):
    """A CMS endpoint: fails its first ``failures`` calls with 503, then records and accepts."""

    failures: ClassVar[int] = 0
    calls: ClassVar[list[tuple[dict[str, str], bytes]]] = []
    lock: ClassVar[threading.Lock] = threading.Lock()

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        with self.lock:
            type(self).calls.append((dict(self.headers), body))
            status = 503 if len(type(self).calls) <= type(self).failures else 200
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()


def test_the_callback_is_signed_and_retried(client: httpx.Client) -> None:
    Receiver.failures, Receiver.calls = 1, []
    with running(_QuietServer(("127.0.0.1", 0), Receiver)) as url:
        job = submit(client, {"text": article(4), "callback_url": f"{url}/hook"})
        wait_for(lambda: len(Receiver.calls) >= 2, JOB_TIMEOUT_S, "the second callback")
    headers, body = Receiver.calls[-1]
    assert signature_matches(body, CALLBACK_SECRET, headers[SIGNATURE_HEADER])
    assert not signature_matches(body + b" ", CALLBACK_SECRET, headers[SIGNATURE_HEADER])
    document = json.loads(body)
    assert document["id"] == job["id"] and document["status"] == "done"
    assert document["episode"]["audio"].endswith(".mp3")
    state = wait_for(
        lambda: (
            client.get(f"/v1/episodes/{job['id']}", headers=AUTH).json()["callback"]
            if client.get(f"/v1/episodes/{job['id']}", headers=AUTH).json()["callback"]["state"]
            == "delivered"
            else None
        ),
        10,
        "the callback to be marked delivered",
    )
    assert state["attempts"] == 2


def test_a_receiver_that_is_down_does_not_undo_the_episode(client: httpx.Client) -> None:
    nobody = f"http://127.0.0.1:{free_port()}/hook"
    job = submit(client, {"text": article(5), "callback_url": nobody})

    def gave_up() -> dict[str, Any] | None:
        doc: dict[str, Any] = client.get(f"/v1/episodes/{job['id']}", headers=AUTH).json()
        return doc if doc.get("callback", {}).get("state") == "failed" else None

    doc = wait_for(gave_up, JOB_TIMEOUT_S, "the callback to be given up")
    assert doc["status"] == "done" and doc["callback"]["attempts"] == 3  # 1 + 2 retries


def test_private_callbacks_are_refused_unless_allowed(tmp_path: Path) -> None:
    config = load_config(tmp_path)
    app = build_api(config, broker="redis://127.0.0.1:1/0")  # nothing is sent: refused first
    with serving(app) as client:
        for url in ("http://127.0.0.1:9/x", "http://[::1]/x", "http://10.1.2.3/x"):
            response = client.post(
                "/v1/episodes", json={"text": "a\nb", "callback_url": url}, headers=AUTH
            )
            assert response.status_code == 422
            assert "private or loopback" in response.json()["error"]


def test_without_keys_the_api_does_not_start(tmp_path: Path) -> None:
    from audio_news.errors import ConfigError

    config = load_config(tmp_path)
    config["service"]["api_keys"] = []
    with pytest.raises(ConfigError, match="no API keys"):
        build_api(config, broker="redis://127.0.0.1:1/0")


def test_no_key_is_logged(client: httpx.Client, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG):
        client.get("/v1/episodes", headers=AUTH)
        client.get("/v1/episodes", headers={"Authorization": "Bearer guessed-key"})
        client.post("/v1/episodes", content=b"{", headers=AUTH)
    assert API_KEY not in caplog.text and "guessed-key" not in caplog.text
