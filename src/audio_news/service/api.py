"""The HTTP API (FastAPI): submit articles, follow their jobs, fetch the episodes.

Every error is ``{"error": "<one line>"}`` with a 4xx status; a bug is a 500 with a fixed
line, its traceback only in the server's log. API keys are compared in constant time and
never logged.
"""

from __future__ import annotations

import contextlib
import hmac
import logging
import shutil
import urllib.parse
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException

from ..config import InputLimits, settings_from_dict
from ..errors import ConfigError
from ..fsutil import make_dir
from ..inputs.guard import HostError, HostPolicy
from ..output.serve import create_app as create_file_app
from ..version import __version__
from . import schema
from .callbacks import check_callback_url
from .jobs import JobStore, status_document
from .queue import JobQueue, ProcessPool, embedded_threads, running_worker
from .runner import RunContext, episode_dir, make_context, option_values
from .settings import ServiceSettings, service_settings_from_dict

log = logging.getLogger(__name__)

MAX_PAGE = 100
EMBEDDED_STOP_S = 5.0
"""Grace for the embedded worker's threads at shutdown; unfinished jobs rerun at start."""
BEARER = HTTPBearer(auto_error=False, description="An API key from the service's config.")


class ApiError(HTTPException):
    """A 4xx or 5xx answered as one line."""


def error_response(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _one_line(error: RequestValidationError) -> str:
    problems = error.errors()
    if not problems:
        return "invalid request"
    first = problems[0]
    kind = first.get("type", "")
    if kind == "json_invalid":
        return "body is not valid JSON"
    where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    if kind == "extra_forbidden":
        message = "unknown field"
    if not where and kind in ("missing", "dict_type", "model_attributes_type"):
        return "body must be a JSON object"
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f"{where}: {message}{more}" if where else f"{message}{more}"


class BodyLimit:
    """ASGI middleware: a body over ``limit`` bytes gets 413 before the app reads it."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        too_big = error_response(413, f"request body is over {self.limit} bytes")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await too_big(scope, receive, send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.limit:
                await too_big(scope, receive, send)
                return
            if not message.get("more_body"):
                break
        body, sent = b"".join(chunks), False

        async def replay() -> Any:
            nonlocal sent
            if sent:
                return await receive()
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


def build_api(config: dict[str, Any], broker: str | None = None) -> FastAPI:
    """The API for a parsed config file: over Redis at ``broker``, else embedded."""
    from .queue import embedded_queue, redis_queue

    service = service_settings_from_dict(config)
    context = make_context(config, service)
    if broker:
        return create_api(service, context, redis_queue(broker, service, context))
    return create_api(service, context, *embedded_queue(service, context))


class Episodes:
    """The ``/v1`` endpoints over one job store and queue."""

    def __init__(
        self,
        service: ServiceSettings,
        context: RunContext,
        queue: JobQueue,
        embedded: bool,
    ) -> None:
        self.service, self.context, self.queue, self.embedded = service, context, queue, embedded
        self.base_settings = settings_from_dict(context.config)
        self.store = JobStore(Path(context.state_dir))
        self._keys = tuple(k.encode() for k in service.api_keys)

    async def authorized(  # async: a few microseconds, not worth a thread
        self,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)],
    ) -> None:
        given = (credentials.credentials if credentials else "").encode()
        # Every key is compared, so the time taken says nothing about which one is near.
        matches = [hmac.compare_digest(given, key) for key in self._keys]
        if not given or not any(matches):
            raise ApiError(401, "missing or invalid API key", {"WWW-Authenticate": "Bearer"})

    def base_url(self, request: Request) -> str:
        return (self.service.public_url or str(request.base_url)).rstrip("/")

    def check_request(self, body: schema.EpisodeRequest) -> None:
        options = body.options.model_dump(exclude_none=True, exclude={"lexicon"})
        try:
            settings = settings_from_dict(option_values(options), self.base_settings)
        except ConfigError as e:
            raise ApiError(422, f"options: {e}") from e
        source = body.text or body.markdown
        if source is not None and len(source) > settings.limits.max_input_chars:
            raise ApiError(422, f"article is over {settings.limits.max_input_chars} characters")
        if body.url is not None:
            _check_article_host(body.url, settings.limits)
        if body.callback_url is not None:
            if not self.service.callback_secret:
                raise ApiError(422, "callback_url: this service has no callback secret set")
            try:
                check_callback_url(body.callback_url, self.service.allow_private_callbacks)
            except ConfigError as e:
                raise ApiError(422, str(e)) from e

    def submit(
        self, body: schema.EpisodeRequest, request: Request, response: Response
    ) -> dict[str, Any]:
        """Queue an article; the same article with the same options is the same job."""
        self.check_request(body)
        job, fresh = self.store.submit(body.to_job_request())
        if fresh:
            try:
                self.queue.enqueue(job.id)
            except Exception as e:
                log.error("job %s not queued: %s", job.id, type(e).__name__)
                self.store.update(job.id, status="failed", error="could not be queued")
                raise ApiError(503, "the job queue is unavailable; try again") from e
        if job.status == "done":
            response.status_code = 200
        return status_document(job, self.base_url(request))

    def list(
        self,
        request: Request,
        limit: int = Query(20, ge=1, le=MAX_PAGE),
        offset: int = Query(0, ge=0),
    ) -> dict[str, Any]:
        """Jobs newest first, ``limit`` at a time."""
        jobs = self.store.all()
        base = self.base_url(request)
        more = offset + limit < len(jobs)
        next_url = f"{base}/v1/episodes?limit={limit}&offset={offset + limit}" if more else None
        return {
            "items": [status_document(job, base) for job in jobs[offset : offset + limit]],
            "total": len(jobs),
            "limit": limit,
            "offset": offset,
            "links": {"next": next_url},
        }

    def get(self, job_id: str, request: Request) -> dict[str, Any]:
        """A job's status; when done, its episode's title, duration and file URLs."""
        job = self.store.get(job_id)
        if job is None:
            raise ApiError(404, f"no episode {job_id[:40]}")
        return status_document(job, self.base_url(request))

    def delete(self, job_id: str) -> Response:
        """Forget a job and delete its files; a running job stops counting and is discarded."""
        job = self.store.delete(job_id)
        if job is None:
            raise ApiError(404, f"no episode {job_id[:40]}")
        shutil.rmtree(episode_dir(self.context.out_dir, job.id), ignore_errors=True)
        return Response(status_code=204)

    def health(self) -> Any:
        """Whether the API and its queue answer; needs no key."""
        kind = "embedded" if self.embedded else "redis"
        try:
            ping = getattr(getattr(self.queue.broker, "client", None), "ping", None)
            if ping is not None:
                ping()
        except Exception:
            return JSONResponse(
                {"status": "unavailable", "queue": kind, "version": __version__}, status_code=503
            )
        return {"status": "ok", "queue": kind, "version": __version__}


def _check_article_host(url: str, limits: InputLimits) -> None:
    """Refuse at once a URL whose host is a non-public address the job would refuse later.

    A name that does not resolve here is left to the job (a proxy may know it); the job
    checks again where it connects, so a name that changes its answer gains nothing.
    """
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        HostPolicy.from_limits(limits).resolve(parts.hostname or "", port, unresolved_ok=True)
    except (ValueError, HostError) as e:  # a port out of range; a refused address
        raise ApiError(422, f"url: {e}") from e


def _add_routes(app: FastAPI, episodes: Episodes) -> None:
    secured = [Depends(episodes.authorized)]
    status = schema.EpisodeStatus
    missing: dict[int | str, dict[str, Any]] = {404: {"model": schema.ErrorBody}}
    made: dict[int | str, dict[str, Any]] = {200: {"model": status, "description": "Already made"}}
    app.post(
        "/v1/episodes",
        summary="Submit an article",
        status_code=202,
        response_model=status,
        response_model_exclude_none=True,
        dependencies=secured,
        responses=made,
    )(episodes.submit)
    app.get(
        "/v1/episodes",
        summary="List episodes",
        response_model=schema.EpisodeList,
        response_model_exclude_none=True,
        dependencies=secured,
    )(episodes.list)
    app.get(
        "/v1/episodes/{job_id}",
        summary="Get an episode",
        response_model=status,
        response_model_exclude_none=True,
        dependencies=secured,
        responses=missing,
    )(episodes.get)
    app.delete(
        "/v1/episodes/{job_id}",
        summary="Delete an episode",
        status_code=204,
        dependencies=secured,
        responses=missing,
    )(episodes.delete)
    app.get("/v1/health", summary="Health", response_model=schema.Health)(episodes.health)


def _add_error_handlers(app: FastAPI) -> None:
    async def http_error(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        headers = dict(error.headers) if error.headers else None
        return error_response(error.status_code, str(error.detail), headers)

    async def invalid_request(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        return error_response(422, _one_line(error))

    async def bug(request: Request, error: Exception) -> Response:
        log.error("%s %s failed: %s", request.method, request.url.path, type(error).__name__)
        return error_response(500, "internal error")

    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(Exception, bug)


def _lifespan(
    service: ServiceSettings, queue: JobQueue, pool: ProcessPool | None
) -> Callable[[FastAPI], contextlib.AbstractAsyncContextManager[None]]:
    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if pool is None:
            yield
            return
        with running_worker(queue, embedded_threads(service), stop_timeout_s=EMBEDDED_STOP_S):
            recovered = await run_in_threadpool(queue.recover)
            if recovered:
                log.info("picked up %d unfinished jobs", recovered)
            try:
                yield
            finally:
                pool.shutdown()

    return lifespan


def create_api(
    service: ServiceSettings,
    context: RunContext,
    queue: JobQueue,
    pool: ProcessPool | None = None,
) -> FastAPI:
    """The API over ``queue``; with ``pool`` the queue is embedded and served in-process."""
    if not service.api_keys:
        raise ConfigError(
            "no API keys: set AUDIO_NEWS_API_KEYS or api_keys in the [service] config table"
        )
    make_dir(Path(context.out_dir))
    app = FastAPI(
        title="audio-news",
        version=__version__,
        summary="Vietnamese news articles in, podcast episodes out.",
        docs_url=None,
        redoc_url=None,
        lifespan=_lifespan(service, queue, pool),
        responses={401: {"model": schema.ErrorBody}, 422: {"model": schema.ErrorBody}},
    )
    app.add_middleware(BodyLimit, limit=service.max_body_bytes)
    _add_error_handlers(app)
    _add_routes(app, Episodes(service, context, queue, embedded=pool is not None))
    app.mount("/files", create_file_app(Path(context.out_dir)), name="files")
    return app
