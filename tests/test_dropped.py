"""Issue 15, "Also": what the readers drop before cleaning is named, rule by rule."""

from __future__ import annotations

from pathlib import Path

from audio_news.inputs.html import parse_html
from support.helpers import DATA, run_cli

BODY = "".join(
    f"<p>Đoạn {i} của bài: giá vàng hôm nay tăng mạnh trên thị trường trong nước và quốc tế.</p>"
    for i in range(8)
)
PAGE = f"""<html><head><title>Giá vàng tăng mạnh</title><script>var secret = 1;</script></head>
<body><nav><a href="/">Trang chủ</a> <a href="/kd">Kinh doanh</a><script>menu()</script></nav>
<div class="breadcrumb"><a href="/kd">Kinh doanh</a></div>
<article><h1>Giá vàng tăng mạnh</h1>{BODY}
<figure><img src="a.jpg"><figcaption>Vàng miếng SJC (Ảnh: Hữu Khoa).</figcaption></figure>
<p><a href="/b">Giá vàng hôm qua</a></p>
<div class="box-related"><a href="/c">Tin khác về vàng</a><div class="share">Chia sẻ</div></div>
<div class="ads">Quảng cáo</div><style>p {{ color: red }}</style></article>
<div class="x"><p>Bản quyền thuộc về báo X.</p></div>
<footer>Liên hệ tòa soạn</footer></body></html>"""


def test_html_reader_names_what_it_drops() -> None:
    article = parse_html(PAGE, source="p.html", sha256="0")
    assert [(r.rule, r.text) for r in article.dropped] == [
        ("html-nav", "Trang chủ Kinh doanh"),
        ("html-footer", "Liên hệ tòa soạn"),
        ("html-breadcrumb", "Kinh doanh"),
        ("html-related", "Tin khác về vàng Chia sẻ"),  # the share box inside it is not listed again
        ("html-ad", "Quảng cáo"),
        ("html-caption", "Vàng miếng SJC (Ảnh: Hữu Khoa)."),
        ("html-link-only", "Giá vàng hôm qua"),
        ("html-extractor", "Bản quyền thuộc về báo X."),
    ]
    said = " ".join((article.title, *article.paragraphs))
    assert not any(r.text in said for r in article.dropped)
    assert "secret" not in str(article.dropped) and "menu()" not in str(article.dropped)


def test_show_removed_lists_the_readers_drops_first(tmp_path: Path) -> None:
    name = "jina_vnexpress_2024-07-26_trinh-van-quyet.txt"
    result = run_cli("clean", str(DATA / name), "--show-removed", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:3] == [
        "[markdown-image] VnExpress",
        "[markdown-link-list] Mới nhất",
        "[markdown-link-list] Tin theo khu vực",
    ]
    rules = [line.split("]", 1)[0] + "]" for line in lines]
    first_cleaning = rules.index("[title-repeat]")
    assert all(r.startswith("[markdown-") for r in rules[:first_cleaning])
    assert "[markdown-link-only] >> Chi tiết mức án đề nghị với 50 bị cáo" in lines
    assert "[markdown-link-list] Chia sẻ" in lines
    assert lines[-1] == "[dateline] Hà Nội"
