"""Issue 15 item 4: Markdown read as Markdown, what it drops named, hostile input bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from audio_news.inputs import read_article
from audio_news.inputs.detect import Kind, sniff
from audio_news.inputs.markdown import parse_markdown
from audio_news.inputs.markdown_blocks import BRACKET_BUDGET, MAX_NESTING
from audio_news.models import Article
from audio_news.text.clean import clean_article
from support.helpers import DATA, run_cli


def read(body: str) -> Article:
    return parse_markdown("---\ntitle: Tựa\n---\n" + body, source="a.md", sha256="0")


CASES = [
    (
        "link text kept, address dropped",
        'Theo [VnExpress](https://vnexpress.net/a.html "VnExpress"), giá tăng.',
        ("Theo VnExpress, giá tăng.",),
        (("markdown-link", "https://vnexpress.net/a.html"),),
    ),
    (
        "image dropped with its alt text",
        "![Ảnh: đám đông](https://x.vn/a.jpg)\n\nĐoạn một ![](https://x.vn/b.jpg) tiếp.",
        ("Đoạn một tiếp.",),
        (("markdown-image", "Ảnh: đám đông"), ("markdown-image", "https://x.vn/b.jpg")),
    ),
    (
        "link-only list items dropped: breadcrumbs and share buttons",
        "*   [Thời sự](https://x.vn/thoi-su)\n*   [Chính trị](https://x.vn/chinh-tri)\n\n"
        "- [Chia sẻ](https://facebook.com/s) | [Tweet](https://t.co/x)\n- Ý thật sự\n",
        ("Ý thật sự",),
        (
            ("markdown-link-list", "Thời sự"),
            ("markdown-link-list", "Chính trị"),
            ("markdown-link-list", "Chia sẻ | Tweet"),
        ),
    ),
    (
        "a paragraph or heading that is only a link is dropped",
        "Đoạn.\n\n[Xem thêm bài khác](https://x.vn/b)\n\n### [Tin khác](https://x.vn/c)\n",
        ("Đoạn.",),
        (("markdown-link-only", "Xem thêm bài khác"), ("markdown-link-only", "Tin khác")),
    ),
    (
        "headings are paragraphs of their own, soft line breaks joined",
        "Dòng một\nvẫn đoạn một.\n## Mục *hai*\nĐoạn hai\ncòn tiếp.",
        ("Dòng một vẫn đoạn một.", "Mục hai", "Đoạn hai còn tiếp."),
        (),
    ),
    (
        "emphasis, code spans, escapes and entities read as text",
        "**Đậm** và _nghiêng_, ~~gạch~~, `mã`, \\*sao\\* &amp; cộng.",
        ("Đậm và nghiêng, gạch, mã, *sao* & cộng.",),
        (),
    ),
    (
        "a fenced code block is dropped; indented lines are text",
        "```python\nprint('x')\n```\n\n    Dòng thụt vào\n    vẫn là chữ.",
        ("Dòng thụt vào vẫn là chữ.",),
        (("markdown-code", "print('x')"),),
    ),
    (
        "script HTML dropped, other HTML read as its text",
        '<script>\nvar a = 1;\n</script>\n\n<div class="note">\nGhi <b>chú</b>\n</div>\n',
        ("Ghi chú",),
        (("markdown-html", "<script>"),),
    ),
    (
        "a table is read row by row, cells joined",
        "| Loại | Mua vào | Bán ra |\n|---|---|---|\n| SJC | 82,5 | 84,5 |\n",
        ("Loại, Mua vào, Bán ra", "SJC, 82,5, 84,5"),
        (),
    ),
    (
        "ordered items keep their numbers (said before a comma), quotes their text",
        "1. Thứ nhất\n2. Thứ hai\n\n> Trích dẫn\n> tiếp.",
        ("1, Thứ nhất", "2, Thứ hai", "Trích dẫn tiếp."),
        (),
    ),
    (
        "a >> related link keeps its marker for the cleaner",
        ">> Chi tiết mức án",
        (">> Chi tiết mức án",),
        (),
    ),
]


@pytest.mark.parametrize(
    ("body", "paragraphs", "dropped"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_markdown_rules(
    body: str, paragraphs: tuple[str, ...], dropped: tuple[tuple[str, str], ...]
) -> None:
    article = read(body)
    assert article.paragraphs == paragraphs
    assert tuple((r.rule, r.text) for r in article.dropped) == dropped


def test_headings_are_recorded_but_not_the_title() -> None:
    article = parse_markdown(
        "# Tựa bài\n\nĐoạn.\n\n## Diễn biến\n\nĐoạn hai.", source="a", sha256="0"
    )
    assert article.title == "Tựa bài"
    assert article.meta.headings == ("Diễn biến",)
    assert article.paragraphs == ("Đoạn.", "Diễn biến", "Đoạn hai.")


def test_bot_header_gives_title_url_and_image() -> None:
    text = (
        "[Tựa từ liên kết](https://x.vn/a.html)\n\n![Tựa](https://x.vn/a.jpg)\n\nĐoạn một.\n\n"
        "![Ảnh sau](https://x.vn/b.jpg)\n"
    )
    article = parse_markdown(text, source="a", sha256="0")
    assert (article.title, article.paragraphs) == ("Tựa từ liên kết", ("Đoạn một.",))
    assert (article.meta.url, article.meta.image) == ("https://x.vn/a.html", "https://x.vn/a.jpg")
    assert [r.rule for r in article.dropped] == [
        "markdown-link-only",
        "markdown-image",
        "markdown-image",
    ]


def test_dropped_text_is_shortened() -> None:
    article = read("[" + "chữ " * 200 + "](https://x.vn)\n\nĐoạn.")
    (removal,) = article.dropped
    assert removal.text.endswith("…") and len(removal.text) <= 201


HOSTILE = {
    "5,000-deep blockquote": "> " * 5000 + "sâu\n\nsau",
    "1,400 lines ever deeper (1 MB)": "".join(">" * i + " a\n" for i in range(1, 1400)) + "\nsau",
    "a list 1,000 deep (1 MB)": "".join("  " * i + "- mục\n" for i in range(1000)) + "\nsau",
    "1 MB of [": "[" * 1_000_000 + "\n\nsau",
    "1 MB of ![": "![" * 500_000 + "\n\nsau",
    "unclosed links": "[a](" * 250_000 + "\n\nsau",
    "a wide table": "|a" * 100_000 + "\n" + "|-" * 100_000 + "\n\nsau",
}


@pytest.mark.parametrize("body", HOSTILE.values(), ids=list(HOSTILE))
def test_hostile_markdown_is_read_and_cleaned(body: str) -> None:
    article = read(body)
    assert article.paragraphs[-1] == "sau"
    cleaned = clean_article(article).article  # joins the unfinished line before "sau" to it
    assert cleaned.paragraphs[-1].endswith("sau")


def test_text_deeper_than_the_nesting_limit_is_kept() -> None:
    article = read("> " * (MAX_NESTING + 5) + "sâu lắm")
    assert article.paragraphs and article.paragraphs[0].endswith("sâu lắm")


def test_brackets_past_the_budget_are_left_for_the_cleaner() -> None:
    filler = "[" * (BRACKET_BUDGET + 1)
    article = read(f"{filler}\n\nXem [bài](https://x.vn/b).")
    assert article.paragraphs == (filler, "Xem [bài](https://x.vn/b).")
    assert clean_article(article).article.paragraphs[-1] == "Xem bài."


# Item 4, second half: a Jina Reader page is front matter and Markdown.
JINA = DATA / "jina_vnexpress_2024-07-26_trinh-van-quyet.txt"
SAME_ARTICLE = DATA / "text_vnexpress_2024-07-27_trinh-van-quyet.md"


def test_jina_header_is_front_matter() -> None:
    article = read_article(str(JINA))  # a .txt file: the content says it is Markdown
    assert article.title == "Ông Trịnh Văn Quyết bị đề nghị 24-26 năm tù"
    assert article.meta.site_name == "VnExpress"
    assert article.meta.url == (
        "https://vnexpress.net/ong-trinh-van-quyet-bi-de-nghi-24-26-nam-tu-4774232.html"
    )
    assert (article.meta.date, article.meta.published) == (
        "2024-07-26",
        "2024-07-26T16:48:12+07:00",
    )
    assert article.meta.image is None  # the logo linking home is not the article's picture
    rules = {r.rule for r in article.dropped}
    assert rules == {"markdown-image", "markdown-link-list", "markdown-link-only"}


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Title: T\n\nURL Source: https://x.vn/a\n\nMarkdown Content:\nĐoạn.", Kind.MARKDOWN),
        (
            "Title: T\nURL Source: https://x.vn/a\nPublished Time: 2024\nMarkdown Content:\n",
            Kind.MARKDOWN,
        ),
        ("Title: a note\n\nMarkdown Content is a phrase, not a header.", Kind.TEXT),
        ("Title: T\n\nsome text first\n\nMarkdown Content:\n", Kind.TEXT),
    ],
)
def test_jina_is_sniffed(text: str, kind: Kind) -> None:
    assert sniff(text) is kind


@pytest.mark.parametrize(
    ("title", "url", "expected"),
    [
        ("Giá vàng tăng - VnExpress", "https://vnexpress.net/a", ("Giá vàng tăng", "VnExpress")),
        ("Giá vàng tăng | Báo Tuổi Trẻ", "https://tuoitre.vn/a", ("Giá vàng tăng", "Báo Tuổi Trẻ")),
        ("Giá vàng tăng - Dân trí", "https://dantri.com.vn/a", ("Giá vàng tăng", "Dân trí")),
        ("Hà Nội - Hải Phòng", "https://vnexpress.net/a", ("Hà Nội - Hải Phòng", None)),
    ],
)
def test_jina_title_loses_the_site_name(title: str, url: str, expected: tuple[str, str]) -> None:
    text = f"Title: {title}\n\nURL Source: {url}\n\nMarkdown Content:\nĐoạn một.\n"
    article = parse_markdown(text, source="a", sha256="0")
    assert (article.title, article.meta.site_name) == expected


def test_jina_page_script_is_the_article_script(tmp_path: Path) -> None:
    """The dump speaks exactly what the clean newspaper3k post of the same article speaks."""
    jina = run_cli("script", str(JINA), "--engine", "gtts", cwd=tmp_path)
    post = run_cli("script", str(SAME_ARTICLE), "--engine", "gtts", cwd=tmp_path)
    assert jina.returncode == 0 and post.returncode == 0, jina.stderr + post.stderr
    lines = jina.stdout.splitlines()
    assert lines[:3] == [
        "Ông Trịnh Văn Quyết bị đề nghị hai mươi tư đến hai mươi sáu năm tù",
        "Cựu chủ tịch ép lờ xê Trịnh Văn Quyết bị xác định là chủ mưu với thủ đoạn mới, tinh vi,",
        'lợi dụng sơ hở của pháp luật để trục lợi đặc biệt lớn song khắc phục "không đáng kể".',
    ]
    assert jina.stdout == post.stdout
    said = jina.stdout
    for junk in ("http", "](", "![", "*", "_", "#", "=", "Image", "Thời sự", "Chia sẻ", "GMT"):
        assert junk not in said, junk
