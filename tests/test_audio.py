"""Assembly on real espeak speech, checked by decoding the MP3 and measuring it with ffmpeg."""

from __future__ import annotations

import math
import os
import subprocess
import threading
import warnings
from array import array
from pathlib import Path

import imageio_ffmpeg
import pytest
from mutagen.mp3 import MP3, BitrateMode

from audio_news.audio import Rendered, measure_loudness, render_episode
from audio_news.audio.decode import ConvertedClips, iter_pcm
from audio_news.audio.loudness import MAX_LIMITING_DB, net_gain, solve_depth
from audio_news.audio.mp3frames import info_tag, lame_info_frame, parse_header
from audio_news.audio.trim import speech_bounds
from audio_news.config import AudioSettings, Pauses
from audio_news.errors import AudioError
from audio_news.models import Boundary, Chunk, Clip
from audio_news.speech.engines.espeak import EspeakEngine
from audio_news.speech.spool import ClipSpool

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
TEXTS = [
    ("Hội nghị toàn quốc tổng kết công tác tổ chức", Boundary.TITLE),
    ("Sáng nay tại Hà Nội", Boundary.CLAUSE),
    ("Ban Tổ chức Trung ương tổ chức hội nghị", Boundary.SENTENCE),
    ("Các đại biểu đã thảo luận nhiều vấn đề quan trọng", Boundary.PARAGRAPH),
    ("Hội nghị kết thúc vào buổi chiều", Boundary.END),
]
PAUSES = Pauses()
WANTED_GAP = {
    Boundary.CLAUSE: PAUSES.clause,
    Boundary.SENTENCE: PAUSES.sentence,
    Boundary.PARAGRAPH: PAUSES.paragraph,
    Boundary.TITLE: PAUSES.title,
}


@pytest.fixture(scope="module")
def espeak() -> EspeakEngine:
    return EspeakEngine()


def _episode(espeak: EspeakEngine, repeat: int = 1) -> tuple[list[Clip], list[Chunk]]:
    texts = TEXTS[:-1] * repeat + TEXTS[-1:]
    chunks = [
        Chunk(text=t, paragraph=0 if b is Boundary.TITLE else 1, sentence=n, boundary=b)
        for n, (t, b) in enumerate(texts)
    ]
    return [espeak.synthesize(c.text) for c in chunks], chunks


def _decode(path: Path) -> bytes:
    cmd = [FFMPEG, "-v", "error", "-i", str(path), "-f", "s16le", "-ac", "1", "-"]
    return subprocess.run(cmd, capture_output=True, check=True).stdout


def _speech_runs(
    pcm: bytes, rate: int = 44_100, min_gap: float = 0.15
) -> list[tuple[float, float]]:
    """Stretches of sound in decoded audio, bridging silences shorter than ``min_gap``."""
    w = rate // 200
    runs: list[list[float]] = []
    for s in range(0, len(pcm) // 2 - w, w):
        if audioop.rms(pcm[2 * s : 2 * (s + w)], 2) > 60:  # about -55 dBFS
            t = s / rate
            if runs and t - runs[-1][1] < min_gap:
                runs[-1][1] = t + w / rate
            else:
                runs.append([t, t + w / rate])
    return [(a, b) for a, b in runs]


def _assert_on_target(rendered: Rendered, mp3: Path) -> None:
    """The MP3 meets the podcast targets, and the loudness reported is what it measures."""
    lufs, peak = measure_loudness(mp3)
    assert -17.0 <= lufs <= -15.0
    assert peak <= -1.0
    assert abs(rendered.loudness_lufs - lufs) < 0.5


def _render(tmp_path: Path, clips: list[Clip], chunks: list[Chunk], **kw: object) -> Rendered:
    return render_episode(clips, chunks, AudioSettings(**kw), tmp_path / "ep.mp3")  # type: ignore[arg-type]


def _tone(seconds: float, rate: int, amplitude: int = 8000) -> bytes:
    n = round(seconds * rate)
    return array("h", (round(amplitude * math.sin(i * 0.125)) for i in range(n))).tobytes()


@pytest.mark.parametrize(
    ("lead", "body", "trail"),
    [(0.0, 0.5, 0.0), (0.3, 0.5, 0.2), (0.05, 0.2, 2.0), (1.5, 0.01, 0.7)],
)
def test_speech_bounds_find_a_tone_to_within_a_window(
    lead: float, body: float, trail: float
) -> None:
    rate = 22_050
    pcm = bytes(2 * round(lead * rate)) + _tone(body, rate) + bytes(2 * round(trail * rate))
    bounds = speech_bounds(pcm, rate)
    assert bounds is not None
    window = rate // 100
    assert abs(bounds[0] - round(lead * rate)) <= window
    assert abs(bounds[1] - round((lead + body) * rate)) <= window
    assert bounds[0] < bounds[1]


@pytest.mark.parametrize(
    "pcm",
    [b"", bytes(4410), bytes(4411), _tone(1.0, 22_050, amplitude=4)],
    ids=["empty", "zeros", "odd byte", "below the floor"],
)
def test_speech_bounds_of_silence_are_none(pcm: bytes) -> None:
    assert speech_bounds(pcm, 22_050) is None


def test_mp3_format_loudness_and_duration(espeak: EspeakEngine, tmp_path: Path) -> None:
    clips, chunks = _episode(espeak)
    rendered = _render(tmp_path, clips, chunks)
    mp3 = tmp_path / "ep.mp3"
    info = MP3(mp3).info
    assert (info.sample_rate, info.channels, info.bitrate) == (44_100, 1, 64_000)
    assert info.bitrate_mode is BitrateMode.CBR
    assert abs(info.length - rendered.duration) < 0.005
    assert abs(len(_decode(mp3)) / 2 / 44_100 - rendered.duration) < 0.002
    _assert_on_target(rendered, mp3)
    assert not list(tmp_path.glob(".*"))


def test_silence_trimmed_pauses_and_chunk_times(espeak: EspeakEngine, tmp_path: Path) -> None:
    clips, chunks = _episode(espeak)
    rendered = _render(tmp_path, clips, chunks)
    runs = _speech_runs(_decode(tmp_path / "ep.mp3"))
    assert len(runs) == len(chunks)
    assert runs[0][0] < 0.06
    assert rendered.duration - runs[-1][1] < 0.06
    for (start, end), (on, off) in zip(rendered.chunk_times, runs, strict=True):
        assert abs(start - on) < 0.05
        assert abs(end - off) < 0.05
    for chunk, (_, off), (on, _) in zip(chunks, runs, runs[1:], strict=False):
        assert abs((on - off) - WANTED_GAP[chunk.boundary]) < 0.06, chunk.boundary


def test_long_episode_is_split_and_joined_without_a_gap(
    espeak: EspeakEngine, tmp_path: Path
) -> None:
    clips, chunks = _episode(espeak, repeat=5)
    rendered = _render(tmp_path, clips, chunks)
    assert rendered.duration > 30
    pcm = _decode(tmp_path / "ep.mp3")
    assert abs(len(pcm) / 2 / 44_100 - rendered.duration) < 0.002
    runs = _speech_runs(pcm)
    assert len(runs) == len(chunks)
    for (start, end), (on, off) in zip(rendered.chunk_times, runs, strict=True):
        assert abs(start - on) < 0.05
        assert abs(end - off) < 0.05
    _assert_on_target(rendered, tmp_path / "ep.mp3")


def test_speed_keeps_timings(espeak: EspeakEngine, tmp_path: Path) -> None:
    clips, chunks = _episode(espeak)
    normal = _render(tmp_path, clips, chunks)
    fast = _render(tmp_path, clips, chunks, speed=1.5)
    assert fast.duration == pytest.approx(normal.duration / 1.5, rel=0.03)
    runs = _speech_runs(_decode(tmp_path / "ep.mp3"), min_gap=0.12)
    assert len(runs) == len(chunks)
    for (start, _), (on, _) in zip(fast.chunk_times, runs, strict=True):
        assert abs(start - on) < 0.05


def _to_mp3(pcm: bytes, rate: int, info_frame: bool, path: Path, out_rate: int = 24_000) -> bytes:
    cmd = [FFMPEG, "-v", "error", "-y", "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "-"]
    cmd += [
        "-ar",
        str(out_rate),
        "-c:a",
        "libmp3lame",
        "-b:a",
        "32k",
        "-write_xing",
        str(int(info_frame)),
    ]
    subprocess.run([*cmd, str(path)], input=pcm, check=True)
    return path.read_bytes()


def test_mp3_clips_decode_in_one_batch_to_their_own_lengths(
    espeak: EspeakEngine, tmp_path: Path
) -> None:
    pcm_clips, _ = _episode(espeak)
    mp3s = [
        Clip(_to_mp3(c.data, c.sample_rate, n % 2 == 0, tmp_path / f"{n}.mp3"), "mp3", 24_000)
        for n, c in enumerate(pcm_clips)
    ]
    decoded = list(iter_pcm(mp3s, range(len(mp3s)), 24_000))
    for n, (pcm, source) in enumerate(zip(decoded, pcm_clips, strict=True)):
        seconds = len(source.data) / 2 / source.sample_rate
        if n % 2 == 0:  # gapless info: exactly the source's length
            assert abs(len(pcm) / 2 / 24_000 - seconds) < 0.001
        else:  # raw frames: priming and padding stay, at most two frames more
            assert 0 <= len(pcm) / 2 / 24_000 - seconds < 0.1


def test_an_mp3_clip_larger_than_the_pipes_buffers_decodes(tmp_path: Path) -> None:
    """A 20 s clip at 128 kb/s (FPT.AI's long sentences): 320 KB in, 1.7 MB out of ffmpeg."""
    rate, seconds = 22_050, 20
    tone = b"".join(
        int(8000 * math.sin(2 * math.pi * 220 * n / rate)).to_bytes(2, "little", signed=True)
        for n in range(rate * seconds)
    )
    cmd = [FFMPEG, "-v", "error", "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "-"]
    data = subprocess.run(
        [*cmd, "-c:a", "libmp3lame", "-b:a", "128k", "-f", "mp3", "-"],
        input=tone, check=True, capture_output=True, timeout=60,
    ).stdout  # fmt: skip
    clips = [Clip(data, "mp3", rate), Clip(data, "mp3", rate)]
    result: list[list[bytes]] = []
    worker = threading.Thread(
        target=lambda: result.append(list(iter_pcm(clips, [0, 1], 44_100))), daemon=True
    )
    worker.start()
    worker.join(30)
    assert result, "decoding blocked"
    assert [round(len(pcm) / 2 / 44_100) for pcm in result[0]] == [seconds, seconds]


def test_mixed_clips_each_decode_to_their_own_length(espeak: EspeakEngine, tmp_path: Path) -> None:
    """MP3s at the batch's rate go through one decoder; another rate and PCM go on their own."""
    pcm_clips, _ = _episode(espeak)
    rates = [24_000, 24_000, 16_000, 0, 24_000]  # 0: left as PCM
    clips = [
        source
        if rate == 0
        else Clip(
            _to_mp3(source.data, source.sample_rate, True, tmp_path / f"{n}.mp3", rate), "mp3", rate
        )
        for n, (source, rate) in enumerate(zip(pcm_clips, rates, strict=False))
    ]
    decoded = list(iter_pcm(clips, range(len(clips)), 24_000))
    assert len(decoded) == len(clips)
    for pcm, source, rate in zip(decoded, pcm_clips, rates, strict=False):
        seconds = len(source.data) / 2 / source.sample_rate
        tolerance = 0.05 if rate == 16_000 else 0.002  # resampled alone: a frame's worth
        assert abs(len(pcm) / 2 / 24_000 - seconds) < tolerance


def test_mp3_clips_are_decoded_while_later_ones_are_still_coming(
    espeak: EspeakEngine, tmp_path: Path
) -> None:
    pcm_clips, _ = _episode(espeak)
    mp3s = [
        Clip(_to_mp3(c.data, c.sample_rate, True, tmp_path / f"{n}.mp3"), "mp3", 24_000)
        for n, c in enumerate(pcm_clips[:4])
    ]
    spool = ClipSpool(4)
    for n in range(3):
        spool.store([n], mp3s[n])
    pcm = iter_pcm(spool, range(4), 24_000)
    first: list[bytes] = []
    reader = threading.Thread(target=lambda: first.append(next(pcm)), daemon=True)
    reader.start()
    reader.join(10)
    assert first, "the first clip waited for the last one"
    spool.store([3], mp3s[3])
    spool.close(None)
    rest = list(pcm)
    assert len(rest) == 3
    seconds = len(pcm_clips[3].data) / 2 / pcm_clips[3].sample_rate
    assert abs(len(rest[-1]) / 2 / 24_000 - seconds) < 0.002


def _ffmpeg_children() -> list[int]:
    """Our ffmpeg child processes still alive (not yet reaped)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            comm, rest = stat.read_text().rsplit(")", 1)
        except OSError:  # gone meanwhile
            continue
        if "ffmpeg" in comm and int(rest.split()[1]) == os.getpid():
            found.append(int(stat.parent.name))
    return found


def test_an_mp3_batch_read_in_part_stops_its_ffmpeg(espeak: EspeakEngine, tmp_path: Path) -> None:
    pcm_clips, _ = _episode(espeak)
    mp3s = [
        Clip(_to_mp3(c.data, c.sample_rate, True, tmp_path / f"{n}.mp3"), "mp3", 24_000)
        for n, c in enumerate(pcm_clips[:3])
    ]
    assert not _ffmpeg_children()
    pcm = iter_pcm(mp3s, range(3), 24_000)
    next(pcm)
    assert len(_ffmpeg_children()) == 1
    pcm.close()
    assert not _ffmpeg_children()


def test_converted_clips_are_decoded_once_and_pcm_is_not_copied(
    espeak: EspeakEngine, tmp_path: Path
) -> None:
    pcm_clips, _ = _episode(espeak)
    mixed = [
        c
        if n % 2
        else Clip(_to_mp3(c.data, c.sample_rate, True, tmp_path / f"{n}.mp3"), "mp3", 24_000)
        for n, c in enumerate(pcm_clips)
    ]
    rate = pcm_clips[0].sample_rate
    converted = ConvertedClips(mixed, rate)
    first = list(converted.first_pass())
    assert first == list(iter_pcm(mixed, range(len(mixed)), rate))
    for n, pcm in enumerate(first):
        assert converted[n].data == pcm
        assert (converted[n].codec, converted[n].sample_rate) == ("pcm_s16le", rate)
        if n % 2:
            assert converted[n] is mixed[n], "a PCM clip at the working rate is not copied"


def test_episode_from_mp3_clips(espeak: EspeakEngine, tmp_path: Path) -> None:
    pcm_clips, chunks = _episode(espeak)
    mp3s = [
        Clip(_to_mp3(c.data, c.sample_rate, True, tmp_path / f"{n}.mp3"), "mp3", 24_000)
        for n, c in enumerate(pcm_clips)
    ]
    rendered = _render(tmp_path, mp3s, chunks)
    runs = _speech_runs(_decode(tmp_path / "ep.mp3"))
    assert len(runs) == len(chunks)
    for (start, _), (on, _) in zip(rendered.chunk_times, runs, strict=True):
        assert abs(start - on) < 0.05
    _assert_on_target(rendered, tmp_path / "ep.mp3")


def test_bad_input_is_an_audio_error(espeak: EspeakEngine, tmp_path: Path) -> None:
    clips, chunks = _episode(espeak)
    with pytest.raises(AudioError):
        _render(tmp_path, clips[:-1], chunks)
    with pytest.raises(AudioError):
        _render(tmp_path, [Clip(b"abc", "opus", 48_000)] * len(chunks), chunks)
    silent = [Clip(bytes(4410), "pcm_s16le", 22_050)] * len(chunks)
    with pytest.raises(AudioError):
        _render(tmp_path, silent, chunks)
    with pytest.raises(AudioError):
        measure_loudness(tmp_path / "missing.mp3")
    assert not list(tmp_path.iterdir())


def _tone(seconds: float, rate: int = 22_050, amplitude: int = 1000) -> bytes:
    n = round(seconds * rate)
    return b"".join(
        int(amplitude * math.sin(2 * math.pi * 440 * i / rate)).to_bytes(2, "little", signed=True)
        for i in range(n)
    )


def test_a_quiet_steady_source_is_gained_up_without_limiting(tmp_path: Path) -> None:
    quiet = Clip(bytes(2205) + _tone(1.0) + bytes(2205), "pcm_s16le", 22_050)
    chunks = [Chunk("a", 1, 0, Boundary.SENTENCE), Chunk("b", 1, 1, Boundary.END)]
    rendered = _render(tmp_path, [quiet, quiet], chunks)
    _assert_on_target(rendered, tmp_path / "ep.mp3")
    assert rendered.loudness_lufs == -16.0
    assert rendered.chunk_times[0][0] == pytest.approx(0.03, abs=0.011)  # 50 ms cut to 30
    assert rendered.chunk_times[1][0] - rendered.chunk_times[0][1] == pytest.approx(0.5, abs=0.02)


def test_a_target_out_of_reach_reports_the_loudness_it_did_reach(tmp_path: Path) -> None:
    """Sparse full-scale clicks: 12 dB of limiting cannot bring them to -16 LUFS."""
    click = (b"\x00\x00" * 440 + (32000).to_bytes(2, "little", signed=True)) * 50
    clip = Clip(bytes(4410) + click * 4 + bytes(4410), "pcm_s16le", 22_050)
    chunks = [Chunk("a", 1, 0, Boundary.SENTENCE), Chunk("b", 1, 1, Boundary.END)]
    rendered = _render(tmp_path, [clip, clip], chunks)
    lufs, peak = measure_loudness(tmp_path / "ep.mp3")
    assert lufs < -17.0 and peak <= -1.0
    assert rendered.loudness_lufs < -17.0
    assert abs(rendered.loudness_lufs - lufs) < 0.5


@pytest.mark.parametrize(
    ("shortfall", "measured", "depth"),
    [
        (2.0, [(2.0, 0.0), (4.0, 0.0)], 2.0),  # no loss: depth equals shortfall
        (3.0, [(2.0, 0.5), (4.0, 1.0), (6.0, 2.0)], 4.0),  # exactly on a point
        (3.5, [(2.0, 0.5), (4.0, 1.0), (6.0, 2.0)], 5.0),  # between points
        (20.0, [(2.0, 0.5), (4.0, 1.0)], MAX_LIMITING_DB),  # capped
    ],
)
def test_solve_depth(shortfall: float, measured: list[tuple[float, float]], depth: float) -> None:
    assert solve_depth(shortfall, measured) == pytest.approx(depth)


@pytest.mark.parametrize(
    ("depth", "gain"),
    [
        (1.0, 0.75),  # between 0 and the first point
        (4.0, 3.0),  # on a point
        (5.0, 3.5),  # between points
        (8.0, 5.0),  # past the last point, along the last segment
    ],
)
def test_net_gain_follows_the_same_model_as_solve_depth(depth: float, gain: float) -> None:
    measured = [(2.0, 0.5), (4.0, 1.0), (6.0, 2.0)]
    assert net_gain(depth, measured) == pytest.approx(gain)
    assert solve_depth(gain, measured) == pytest.approx(depth)


def test_frame_header_and_info_frame() -> None:
    header = parse_header(b"\xff\xfb\x50\xc4")
    assert header is not None
    assert (header.version, header.bitrate_kbps, header.sample_rate, header.mono) == (
        3,
        64,
        44_100,
        True,
    )
    assert (header.length, header.samples) == (208, 1152)
    assert parse_header(b"\xff\xfb\xf0\xc4") is None  # bitrate index 15 is invalid
    info = lame_info_frame(
        header, audio_frames=100, audio_bytes=20_800, padding=700, bitrate_kbps=64
    )
    tag = info_tag(info, header)
    assert tag is not None
    assert (tag.skip_start, tag.skip_end) == (576 + 529, 700 - 529)


@pytest.mark.parametrize(
    ("count", "stride", "picked"),
    [(6, 1.0, [0, 1, 2, 3, 4, 5]), (6, 2.0, [1, 3, 5]), (5, 2.5, [2, 4]), (12, 20.0, [6]),
     (1, 3.0, [0]), (0, 2.0, [])],
)  # fmt: skip
def test_calibration_sample_is_never_empty(count: int, stride: float, picked: list[int]) -> None:
    from audio_news.audio.render import _spread

    assert _spread(count, stride) == picked
