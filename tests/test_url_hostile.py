"""Hostile answers to a URL fetch, from a real server on 127.0.0.1: compression bombs and
codings we refuse, servers that drip or stall across redirects, and addresses a fetch must
not reach (loopback, private ...) unless allowed."""

from __future__ import annotations

import ipaddress
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest

from audio_news.config import InputLimits, settings_from_dict
from audio_news.errors import ConfigError, FetchError
from audio_news.inputs import read_article
from audio_news.inputs.guard import ALLOW_PRIVATE_ENV, HostPolicy
from audio_news.inputs.url import fetch
from audio_news.service.watch import Watcher
from support.article_server import BOMB_BYTES, TEXT, Site, gzip_bomb, serving
from support.fault_helpers import assert_one_line_error, child_env
from support.helpers import run_cli
from support.tls_proxy import Reply, Request, TlsStandin

HANG_GUARD_S = 15.0
"""Far more than any timeout here: a run still going then has hung (not a timing test)."""

MAX_RSS_BYTES = 150 << 20
"""Far below what the bomb inflates to, well above what reading an article costs."""


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with serving() as running:
        yield running


@pytest.fixture
def strict(monkeypatch: pytest.MonkeyPatch) -> None:
    """The default policy, whatever the environment running the tests says."""
    monkeypatch.delenv(ALLOW_PRIVATE_ENV, raising=False)


def _allowed(*hosts: str) -> InputLimits:
    return InputLimits(allowed_hosts=frozenset(hosts), fetch_timeout=5)


_MEASURE = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
open(sys.argv[1], "w").write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""
"""Runs the CLI as a child of a small process: on Linux a child's peak memory starts at that
of the process it was forked from, and pytest's own hundreds of MB would count."""


def _run_measured(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run the CLI to the end; its result and its peak resident memory in bytes."""
    out, err, peak = cwd / "stdout", cwd / "stderr", cwd / "peak"
    command = [sys.executable, "-c", _MEASURE, str(peak), sys.executable, "-m", "audio_news"]
    with out.open("w") as stdout, err.open("w") as stderr:
        code = subprocess.run(
            [*command, *args], cwd=cwd, env=child_env(), stdout=stdout, stderr=stderr
        ).returncode
    result = subprocess.CompletedProcess(args, code, out.read_text(), err.read_text())
    return result, int(peak.read_text()) * 1024


@pytest.mark.usefixtures("allow_private_hosts")
def test_stacked_gzip_is_refused_within_the_memory_it_may_use(tmp_path: Path, site: Site) -> None:
    assert len(gzip_bomb()) < 20_000 < BOMB_BYTES
    result, peak = _run_measured(["clean", f"{site.url}/gzip-gzip"], tmp_path)
    assert_one_line_error(result, "stacked content encodings (gzip, gzip) are refused")
    assert result.returncode == 1
    assert peak < MAX_RSS_BYTES, f"{peak:,} bytes resident"


@pytest.mark.usefixtures("allow_private_hosts")
@pytest.mark.parametrize("path", ["/deflate", "/raw-deflate", "/gzip-members"])
def test_deflate_and_multi_member_gzip_are_decoded(site: Site, path: str) -> None:
    assert fetch(site.url + path).data == TEXT
    assert read_article(site.url + path).paragraphs == ("Đoạn một.",)


@pytest.mark.usefixtures("allow_private_hosts")
@pytest.mark.parametrize(
    ("path", "message"),
    [("/gzip-cut", "the gzip data is cut short"), ("/brotli", "content encoding br is not")],
)
def test_unusable_encodings_are_one_clear_error(site: Site, path: str, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        fetch(site.url + path)


# -- one deadline for the whole request --------------------------------------------------------


@pytest.mark.usefixtures("allow_private_hosts")
def test_dripped_headers_do_not_outlast_the_timeout(tmp_path: Path, site: Site) -> None:
    """The status line comes a byte every 0.2 s: every read is quick, the answer never ends."""
    result = run_cli(
        "clean", f"{site.url}/drip-headers", "--timeout", "2", cwd=tmp_path, timeout=HANG_GUARD_S
    )
    assert_one_line_error(result, f"cannot fetch {site.url}/drip-headers: timed out after 2 s")
    assert result.returncode == 1
    assert site.left_early("/drip-headers"), "the client hung up before the headers were done"


@pytest.mark.usefixtures("allow_private_hosts")
def test_the_timeout_covers_every_redirect_together(site: Site) -> None:
    """Four hops of 0.8 s each: none is near the 2 s timeout, all of them are past it."""
    with pytest.raises(FetchError, match=r"timed out after 2 s$"):
        fetch(f"{site.url}/slow-hops/3", timeout=2)
    assert fetch(f"{site.url}/slow-hops/3", timeout=HANG_GUARD_S).data == TEXT


# -- addresses a fetch must not reach ----------------------------------------------------------


@pytest.mark.usefixtures("strict")
@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1", "[::1]", "10.1.2.3", "192.168.0.10", "172.16.5.4", "169.254.169.254",
        "100.64.0.1", "0.0.0.0", "224.0.0.1", "240.0.0.1", "[fc00::1]", "[fe80::1]", "[::]",
        "[ff02::1]", "[::ffff:127.0.0.1]", "[::ffff:10.0.0.1]", "0x7f000001", "localhost",
    ],
)  # fmt: skip
def test_non_public_addresses_are_refused(host: str) -> None:
    with pytest.raises(FetchError, match=r"is a loopback, private or reserved address, not fetch"):
        read_article(f"http://{host}:9/page.html", InputLimits(fetch_timeout=5))


@pytest.mark.usefixtures("strict")
def test_refused_by_default_on_the_command_line_allowed_by_the_option(
    tmp_path: Path, site: Site
) -> None:
    page = f"{site.url}/plain"
    refused = run_cli("clean", page, cwd=tmp_path, env=child_env(), timeout=HANG_GUARD_S)
    assert_one_line_error(refused, "127.0.0.1 is a loopback", "--allow-private-hosts")
    for option in (["--allow-private-hosts"], ["--allow-host", "127.0.0.0/8"]):
        allowed = run_cli("clean", page, *option, cwd=tmp_path, env=child_env())
        assert allowed.returncode == 0, allowed.stderr
        assert "Đoạn một." in allowed.stdout
    config = tmp_path / "audio-news.toml"
    config.write_text("allow_private_hosts = true\n")
    assert run_cli("clean", page, cwd=tmp_path, env=child_env()).returncode == 0


@pytest.mark.usefixtures("strict")
def test_a_redirect_to_a_non_public_address_is_refused(site: Site) -> None:
    """127.0.0.1 is allowed here and 127.0.0.2 is not: the redirect between them is refused,
    before anything is sent to 127.0.0.2."""
    try:
        inner = serving("127.0.0.2")
        other = inner.__enter__()
    except OSError:
        pytest.skip("no 127.0.0.2 loopback address here")
    try:
        target = f"{other.url}/plain"
        assert read_article(target, _allowed("127.0.0.2")).paragraphs == ("Đoạn một.",)
        with pytest.raises(FetchError, match=rf"cannot fetch {target}: 127\.0\.0\.2 is a loop"):
            read_article(f"{site.url}/to/{quote(target, safe='')}", _allowed("127.0.0.1"))
    finally:
        inner.__exit__(None, None, None)


@pytest.mark.usefixtures("strict")
def test_the_feed_watcher_obeys_the_same_setting(site: Site, tmp_path: Path) -> None:
    errors: list[str] = []
    settings = settings_from_dict({"engine": "espeak", "quiet": True, "out_dir": str(tmp_path)})
    report = Watcher(settings, tmp_path / "state", on_error=errors.append).poll([site.url])
    assert report.failed == 1
    assert errors == [
        f"cannot fetch {site.url}: 127.0.0.1 is a loopback, private or reserved address, not "
        "fetched unless allowed (--allow-private-hosts, --allow-host 127.0.0.1, or "
        f"{ALLOW_PRIVATE_ENV}=1)"
    ]


class _NewsBehindProxy(TlsStandin):
    """``https://tin.test/``, a name only the proxy (on 127.0.0.1) knows."""

    hostnames = ("tin.test",)

    def route(self, request: Request) -> Reply:
        return Reply(200, {"Content-Type": "text/plain; charset=utf-8"}, TEXT)


@pytest.mark.usefixtures("strict")
def test_through_a_proxy_the_target_is_checked_not_the_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with _NewsBehindProxy() as news:
        for key, value in news.env().items():
            monkeypatch.setenv(key, value)
        assert fetch("https://tin.test/tin").data == TEXT
        for url in ("https://10.1.2.3/tin", "https://localhost/tin", "http://[::1]/tin"):
            with pytest.raises(FetchError, match="is a loopback, private or reserved address"):
                fetch(url)


@pytest.mark.parametrize(
    ("value", "message"),
    [(["nope"], "'nope' is not an IP address or network"), (5, "allowed_hosts must be")],
)
def test_allowed_hosts_are_addresses_or_networks(value: object, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        settings_from_dict({"allowed_hosts": value})
    limits = settings_from_dict({"limits": {"allowed_hosts": ["10.0.0.0/8", "::1"]}}).limits
    assert limits.allowed_hosts == frozenset({"10.0.0.0/8", "::1"})


@pytest.mark.usefixtures("strict")
def test_the_name_is_resolved_once_and_the_address_checked_is_the_one_connected(
    site: Site, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name that answers an allowed address, then a refused one (DNS rebinding): the
    connection goes to the first answer, and nobody asks again."""
    real = socket.getaddrinfo
    asked: list[str] = []

    def rebinding(host: str, *args: Any, **kwargs: Any) -> Any:
        if host != "rebind.test":
            return real(host, *args, **kwargs)
        asked.append(host)
        return real("127.0.0.1" if len(asked) == 1 else "127.0.0.2", *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    only_first = HostPolicy(allowed=(ipaddress.ip_network("127.0.0.1/32"),))
    url = f"http://rebind.test:{urlsplit(site.url).port}/plain"
    assert fetch(url, hosts=only_first).data == TEXT
    assert asked == ["rebind.test"]
