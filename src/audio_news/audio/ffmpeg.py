"""The ffmpeg that imageio-ffmpeg ships: one-shot runs and long-lived PCM pipes."""

from __future__ import annotations

import contextlib
import subprocess
import threading
from collections.abc import Sequence
from functools import cache

from ..errors import AudioError, AudioNewsError


@cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary that imageio-ffmpeg ships."""
    try:
        import imageio_ffmpeg

        return str(imageio_ffmpeg.get_ffmpeg_exe())
    except (ImportError, RuntimeError, OSError) as e:
        raise AudioError(f"ffmpeg is not available: {e}") from e


def run_ffmpeg(
    args: Sequence[str], data: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg quietly on ``data``; AudioError with its last message when it fails."""
    cmd = [ffmpeg_exe(), "-hide_banner", "-nostats", *(["-nostdin"] if data is None else []), *args]
    try:
        done = subprocess.run(
            cmd,
            input=data,
            stdin=subprocess.DEVNULL if data is None else None,
            capture_output=True,
            check=False,
        )
    except OSError as e:
        raise AudioError(f"cannot run ffmpeg: {e}") from e
    if done.returncode != 0:
        raise AudioError(f"ffmpeg failed: {last_line(done.stderr)}")
    return done


def last_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1] if lines else "no message"


class FfmpegProcess:
    """An ffmpeg fed on stdin, its stderr drained by a thread so a long log never blocks it."""

    def __init__(self, args: Sequence[str], stdout: int = subprocess.DEVNULL) -> None:
        cmd = [ffmpeg_exe(), "-hide_banner", "-nostats", *args]
        try:
            self.proc = subprocess.Popen(
                cmd, stdin=subprocess.PIPE, stdout=stdout, stderr=subprocess.PIPE
            )
        except OSError as e:
            raise AudioError(f"cannot run ffmpeg: {e}") from e
        self._stderr: list[bytes] = []
        self._drain = threading.Thread(target=self._read_errors, daemon=True)
        self._drain.start()

    def _read_errors(self) -> None:
        if self.proc.stderr is not None:
            self._stderr.append(self.proc.stderr.read())

    @property
    def stderr(self) -> bytes:
        return b"".join(self._stderr)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self._drain.join()


class PcmPipe(FfmpegProcess):
    """An ffmpeg process fed mono s16le PCM on stdin, its stderr drained by a thread."""

    def __init__(
        self, args: Sequence[str], rate: int, what: str, global_args: Sequence[str] = ()
    ) -> None:
        self.what = what
        """What the process does, for error messages ("the MP3 encoder")."""
        super().__init__(
            [*global_args, "-f", "s16le", "-ar", str(rate), "-ac", "1", "-i", "pipe:0", *args]
        )

    def write(self, data: bytes | memoryview) -> None:
        """Feed PCM; a process that died raises ``failure`` with its last message."""
        try:
            if self.proc.stdin is None:
                raise BrokenPipeError
            self.proc.stdin.write(data)
        except OSError as e:
            self.kill()
            raise self.failure(f"{self.what} stopped early") from e

    def failure(self, message: str) -> AudioNewsError:
        """The error to raise when the process failed; subclasses may refine it."""
        return AudioError(f"{message}: {last_line(self.stderr)}")

    def close(self) -> str:
        """End the input, wait, and return ffmpeg's log; raise ``failure`` if it failed."""
        if self.proc.stdin is not None:
            with contextlib.suppress(OSError):
                self.proc.stdin.close()
        self.proc.wait()
        self._drain.join()
        if self.proc.returncode != 0:
            raise self.failure(f"{self.what} failed")
        return self.stderr.decode("utf-8", "replace")
