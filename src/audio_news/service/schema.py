"""The API's request and response bodies; FastAPI publishes them in ``/openapi.json``."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..speech.engines import AUTO, ENGINE_NAMES
from ..text.lexicon import LexiconEntry
from .jobs import SOURCE_KINDS, JobRequest

ENGINE_CHOICES = (AUTO, *ENGINE_NAMES)
MAX_LEXICON_ENTRIES = 1000
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_Strict = ConfigDict(extra="forbid")


class LexiconItem(BaseModel):
    """One pronunciation, as in a lexicon file's ``[[entry]]``."""

    model_config = _Strict

    written: str = Field(min_length=1, max_length=200)
    spoken: str = Field(min_length=1, max_length=500)
    whole_word: bool = True
    case_sensitive: bool = True
    before_name: bool = False

    @field_validator("written", "spoken")
    @classmethod
    def _one_line(cls, value: str) -> str:
        value = value.strip()
        if not value or _CONTROL.search(value):
            raise ValueError("must be one line of text")
        return value

    @field_validator("written")
    @classmethod
    def _not_comment(cls, value: str) -> str:
        if value.startswith("#"):
            raise ValueError("must not start with '#'")
        return value


class EpisodeOptions(BaseModel):
    """How the episode is made; each one left out takes the service's configured default."""

    model_config = _Strict

    engine: str | None = Field(default=None, json_schema_extra={"enum": list(ENGINE_CHOICES)})
    voice: str | None = Field(
        default=None, pattern=r"^[A-Za-z0-9][A-Za-z0-9_+-]{0,39}$", description="e.g. vi"
    )
    speed: float | None = Field(default=None, description="0.5-2.0, pitch kept")
    bitrate: int | None = Field(default=None, description="MP3 kbps: 32-320, a standard rate")
    artist: str | None = Field(default=None, max_length=300)
    album: str | None = Field(default=None, max_length=300)
    date: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD")
    lexicon: list[LexiconItem] = Field(default_factory=list, max_length=MAX_LEXICON_ENTRIES)

    @field_validator("engine")
    @classmethod
    def _known_engine(cls, value: str | None) -> str | None:
        if value is not None and value not in ENGINE_CHOICES:
            raise ValueError(f"must be one of {', '.join(ENGINE_CHOICES)}")
        return value


class EpisodeRequest(BaseModel):
    """Exactly one of ``text`` (first line the title), ``html``, ``markdown`` or ``url``."""

    model_config = _Strict

    text: str | None = None
    html: str | None = None
    markdown: str | None = None
    url: str | None = Field(default=None, max_length=2000)
    title: str | None = Field(
        default=None, min_length=1, max_length=500, description="With text or markdown only"
    )
    options: EpisodeOptions = Field(default_factory=lambda: EpisodeOptions())
    callback_url: str | None = Field(
        default=None, max_length=2000, description="POSTed the status document when done or failed"
    )

    @model_validator(mode="after")
    def _one_source(self) -> EpisodeRequest:
        given = [kind for kind in SOURCE_KINDS if getattr(self, kind) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one of {', '.join(SOURCE_KINDS)}")
        kind = given[0]
        if not str(getattr(self, kind)).strip():
            raise ValueError(f"{kind} is empty")
        if kind == "url" and not re.match(r"^https?://[^\s/]+", self.url or ""):
            raise ValueError("url must be an http(s) URL")
        if self.title is not None and kind not in ("text", "markdown"):
            raise ValueError(f"title goes with text or markdown; {kind} brings its own")
        if self.title is not None and kind == "markdown" and self.markdown.startswith("---"):  # type: ignore[union-attr]
            raise ValueError("give the title in the markdown's front matter")
        return self

    def to_job_request(self) -> JobRequest:
        kind = next(k for k in SOURCE_KINDS if getattr(self, k) is not None)
        options = self.options.model_dump(exclude_none=True, exclude={"lexicon"})
        lexicon = tuple(LexiconEntry(**item.model_dump()) for item in self.options.lexicon)
        return JobRequest(
            kind=kind,
            content=getattr(self, kind),
            title=self.title,
            options=options,
            lexicon=lexicon,
            callback_url=self.callback_url,
        )


class EpisodeOut(BaseModel):
    title: str
    duration: float = Field(description="seconds")
    audio: str = Field(description="URL of the MP3 (Range requests work)")
    json_url: str = Field(alias="json", description="URL of the timed transcript")
    vtt: str = Field(description="URL of the WebVTT captions")
    page: str | None = Field(default=None, description="URL of the player page")


class Links(BaseModel):
    self_url: str = Field(alias="self")


class CallbackOut(BaseModel):
    state: Literal["none", "pending", "delivered", "failed"]
    attempts: int


class EpisodeStatus(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed"]
    progress: float = Field(ge=0, le=1)
    created: str
    updated: str
    error: str | None = Field(default=None, description="One line, when failed")
    episode: EpisodeOut | None = Field(default=None, description="When done")
    callback: CallbackOut | None = None
    links: Links


class PageLinks(BaseModel):
    next: str | None = None


class EpisodeList(BaseModel):
    items: list[EpisodeStatus]
    total: int
    limit: int
    offset: int
    links: PageLinks


class Health(BaseModel):
    status: str
    queue: Literal["embedded", "redis"]
    version: str


class ErrorBody(BaseModel):
    error: str = Field(description="One line")
