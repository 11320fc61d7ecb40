"""Hostile inputs through the real CLI: each ends in a valid MP3 or in one line on stderr.

Every case runs ``python -m audio_news produce`` in a fresh folder with its own TMPDIR, then
checks the outcome (a readable 44.1 kHz MP3, or exactly one stderr line and a non-zero exit),
that no traceback, partial, hidden or empty file was left in the output folder, and that
nothing was written anywhere else.
"""

from __future__ import annotations

import codecs
import json
import os
import random
import unicodedata
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pytest
from mutagen.mp3 import MP3

from support.helpers import as_mojibake, run_cli, to_cp1258

TITLE = "Hà Nội mở rộng tuyến buýt điện"
SLUG = "ha-noi-mo-rong-tuyen-buyt-dien"
BODY = (
    "Sáng nay, Sở Giao thông vận tải Hà Nội cho biết thành phố sẽ mở thêm ba tuyến xe buýt "
    "điện. Các tuyến mới đi qua nhiều khu dân cư đông đúc ở phía tây thành phố."
)
ARTICLE = f"{TITLE}\n\n{BODY}\n"
BODY_SLUG = "sang-nay-so-giao-thong-van-tai-ha-noi-cho-biet-thanh-pho-se-mo-them"
"""The slug of an article whose title says nothing: its first line's opening words."""
_VOCABULARY = (
    "người dân tỉnh thành phố kinh tế phát triển xã hội chính sách năm mới đầu tư hạ tầng "
    "giao thông giáo dục y tế văn hóa"
)
WORDS = _VOCABULARY.split()
DEFAULT_LIMIT = 200_000
ESPEAK_MAX_CHARS = 1000

Outcome = Literal["mp3", "error"]


def words(count: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(WORDS) for _ in range(count))


def huge_text(chars: int) -> str:
    """Distinct paragraphs of plain words (repeats would be dropped as duplicates)."""
    paragraphs = [TITLE]
    size, seed = len(TITLE), 0
    while size <= chars:
        paragraphs.append(words(60, seed) + ".")
        size += len(paragraphs[-1]) + 1
        seed += 1
    return "\n".join(paragraphs) + "\n"


MARKDOWN_JUNK = f"""---
title: "{TITLE}"
tags: [a, b]
---
# {TITLE}

![ảnh](https://example.invalid/a.jpg) ![](x.png)

> **Tóm tắt:** _{BODY}_

| cột | cột |
|-----|-----|
| 1   | 2   |

```python
print("không đọc")
```

* * *
- [Xem thêm](https://example.invalid/x) <https://example.invalid/y>
<div class="ad">Quảng cáo</div>
~~gạch~~ `mã` ***đậm nghiêng*** [[wiki]] [^1]

[^1]: chú thích
"""

SCRIPTS_ONLY_HTML = (
    "<!doctype html><html><head><script>var a = '<p>không</p>';</script>"
    "<style>p {{ color: red }}</style></head><body><script>document.write('x')</script>"
    "<noscript></noscript></body></html>"
)
BROKEN_HTML = (
    f"<html><head><title>{TITLE}</title><body><h1>{TITLE}<p>{BODY}<b>đậm <i>nghiêng</p></b>"
    "<div><p>Đoạn thứ hai chưa đóng thẻ, có cả &amp thực thể &#xZZ; hỏng &nbsp và <a href='"
)


@dataclass(frozen=True)
class Case:
    name: str
    content: bytes | None
    """What the input file holds; None when ``source`` names something that is not a file."""
    outcome: Outcome
    filename: str = "article.txt"
    args: tuple[str, ...] = ()
    stdin: bool = False
    error_has: str = ""
    slug: str | None = None
    source: str | None = None


def text_case(name: str, text: str, outcome: Outcome, **kw: object) -> Case:
    return Case(name, text.encode("utf-8"), outcome, **kw)  # type: ignore[arg-type]


CASES: list[Case] = [
    text_case("empty", "", "error", error_has="empty"),
    text_case("whitespace-only", " \n\t\n\u3000\u00a0 \r\n  ", "error", error_has="empty"),
    text_case(
        "player-and-links-only",
        "0:00 / 3:42\n0:00\nhttps://example.invalid/bai-viet.html\n[Xem thêm](https://x.invalid)\n"
        "<https://example.invalid/a>\n",
        "error",
        error_has="no title",
    ),
    text_case("title-only", f"{TITLE}\n", "error", error_has="no article text"),
    text_case("emoji-only-title", f"🎉🔥🚀\n{BODY}\n", "mp3"),
    Case("binary-garbage", random.Random(3).randbytes(4096), "error", error_has="binary"),
    Case("png-named-txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "error"),
    Case("utf16-le-bom", codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"), "mp3", slug=SLUG),
    Case("utf16-be-bom", codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"), "mp3", slug=SLUG),
    Case("utf16-le-no-bom", ARTICLE.encode("utf-16-le"), "mp3", slug=SLUG),
    Case("utf16-bom-broken", codecs.BOM_UTF16_LE + b"\x00\xd8a\x00b", "error"),
    Case("utf32-bom", codecs.BOM_UTF32_LE + ARTICLE.encode("utf-32-le"), "mp3", slug=SLUG),
    Case("utf8-bom", codecs.BOM_UTF8 + ARTICLE.encode("utf-8"), "mp3", slug=SLUG),
    Case("windows-1258", to_cp1258(ARTICLE), "mp3", slug=SLUG),
    Case("latin1-mojibake", as_mojibake(ARTICLE), "mp3", slug=SLUG),
    Case("latin1-file", "Café à Paris\n\nLe garçon a reçu un cadeau.\n".encode("latin-1"), "mp3"),
    Case("crlf", ARTICLE.replace("\n", "\r\n").encode(), "mp3", slug=SLUG),
    Case("cr-only", ARTICLE.replace("\n", "\r").encode(), "mp3", slug=SLUG),
    Case("nfd", unicodedata.normalize("NFD", ARTICLE).encode(), "mp3", slug=SLUG),
    text_case(
        "zero-width-and-emoji",
        f"\ufeff{TITLE}\u200b 🚌\n\n"
        "\u200dSáng\u200c nay 👍🏽, thành\u2060 phố 🇻🇳 mở tuyến mới.\u00ad\n",
        "mp3",
        slug=SLUG,
    ),
    text_case(
        "control-chars",
        f"{TITLE}\x07\n\x1b[31m{BODY}\x1b[0m\x0c\n\x7fĐoạn\x08 cuối.\n",
        "mp3",
        slug=SLUG,
    ),
    text_case("nul-bytes", f"{TITLE}\n{BODY}\x00\x00\n", "error", error_has="binary"),
    text_case(
        "bidi-and-cjk", "新闻标题 ‮abc‬\nمرحبا بالعالم. 日本語のテキストです。\n", "mp3", slug="abc"
    ),
    text_case(
        "numbers-only", "2024\n1 2 3 4 5 6 7 8 9 10\n3,14 1.000.000 99% -7 1e10 0x1F\n", "mp3"
    ),
    text_case("punctuation-only", "!!!\n... ??? ;;; ---\n", "error"),
    text_case("one-long-word", f"{TITLE}\n{'á' * 1500}\n", "mp3", slug=SLUG),
    text_case("2000-words-no-punctuation", f"{TITLE}\n{words(2000)}\n", "mp3", slug=SLUG),
    text_case("21000-words-no-punctuation", f"{TITLE}\n{words(21_000)}\n", "mp3", slug=SLUG),
    text_case(
        "5000-combining-marks", f"{TITLE}\n\n{BODY[:40]}{chr(0x301) * 5000} {BODY[40:]}\n", "mp3"
    ),
    text_case(
        "huge-refused",
        huge_text(DEFAULT_LIMIT + 10_000),
        "error",
        error_has=f"{DEFAULT_LIMIT:,}",
    ),
    Case(
        "huge-html-refused",
        (
            "<html><body><article><h1>T</h1>" + f"<p>{BODY}</p>" * 1400 + "</article></body></html>"
        ).encode(),
        "error",
        filename="article.html",
        error_has=f"{DEFAULT_LIMIT:,}",
    ),
    text_case("limit-lowered", ARTICLE, "error", args=("--max-chars", "50"), error_has="50"),
    text_case("limit-raised", ARTICLE, "mp3", args=("--max-chars", "1000000"), slug=SLUG),
    text_case("title-traversal", f"../../etc/passwd\n{BODY}\n", "mp3", slug="etc-passwd"),
    text_case("title-absolute", f"/abs/path\n{BODY}\n", "mp3", slug="abs-path"),
    text_case("title-backslashes", f"..\\..\\x\n{BODY}\n", "mp3", slug="x"),
    text_case("title-only-dots", f"../../..\n{BODY}\n", "mp3", slug=BODY_SLUG),
    text_case("title-500-chars", f"{words(120)[:500]}\n{BODY}\n", "mp3"),
    Case(
        "html-title-traversal",
        f"<html><head><title>../../tmp/x</title></head><body><p>{BODY}</p></body></html>".encode(),
        "mp3",
        filename="article.html",
    ),
    Case(
        "html-nested-3000-deep",
        (
            f"<html><body><h1>{TITLE}</h1>"
            + "<div>" * 3000
            + f"<p>{BODY}</p>"
            + "</div>" * 3000
            + f"<p>{BODY[:60]}.</p></body></html>"
        ).encode(),
        "mp3",
        filename="article.html",
        slug=SLUG,
    ),
    Case(
        "html-4.9MB-table-refused",
        (
            "<html><body><p>Bảng giá.</p><table>"
            + "".join(
                f"<tr><td>Ô {i}</td><td>giá {i * 3}</td><td>ghi chú {i}</td></tr>"
                for i in range(70_000)
            )
            + "</table></body></html>"
        ).encode(),
        "error",
        filename="article.html",
        error_has=f"{DEFAULT_LIMIT:,}",
    ),
    Case("html-scripts-only", SCRIPTS_ONLY_HTML.encode(), "error", filename="article.html"),
    Case("html-broken", BROKEN_HTML.encode(), "mp3", filename="article.html", slug=SLUG),
    Case("markdown-junk", MARKDOWN_JUNK.encode(), "mp3", filename="article.md", slug=SLUG),
    Case("stdin", ARTICLE.encode(), "mp3", stdin=True, slug=SLUG),
    Case("stdin-empty", b"", "error", stdin=True, error_has="empty"),
    Case("missing-file", None, "error", source="no-such-article.txt", error_has="no such file"),
    Case("folder-without-articles", None, "error", source=".", error_has="no articles"),
]


def _snapshot(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def _all_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


@dataclass(frozen=True)
class Run:
    folder: Path
    returncode: int
    stderr: str


def _run_case(case: Case, folder: Path) -> Run:
    """Produce ``case`` from ``folder/in`` into ``folder/work/out``; TMPDIR and HOME in folder."""
    inputs, work, tmp, home = (folder / name for name in ("in", "work", "tmp", "home"))
    for sub in (inputs, work, tmp, home):
        sub.mkdir(parents=True)
    source = case.source or "-"
    if case.content is not None and not case.stdin:
        (inputs / case.filename).write_bytes(case.content)
        source = str(inputs / case.filename)
    elif case.source == ".":
        source = str(inputs)
    env = {**os.environ, "TMPDIR": str(tmp), "TEMP": str(tmp), "TMP": str(tmp), "HOME": str(home)}
    env.update(XDG_CACHE_HOME=str(home / "cache"), XDG_CONFIG_HOME=str(home / "config"))
    result = run_cli(
        "produce",
        source,
        "--engine",
        "espeak",
        "-o",
        "out",
        "--cache-dir",
        "cache",
        *case.args,
        cwd=work,
        stdin=case.content if case.stdin else None,
        env=env,
        timeout=120,
    )
    return Run(folder, result.returncode, result.stderr)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """Every case, run a few at a time (each is a separate process in its own folder)."""
    root = tmp_path_factory.mktemp("hostile")
    outside = root.parent
    before = _snapshot(outside)
    with ThreadPoolExecutor(max_workers=min(3, os.cpu_count() or 1)) as pool:
        futures = {c.name: pool.submit(_run_case, c, root / c.name) for c in CASES}
        done = {name: future.result() for name, future in futures.items()}
    written_beside = _snapshot(outside) - before
    assert not written_beside, f"written beside the test folders: {written_beside}"
    assert _snapshot(root) == {c.name for c in CASES}
    return done


def _check_output_folder(out: Path) -> None:
    for path in _all_files(out):
        assert not path.name.startswith("."), f"hidden/temp file left: {path}"
        assert not path.name.endswith((".part", ".tmp")), f"partial file left: {path}"
        assert path.stat().st_size > 0, f"zero-byte file: {path}"


def _check_mp3(out: Path, case: Case) -> None:
    mp3s = sorted(out.glob("*.mp3"))
    assert len(mp3s) == 1, [p.name for p in _all_files(out)]
    mp3 = mp3s[0]
    if case.slug is not None:
        assert mp3.stem == case.slug
    assert len(mp3.stem) <= 80
    info: Any = MP3(mp3).info  # type: ignore[no-untyped-call]
    assert info.length > 0
    assert info.sample_rate == 44100
    document = json.loads(mp3.with_suffix(".json").read_text(encoding="utf-8"))
    assert document["segments"], "an episode with no spoken segment"


def _check_error(stderr: str, out: Path, case: Case) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert case.error_has in lines[0]
    assert not [p for p in _all_files(out) if p.suffix in (".mp3", ".json", ".vtt")]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_input(case: Case, runs: dict[str, Run]) -> None:
    run = runs[case.name]
    assert "Traceback" not in run.stderr, run.stderr
    work = run.folder / "work"
    out = work / "out"
    _check_output_folder(out)
    succeeded = run.returncode == 0
    assert succeeded == (case.outcome == "mp3"), run.stderr
    if succeeded:
        _check_mp3(out, case)
    else:
        _check_error(run.stderr, out, case)
    assert _snapshot(run.folder) == {"in", "work", "tmp", "home"}
    assert _snapshot(work) <= {"out", "cache"}
    assert not _all_files(run.folder / "tmp"), "temp files left"
    assert not _all_files(run.folder / "home"), "written to the user's folders"
    expected_inputs = {case.filename} if case.content is not None and not case.stdin else set()
    assert _snapshot(run.folder / "in") == expected_inputs


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


SCRIPT_CASES: list[tuple[str, Callable[[], str], tuple[str, ...]]] = [
    ("20000-words-no-punctuation", lambda: f"{TITLE}\n{words(20_000)}\n", ()),
    (
        "huge-with-limit-raised",
        lambda: huge_text(DEFAULT_LIMIT + 10_000),
        ("--max-chars", "300000"),
    ),
]


@pytest.mark.parametrize(
    ("make", "args"), [c[1:] for c in SCRIPT_CASES], ids=[c[0] for c in SCRIPT_CASES]
)
def test_long_input_scripts(make: Callable[[], str], args: tuple[str, ...], tmp_path: Path) -> None:
    """Inputs too long to synthesize in a test: their whole text must reach the script."""
    text = make()
    source = _write(tmp_path / "long.txt", text)
    result = run_cli("script", str(source), "--engine", "espeak", *args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    chunks = result.stdout.splitlines()
    assert all(0 < len(chunk) <= ESPEAK_MAX_CHARS for chunk in chunks)
    assert " ".join(chunks).split() == text.split()
