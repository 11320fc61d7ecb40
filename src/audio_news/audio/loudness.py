"""Loudness: reading ffmpeg's meters, gating momentary blocks, and choosing gain and limiting.

Speech engines differ in how peaky they are: espeak's pulses put its peaks some 20 dB above
its loudness, so reaching -16 LUFS under a -1 dBTP ceiling takes several dB of limiting, and
limiting lowers loudness. ``choose_gain`` measures that loss on a sample of the episode
instead of guessing it.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence
from pathlib import Path

from ..errors import AudioError
from .ffmpeg import PcmPipe, run_ffmpeg

LAME_INPUT_SCALE_DB = 20 * math.log10(0.95)
"""libmp3lame scales its input by 0.95 (its default ``scale``); every level drops this much."""
TRUE_PEAK_MARGIN_DB = 0.5
"""Headroom between the limiter's sample ceiling and the true-peak target (codec overshoot)."""
TRUE_PEAK_TOLERANCE_DB = 0.2
"""An episode's true peak may pass its ceiling by this much before it is encoded again."""
MAX_LIMITING_DB = 12.0
"""Never limit peaks by more than this to reach the loudness target."""

_FLOAT = r"(-?(?:\d+(?:\.\d+)?|inf))"


def limiter_args(ceiling_db: float) -> str:
    """A lookahead peak limiter at ``ceiling_db`` dBFS, delay compensated, no auto level."""
    return (
        f"alimiter=limit={10 ** (ceiling_db / 20):.6f}:attack=5:release=50:level=false:latency=true"
    )


def _float(text: str) -> float:
    return float(text.replace("inf", "Infinity"))


def summary_integrated(stderr: str, name: str) -> float:
    """Integrated loudness from the summary of the ``ebur128@name`` filter."""
    at = stderr.rfind(f"[ebur128@{name} @")
    found = re.search(r"I:\s+" + _FLOAT + r" LUFS", stderr[at:]) if at >= 0 else None
    if found is None:
        raise AudioError(f"no loudness summary from ffmpeg ({name})")
    return _float(found.group(1))


def measure_loudness(path: Path) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) of an audio file, by ffmpeg's ebur128 filter."""
    if not Path(path).is_file():
        raise AudioError(f"no such audio file: {path}")
    args = ["-nostdin", "-i", str(path), "-af", "ebur128@m=peak=true:framelog=quiet"]
    stderr = run_ffmpeg([*args, "-f", "null", "-"]).stderr.decode("utf-8", "replace")
    at = stderr.rfind("[ebur128@m @")
    peak = re.search(r"True peak:\s+Peak:\s+" + _FLOAT + r" dBFS", stderr[at:])
    if peak is None:
        raise AudioError("no true peak from ffmpeg")
    return summary_integrated(stderr, "m"), _float(peak.group(1))


def calibration_depths(shortfall_db: float) -> tuple[float, ...]:
    """Limiting depths to try when unity gain to the ceiling leaves us ``shortfall_db`` quiet.

    The first is the least depth that can reach the target (limiting never adds loudness);
    the second lies past the usual answer. On the corpus read by espeak they land every
    episode within 0.1 LU of the target, as three depths did, with one limiter less to meter.
    """
    return tuple(min(shortfall_db * f, MAX_LIMITING_DB) for f in (1.0, 1.6))


def solve_depth(shortfall_db: float, measured: Sequence[tuple[float, float]]) -> float:
    """Depth d with d - loss(d) = ``shortfall_db``, from (depth, loss) pairs; loss(0) = 0.

    Linear between measured points, extended along the last segment, capped.
    """
    gains = _net_gains(measured)
    for (d0, g0), (d1, g1) in itertools.pairwise(gains):
        if g1 >= shortfall_db and g1 > g0:
            return d0 + (d1 - d0) * (shortfall_db - g0) / (g1 - g0)
    (d0, g0), (d1, g1) = gains[-2], gains[-1]
    slope = (g1 - g0) / (d1 - d0) if d1 > d0 else 0.0
    if slope <= 0.05:
        return min(d1, MAX_LIMITING_DB)
    return min(d1 + (shortfall_db - g1) / slope, MAX_LIMITING_DB)


def net_gain(depth_db: float, measured: Sequence[tuple[float, float]]) -> float:
    """Loudness gained by limiting ``depth_db`` deep, d - loss(d), on the same model."""
    segments = list(itertools.pairwise(_net_gains(measured)))
    (d0, g0), (d1, g1) = next((s for s in segments if depth_db <= s[1][0]), segments[-1])
    return g0 + (g1 - g0) * (depth_db - d0) / (d1 - d0) if d1 > d0 else g1


def _net_gains(measured: Sequence[tuple[float, float]]) -> list[tuple[float, float]]:
    return [(d, d - loss) for d, loss in [(0.0, 0.0), *sorted(measured)]]


class PcmMeter(PcmPipe):
    """An ffmpeg metering a mono s16le stream through named branches, in one pass.

    Each branch is a filter chain (``""`` for none) ending in an integrated loudness meter;
    ``finish`` returns each branch's integrated loudness.
    """

    def __init__(self, rate: int, branches: dict[str, str]) -> None:
        self._names = list(branches)
        labels = "".join(f"[{n}]" for n in self._names)
        parts = [f"[0:a]asplit={len(self._names)}{labels}" if len(self._names) > 1 else ""]
        for n, chain in branches.items():
            source = f"[{n}]" if len(self._names) > 1 else "[0:a]"
            body = f"{chain}," if chain else ""
            sink = "anullsink" if n != self._names[-1] else "anull[out]"
            parts.append(f"{source}{body}ebur128@{n}=framelog=quiet,{sink}")
        graph = ";".join(p for p in parts if p)
        args = ["-filter_complex", graph, "-map", "[out]", "-f", "null", "-"]
        super().__init__(args, rate, "the loudness meter")

    def finish(self) -> dict[str, float]:
        log = self.close()
        return {n: summary_integrated(log, n) for n in self._names}
