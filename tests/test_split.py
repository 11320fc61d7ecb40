"""Sentence splitting and chunking: named cases from the corpus, and properties."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audio_news.errors import ConfigError
from audio_news.text.breaks import FORBIDDEN, gap_costs
from audio_news.text.split import abbreviations, chunk_text, split_sentences
from audio_news.text.tables import read_toml

DATA = Path(__file__).parent / "data"

SENTENCES: list[tuple[str, str, list[str]]] = [
    (
        "abbreviation TP. and PGS.TS.",
        "Tại TP. Hồ Chí Minh, PGS.TS. Lê Văn Sanh nói. Ông về Q. Bình Thạnh.",
        ["Tại TP. Hồ Chí Minh, PGS.TS. Lê Văn Sanh nói.", "Ông về Q. Bình Thạnh."],
    ),
    (
        "titles ThS., GS., Th.S, TS.",
        "ThS. Nguyễn Hà và GS. Trần Văn Thọ dự. Th.S. Lê An và TS. Vũ Minh cũng có mặt.",
        ["ThS. Nguyễn Hà và GS. Trần Văn Thọ dự.", "Th.S. Lê An và TS. Vũ Minh cũng có mặt."],
    ),
    (
        "P. and Q. before a name or number",
        "Trụ sở ở số 52 Nguyễn Khắc Nhu, P. Cô Giang, Q. 1. Người dân đến giải quyết.",
        ["Trụ sở ở số 52 Nguyễn Khắc Nhu, P. Cô Giang, Q. 1.", "Người dân đến giải quyết."],
    ),
    (
        "initials",
        "Nghe vậy, bà S. đồng ý hỗ trợ ông T. 400 triệu đồng. Phía ông T. thì có đề xuất khác.",
        [
            "Nghe vậy, bà S. đồng ý hỗ trợ ông T. 400 triệu đồng.",
            "Phía ông T. thì có đề xuất khác.",
        ],
    ),
    (
        "decimals and thousands",
        "Tỷ lệ đạt 32,4%. Có 49.704 trường hợp, thu 4.300 tỷ đồng và 5,5% thiệt hại.",
        ["Tỷ lệ đạt 32,4%.", "Có 49.704 trường hợp, thu 4.300 tỷ đồng và 5,5% thiệt hại."],
    ),
    (
        "dates",
        "Sáng 28/12, hội nghị diễn ra. Từ ngày 1.7.2024 đến 28.7.1929 và 4.1.2017 - 4.1.2018.",
        ["Sáng 28/12, hội nghị diễn ra.", "Từ ngày 1.7.2024 đến 28.7.1929 và 4.1.2017 - 4.1.2018."],
    ),
    (
        "a sentence ending in a number",
        "Hội nghị diễn ra năm 2023. 10 nhóm nhiệm vụ được đề ra.",
        ["Hội nghị diễn ra năm 2023.", "10 nhóm nhiệm vụ được đề ra."],
    ),
    (
        "ellipsis before lower case is no end",
        "Tại các tuyến đường Lý Tự Trọng, Hải Hồ… nước dâng ngập. "
        "Có ô tô BS: 14A-130... 23 lần đỗ.",
        [
            "Tại các tuyến đường Lý Tự Trọng, Hải Hồ… nước dâng ngập.",
            "Có ô tô BS: 14A-130... 23 lần đỗ.",
        ],
    ),
    (
        "ellipsis before a capital ends",
        "34 lần đỗ trên đường Trần Phú, Q.5... Từ đầu năm 2017 đến nay, PC67 gửi thông báo.",
        ["34 lần đỗ trên đường Trần Phú, Q.5...", "Từ đầu năm 2017 đến nay, PC67 gửi thông báo."],
    ),
    (
        "closing quotes stay with their sentence",
        'Ông nói: "Tôi thấy vợ chồng nó nghèo khổ." Bà S. không đồng ý.',
        ['Ông nói: "Tôi thấy vợ chồng nó nghèo khổ."', "Bà S. không đồng ý."],
    ),
    (
        "curly and doubled quotes",
        "Tân tổng thống nói ‘‘nỗi lo chiến tranh.’’ Tổng thống cảm ơn “người dân.” Hết giờ.",
        [
            "Tân tổng thống nói ‘‘nỗi lo chiến tranh.’’",
            "Tổng thống cảm ơn “người dân.”",
            "Hết giờ.",
        ],
    ),
    (
        "a quote opening the next sentence",
        'Ông Sanh nói vậy. "Nói thẳng, công an chưa làm hết trách nhiệm", ông nói.',
        ["Ông Sanh nói vậy.", '"Nói thẳng, công an chưa làm hết trách nhiệm", ông nói.'],
    ),
    (
        "question and exclamation marks",
        "Bà đã chết đâu mà ông đòi cho nhà? Thật lòng chúng tôi nghe nó phản cảm quá! Ông à.",
        [
            "Bà đã chết đâu mà ông đòi cho nhà?",
            "Thật lòng chúng tôi nghe nó phản cảm quá!",
            "Ông à.",
        ],
    ),
    (
        "Roman numerals end sentences",
        "Bà Mai là Ủy viên Bộ Chính trị khóa XII, XIII. Tiếp đó, bà giữ chức Trưởng Ban.",
        ["Bà Mai là Ủy viên Bộ Chính trị khóa XII, XIII.", "Tiếp đó, bà giữ chức Trưởng Ban."],
    ),
    (
        "TP.HCM and Q.1 have no space after the dot",
        "Ở TP.HCM, xe đỗ trên đường Hàm Nghi, Q.1 nhiều lần.",
        ["Ở TP.HCM, xe đỗ trên đường Hàm Nghi, Q.1 nhiều lần."],
    ),
    ("no final punctuation", "Thư Tin không kết thúc", ["Thư Tin không kết thúc"]),
    ("empty", "   ", []),
]


@pytest.mark.parametrize(
    ("case", "paragraph", "expected"), SENTENCES, ids=[c[0] for c in SENTENCES]
)
def test_split_sentences(case: str, paragraph: str, expected: list[str]) -> None:
    assert split_sentences(paragraph) == expected


def test_abbreviation_table_holds_the_issue_list() -> None:
    assert {"TP", "TS", "PGS", "ThS", "GS", "Q", "P", "Th.S"} <= abbreviations()


SEED = (
    "Năm 2023 là năm thứ ba triển khai thực hiện Nghị quyết Đại hội XIII của Đảng, nghị quyết "
    "đại hội đảng bộ các cấp nhiệm kỳ 2020 – 2025."
)

CHUNKS: list[tuple[str, str, int, list[str]]] = [
    ("fits", "Sáng 28/12, tại Hà Nội.", 100, ["Sáng 28/12, tại Hà Nội."]),
    (
        "cut at the comma",
        SEED,
        100,
        [
            "Năm 2023 là năm thứ ba triển khai thực hiện Nghị quyết Đại hội XIII của Đảng,",
            "nghị quyết đại hội đảng bộ các cấp nhiệm kỳ 2020 – 2025.",
        ],
    ),
    (
        "clauses packed greedily",
        "Tổ chức bộ máy, biên chế, vị trí việc làm; công tác cán bộ: kiểm tra, giám sát.",
        40,
        ["Tổ chức bộ máy, biên chế,", "vị trí việc làm; công tác cán bộ:", "kiểm tra, giám sát."],
    ),
    (
        "a dash between two names joins them, as one between numbers does",
        "Tại ngã tư Nguyễn Văn Linh - Lê Đình Lý, nhiệm kỳ 2020 – 2025 rất dài",
        30,
        ["Tại ngã tư", "Nguyễn Văn Linh - Lê Đình Lý,", "nhiệm kỳ 2020 – 2025 rất dài"],
    ),
    (
        "a dash between clauses still ends one",
        "Tướng Surovikin - người mà giới quan sát gọi là tướng tận thế - đã ra lệnh rút",
        40,
        ["Tướng Surovikin -", "người mà giới quan sát gọi", "là tướng tận thế - đã ra lệnh rút"],
    ),
    (
        "a long clause is cut at spaces into balanced pieces, never inside a word",
        "Công tác thẩm định thẩm tra rà soát thông tin liên quan đến nhân sự",
        30,
        ["Công tác thẩm định", "thẩm tra rà soát thông tin", "liên quan đến nhân sự"],
    ),
    (
        "a two-syllable word stays whole: ung thư",
        "Tỷ lệ mắc bệnh ung thư ở người trẻ ngày càng tăng",
        22,
        ["Tỷ lệ mắc bệnh", "ung thư ở người", "trẻ ngày càng tăng"],
    ),
    (
        "an office name stays whole: Sở Tài chính",
        "Đoàn công tác đã làm việc với lãnh đạo Sở Tài chính tỉnh Bắc Kạn về dự toán",
        40,
        ["Đoàn công tác đã làm việc với lãnh đạo", "Sở Tài chính tỉnh Bắc Kạn về dự toán"],
    ),
    (
        "a cut goes before so với, never inside it",
        "Giá xăng hôm nay tăng mạnh so với tuần trước ở hầu hết các cửa hàng",
        40,
        ["Giá xăng hôm nay tăng mạnh", "so với tuần trước ở hầu hết các cửa hàng"],
    ),
    (
        "a cut goes before trong khi, never inside it",
        "Lượng khách quốc tế tăng mạnh trong khi khách nội địa lại giảm nhẹ",
        40,
        ["Lượng khách quốc tế tăng mạnh", "trong khi khách nội địa lại giảm nhẹ"],
    ),
    (
        "an X - Y pair in brackets stays whole",
        "Giá vàng miếng SJC hôm nay (mua vào - bán ra) ở mức tám mươi triệu đồng",
        40,
        ["Giá vàng miếng SJC hôm nay", "(mua vào - bán ra)", "ở mức tám mươi triệu đồng"],
    ),
    (
        "a quoted headline stays whole when it fits",
        "Báo Dân Trí đăng bài “Công an có mặt tại trụ sở công ty ở thành phố” hôm thứ Năm",
        60,
        ["Báo Dân Trí đăng bài", "“Công an có mặt tại trụ sở công ty ở thành phố” hôm thứ Năm"],
    ),
    (
        "a number stays with its unit",
        "Đoạn đường dài hai mươi lăm ki lô mét được khởi công sáng nay",
        30,
        ["Đoạn đường dài", "hai mươi lăm ki lô mét", "được khởi công sáng nay"],
    ),
    (
        "a number in digits stays with its unit",
        "Người dân phải trả thêm 500 nghìn đồng mỗi tháng cho điện nước",
        30,
        ["Người dân phải trả", "thêm 500 nghìn đồng mỗi tháng", "cho điện nước"],
    ),
    (
        "a run of capitalized words is a name and stays whole",
        "Tổng thư ký Liên Hợp Quốc Antonio Guterres đã gặp gỡ các nhà lãnh đạo",
        40,
        ["Tổng thư ký", "Liên Hợp Quốc Antonio Guterres", "đã gặp gỡ các nhà lãnh đạo"],
    ),
    (
        "fewest pieces before a cut at a linking word",
        "Quân đội đã rút khỏi thành phố sau nhiều tuần giao tranh ác liệt với đối phương",
        45,
        ["Quân đội đã rút khỏi thành phố sau nhiều", "tuần giao tranh ác liệt với đối phương"],
    ),
    (
        "a cut before a preposition, not just after one",
        "Ông nói như vậy khi trả lời câu hỏi của phóng viên về việc điều chỉnh giá điện",
        50,
        ["Ông nói như vậy khi trả lời câu hỏi", "của phóng viên về việc điều chỉnh giá điện"],
    ),
    (
        "a word longer than the limit inside a protected run is still cut",
        "Ông Nguyễn Văn Anhhhhhhhhhhhhhhhhhh Lê",
        12,
        ["Ông Nguyễn", "Văn", "Anhhhhhhhhhh", "hhhhhhhh Lê"],
    ),
    (
        "a spoken number is never cut in two",
        "Năm hai nghìn không trăm hai mươi ba là năm thứ ba triển khai thực hiện Nghị quyết "
        "Đại hội mười ba của Đảng, nghị quyết",
        100,
        [
            "Năm hai nghìn không trăm hai mươi ba",
            "là năm thứ ba triển khai thực hiện Nghị quyết Đại hội mười ba của Đảng, nghị quyết",
        ],
    ),
    (
        "a cut goes before a linking word when one is near",
        "nhiệm kỳ hai nghìn không trăm hai mươi sáu đến hai nghìn không trăm ba mươi mốt "
        "được tiến hành khoa học",
        100,
        [
            "nhiệm kỳ hai nghìn không trăm hai mươi sáu đến hai nghìn không trăm ba mươi mốt",
            "được tiến hành khoa học",
        ],
    ),
    (
        "only an overlong word is cut inside",
        "Địa chỉ http://catphcm.bocongan.gov.vn/tra-cuu ở đây",
        16,
        ["Địa chỉ", "http://catphcm.b", "ocongan.gov.vn/t", "ra-cuu ở đây"],
    ),
    (
        "a spoken score is one pair",
        "Trận đấu ở vòng ba mươi mốt Serie A với Udinese kết thúc với chiến thắng hai - một dành "
        "cho thầy trò huấn luyện viên Simone Inzaghi.",
        100,
        [
            "Trận đấu ở vòng ba mươi mốt Serie A với Udinese kết thúc",
            "với chiến thắng hai - một dành cho thầy trò huấn luyện viên Simone Inzaghi.",
        ],
    ),
    (
        "a name keeps the number after it",
        "Mặt khác, lần chiến thắng áp đảo nhất của chứng khoán Việt Nam là vào World Cup hai "
        "nghìn không trăm hai mươi hai diễn ra ở Qatar khi vê en index tăng đến tám phẩy sáu phần "
        "trăm.",
        100,
        [
            "Mặt khác, lần chiến thắng áp đảo nhất của chứng khoán Việt Nam",
            "là vào World Cup hai nghìn không trăm hai mươi hai diễn ra ở Qatar",
            "khi vê en index tăng đến tám phẩy sáu phần trăm.",
        ],
    ),
    (
        "a negation keeps its verb",
        "công ty có trụ sở ở Thành phố Hồ Chí Minh cho biết vào thời điểm đó rằng họ quyết định "
        "không tiến hành chào bán IPO như đã đăng ký nhưng có kế hoạch nộp đơn đăng ký mới trong "
        "tương lai.",
        100,
        [
            "công ty có trụ sở ở Thành phố Hồ Chí Minh cho biết vào thời điểm đó rằng họ quyết "
            "định",
            "không tiến hành chào bán IPO như đã đăng ký nhưng có kế hoạch nộp đơn đăng ký mới "
            "trong tương lai.",
        ],
    ),
    (
        "a linking word never ends a piece",
        "vê nờ giê không tiết lộ bản chất của cuộc điều tra hay cuộc điều tra sẽ kéo dài bao lâu "
        "nhưng cho biết họ tiếp tục tích cực hợp tác với các cơ quan chức năng trong quá trình "
        "điều tra đang diễn ra.",
        100,
        [
            "vê nờ giê không tiết lộ bản chất của cuộc điều tra hay cuộc điều tra sẽ kéo dài bao "
            "lâu",
            "nhưng cho biết họ tiếp tục tích cực hợp tác",
            "với các cơ quan chức năng trong quá trình điều tra đang diễn ra.",
        ],
    ),
    (
        "a lower-case syllable inside a name",
        "cho biết công ty này nói trong một thông cáo phát đi chiều ngày sáu tháng chín rằng "
        "“Công an Thành phố Hồ Chí Minh đã đến thanh tra đột xuất”",
        100,
        [
            "cho biết công ty này nói trong một thông cáo phát đi chiều ngày sáu tháng chín",
            "rằng “Công an Thành phố Hồ Chí Minh đã đến thanh tra đột xuất”",
        ],
    ),
    (
        "a number keeps its counted noun",
        "Hiện tại Inter Milan đang đứng vị trí đầu bảng xếp hạng của Serie A với tám mươi hai "
        "điểm hơn đội xếp sau AC Milan đến mười bốn điểm trong khi giải chỉ còn lại bảy vòng đấu.",
        100,
        [
            "Hiện tại Inter Milan đang đứng vị trí đầu bảng xếp hạng của Serie A với tám mươi hai "
            "điểm",
            "hơn đội xếp sau AC Milan đến mười bốn điểm trong khi giải chỉ còn lại bảy vòng đấu.",
        ],
    ),
    (
        "an office name with và in it, and a tense word with its verb",
        "Theo điểm chuẩn bổ sung vào lớp mười vừa được Sở Giáo dục và Đào tạo Hà Nội phê duyệt "
        "tối mười hai tháng bảy,",
        100,
        [
            "Theo điểm chuẩn bổ sung vào lớp mười",
            "vừa được Sở Giáo dục và Đào tạo Hà Nội phê duyệt tối mười hai tháng bảy,",
        ],
    ),
    (
        "a pair of compass points",
        "Dữ liệu của CWA cho thấy cơn bão này di chuyển theo hướng tây - tây bắc với tốc độ chín "
        "ki lô mét trên giờ,",
        100,
        [
            "Dữ liệu của CWA cho thấy cơn bão này di chuyển",
            "theo hướng tây - tây bắc với tốc độ chín ki lô mét trên giờ,",
        ],
    ),
    (
        "a language keeps its name, a school level its words",
        "Bảng điểm chuẩn trúng tuyển bổ sung vào lớp mười trung học phổ thông chuyên và lớp mười "
        "chương trình song ngữ tiếng Pháp năm hai nghìn không trăm hai mươi tư",
        100,
        [
            "Bảng điểm chuẩn trúng tuyển bổ sung vào lớp mười trung học phổ thông chuyên",
            "và lớp mười chương trình song ngữ tiếng Pháp năm hai nghìn không trăm hai mươi tư",
        ],
    ),
    (
        "a time keeps the word that governs it",
        "Chung kết và bế mạc Lễ hội pháo hoa quốc tế Đà Nẵng sẽ được phát sóng trực tiếp trên kênh "
        "Vê tê vê một vào lúc hai mươi giờ mười phút hôm nay.",
        100,
        [
            "Chung kết và bế mạc Lễ hội pháo hoa quốc tế Đà Nẵng",
            "sẽ được phát sóng trực tiếp trên kênh Vê tê vê một vào lúc hai mươi giờ mười phút "
            "hôm nay.",
        ],
    ),
    ("empty", "  ", 100, []),
]


@pytest.mark.parametrize(
    ("case", "sentence", "limit", "expected"), CHUNKS, ids=[c[0] for c in CHUNKS]
)
def test_chunk_text(case: str, sentence: str, limit: int, expected: list[str]) -> None:
    assert chunk_text(sentence, limit) == expected


def test_forty_thousand_one_letter_words_chunk_into_full_pieces() -> None:
    sentence = " ".join(["a"] * 40_000)
    for limit in (100, 5000):
        chunks = chunk_text(sentence, limit)
        assert " ".join(chunks) == sentence
        assert all(limit - 2 <= len(c) <= limit for c in chunks[:-1])


def test_a_long_name_run_is_cut_when_nothing_else_fits() -> None:
    sentence = " ".join(["Nguyễn"] * 5000)
    chunks = chunk_text(sentence, 100)
    assert " ".join(chunks) == sentence
    assert all(len(c) <= 100 for c in chunks)
    assert len(chunks) == -(-5000 // 14)  # 14 names of 6 letters fill 97 characters


def test_chunk_never_splits_a_combining_mark_from_its_letter() -> None:
    word = "a" * 9 + "e\u0301" + "b" * 5  # e + combining acute at the cut
    pieces = chunk_text(word, 10)
    assert "".join(pieces) == word
    assert all(p[0] != "\u0301" for p in pieces)


def test_chunk_limit_must_be_positive() -> None:
    with pytest.raises(ConfigError):
        chunk_text("Một câu.", 0)


words = st.text(
    alphabet=st.sampled_from("aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặ0123456789AĐ"),
    min_size=1,
    max_size=14,
)
punct = st.sampled_from(["", "", "", ",", ".", ";", ":", "...", "…", "!", "?", "”", " -", " –"])
sentences = st.lists(st.tuples(words, punct), min_size=1, max_size=40).map(
    lambda pairs: " ".join(w + p for w, p in pairs)
)


@given(sentences, st.integers(min_value=18, max_value=120))  # every word fits
def test_chunks_rejoin_to_the_sentence_and_fit(sentence: str, limit: int) -> None:
    chunks = chunk_text(sentence, limit)
    assert all(0 < len(c) <= limit for c in chunks)
    assert " ".join(chunks) == " ".join(sentence.split())


@given(st.lists(st.text(min_size=1, max_size=60), min_size=1, max_size=8), st.integers(1, 50))
def test_chunks_of_any_text_keep_every_character(parts: list[str], limit: int) -> None:
    sentence = " ".join(parts)
    chunks = chunk_text(sentence, limit)
    assert all(len(c) <= limit for c in chunks)
    assert "".join("".join(chunks).split()) == "".join(sentence.split())


@given(st.lists(st.tuples(words, punct), min_size=1, max_size=40))
def test_sentences_rejoin_to_the_paragraph(pairs: list[tuple[str, str]]) -> None:
    paragraph = " ".join(w + p for w, p in pairs)
    assert " ".join(split_sentences(paragraph)) == " ".join(paragraph.split())


def _corpus_paragraphs() -> list[str]:
    paragraphs: list[str] = []
    for path in sorted(DATA.glob("*.txt")) + sorted(DATA.glob("*.md")):
        text = path.read_text(encoding="utf-8")
        paragraphs += [p for p in text.split("\n\n") if p.strip() and not p.startswith("---")]
    return paragraphs


def test_corpus_sentences_and_chunks_round_trip() -> None:
    count = 0
    for paragraph in _corpus_paragraphs():
        sentences = split_sentences(paragraph)
        assert " ".join(sentences) == " ".join(paragraph.split())
        for sentence in sentences:
            chunks = chunk_text(sentence, 100)
            assert all(len(c) <= 100 for c in chunks)
            if max(len(w) for w in sentence.split()) <= 100:
                assert " ".join(chunks) == sentence
            else:  # an image address longer than the limit is the one thing cut inside
                assert "".join("".join(chunks).split()) == sentence.replace(" ", "")
            count += len(chunks)
    assert count > 500


def test_word_table_holds_the_issue_examples_once_each() -> None:
    table = read_toml("split_words.toml")
    entries = [word for group in table.values() for word in group["words"]]
    assert len(entries) == len(set(entries)) >= 300
    assert {"ung thư", "tài chính", "so với", "trong khi", "mua vào", "bán ra"} <= set(entries)


@pytest.mark.parametrize(
    ("words", "gap"),
    [
        ("song ngữ tiếng Pháp năm", 2),
        ("mưa lớn ở tỉnh Quảng Ninh", 3),
        ("cơn bão Krathon đang", 1),
        ("vào lúc hai mươi giờ", 1),
        ("khoảng 220 ki lô mét", 0),
        ("hướng tây - tây bắc", 1),
        ("hướng tây - tây bắc", 2),
        ("lớp mười vừa được Sở", 2),
        ("Sở Giáo dục và Đào tạo Hà Nội", 2),
        ("trong những ngày qua đã", 2),
        ("không thể đánh bại cựu Tổng thống Donald", 4),
        ("ngày 24/12 giờ Mỹ (17h53", 2),
        ("một trong những thương vụ", 0),
        ("bày tỏ mong muốn ông", 2),
    ],
)
def test_cuts_that_are_forbidden(words: str, gap: int) -> None:
    assert gap_costs(words.split())[gap] == FORBIDDEN


@pytest.mark.parametrize(
    ("words", "gap"),
    [
        ("ông nói tiếng Việt", 1),  # "nói | tiếng Việt" is a cut before the name's word
        ("đến tỉnh Quảng Ninh", 0),
        ("hướng tây - Hà Nội", 1),
        ("giá vàng trên thị trường", 1),
        ("giờ Mỹ (mười bảy giờ", 1),  # a bracket opens after the name
    ],
)
def test_cuts_that_stay_allowed(words: str, gap: int) -> None:
    assert gap_costs(words.split())[gap] < FORBIDDEN
