"""Issue 15 item 4: Markdown read as Markdown, what it drops named, hostile input bounded."""

from __future__ import annotations

import pytest

from audio_news.inputs.markdown import parse_markdown
from audio_news.inputs.markdown_blocks import BRACKET_BUDGET, MAX_NESTING
from audio_news.models import Article
from audio_news.text.clean import clean_article


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
        "ordered items keep their numbers, quotes their text",
        "1. Thứ nhất\n2. Thứ hai\n\n> Trích dẫn\n> tiếp.",
        ("1. Thứ nhất", "2. Thứ hai", "Trích dẫn tiếp."),
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
