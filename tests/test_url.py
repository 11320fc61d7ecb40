"""URLs against a real HTTP server on 127.0.0.1: same Article as the file, and every failure."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterator

import pytest

from audio_news.config import InputLimits
from audio_news.errors import FetchError, InputError
from audio_news.inputs import read_article
from audio_news.inputs.url import MAX_REDIRECTS, fetch
from support.article_server import DATA, MARKDOWN, PAGE, Site, serving

pytestmark = pytest.mark.usefixtures("allow_private_hosts")


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    with serving() as running:
        yield running


@pytest.fixture(scope="module")
def base(site: Site) -> str:
    return site.url


def _as_from(url: str, path: str) -> object:
    article = read_article(path)
    return dataclasses.replace(article, source=url, meta=dataclasses.replace(article.meta, url=url))


def test_served_page_reads_like_the_saved_file(base: str) -> None:
    url = f"{base}/page.html"
    from_url = read_article(url)
    assert from_url == _as_from(url, str(DATA / PAGE))
    assert from_url.meta.url == url
    assert from_url.title.startswith("Thanh tra xăng dầu")


def test_served_markdown_reads_like_the_saved_file(base: str) -> None:
    url = f"{base}/article"
    assert read_article(url) == _as_from(url, str(DATA / MARKDOWN))


def test_redirects_are_followed_and_the_final_url_kept(base: str) -> None:
    article = read_article(f"{base}/hops/{MAX_REDIRECTS - 1}")
    assert article.meta.url == f"{base}/page.html"
    assert article.source == f"{base}/hops/{MAX_REDIRECTS - 1}"


def test_too_many_redirects(base: str) -> None:
    with pytest.raises(FetchError, match="more than 5 redirects"):
        read_article(f"{base}/hops/{MAX_REDIRECTS}")


def test_redirect_loop(base: str) -> None:
    with pytest.raises(FetchError, match="redirects"):
        read_article(f"{base}/loop")


def test_redirect_to_another_scheme_is_refused(base: str) -> None:
    with pytest.raises(FetchError, match="only http and https"):
        read_article(f"{base}/to-ftp")


def test_plain_text_over_http(base: str) -> None:
    article = read_article(f"{base}/plain")
    assert (article.title, article.paragraphs) == ("Tiêu đề", ("Đoạn một.",))


def test_mojibake_over_http_is_repaired(base: str) -> None:
    article = read_article(f"{base}/latin1")
    assert (article.title, article.paragraphs) == ("Tiêu đề", ("Đoạn một.",))


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", r"cannot fetch http://127\.0\.0\.1:\d+/missing: HTTP 404 Not Found$"),
        ("/error", r"HTTP 500 Internal Server Error$"),
        ("/image.png", "content type image/png is not an article"),
    ],
)
def test_http_failures_are_one_clear_error(base: str, path: str, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        read_article(base + path)


@pytest.mark.parametrize("path", ["/big", "/big-chunked"])
def test_download_size_is_capped(base: str, path: str) -> None:
    with pytest.raises(FetchError, match="over the download limit of 100,000 bytes"):
        read_article(base + path, InputLimits(max_download_bytes=100_000))
    assert read_article(base + path, InputLimits(max_download_bytes=200_000)).paragraphs


def test_gzip_is_decoded(base: str) -> None:
    article = read_article(f"{base}/gzip")
    assert (article.title, article.paragraphs) == ("Tiêu đề", ("Đoạn một.",))


def test_the_size_cap_counts_decoded_bytes(base: str) -> None:
    """A 1 MB page that travels as 1 KB of gzip is still over a 100 kB cap."""
    with pytest.raises(FetchError, match="over the download limit of 100,000 bytes"):
        fetch(f"{base}/gzip-bomb", max_bytes=100_000)


def test_slow_server_times_out(site: Site) -> None:
    with pytest.raises(FetchError, match=r"timed out after 0\.3 s"):
        read_article(f"{site.url}/slow", InputLimits(fetch_timeout=0.3))
    assert site.left_early("/slow"), "the client gave up before the server answered"


def test_slow_drip_hits_the_overall_deadline(site: Site) -> None:
    """Each byte comes within the read timeout; the whole-download deadline stops it anyway.

    (On a busy machine a read may time out first: either way the client must leave early.)
    """
    with pytest.raises(FetchError, match="timed out"):
        fetch(f"{site.url}/drip", timeout=0.5)
    assert site.left_early("/drip"), "the client left before the body was complete"


def test_connection_refused() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(FetchError, match="cannot connect"):
        read_article(f"http://127.0.0.1:{port}/page.html", InputLimits(fetch_timeout=2))


@pytest.mark.parametrize(
    "source",
    ["ftp://127.0.0.1/a.txt", "file:///etc/passwd", "javascript:alert(1)", "gopher://x/y"],
)
def test_only_http_and_https(source: str) -> None:
    with pytest.raises(InputError, match="only http and https"):
        read_article(source)


def test_url_without_host() -> None:
    with pytest.raises(InputError, match="no host"):
        read_article("http:///page.html")
