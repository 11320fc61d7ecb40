"""The command line: click commands, batches of articles, and the console's progress display."""

from .main import main

__all__ = ["main"]
