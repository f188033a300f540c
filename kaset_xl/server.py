"""``kaset-xl serve``: the workbook's buttons as a small web service for xlwings' VBA client.

A thin shell (FastAPI on uvicorn) over :mod:`kaset_xl.remote`, which runs the same button functions
as desktop Excel (:mod:`kaset_xl.xl`) on xlwings' remote engine:

- ``POST /xlwings/<function>`` (``validate``, ``score``, ``budget``, ``clear_results``, ``register``,
  ``certificate``): the body xlwings' ``RunRemotePython`` posts; the answer is ``{"actions": […]}``,
  which the VBA client applies.  Order of checks: token (401), declared body size (413, before
  anything is read), body read with the same cap, JSON and shape (400), the file path's limits (422),
  the workbook's district against the token's (403), then the button, bounded in time (504) and in
  how many run at once (503).  Every refusal is a short Thai text with its English line, which the VBA
  client shows in a message box; a problem the button finds is an ``alert`` action, as on the desktop.
- ``GET /health``: ``{"status": "ok", …}`` for a monitor or a reverse proxy.

Nothing of a workbook is kept: each request is one log line (district, button, status, time, counts).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import threading
import time
import traceback
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from kaset_xl import __version__, remote, xl
from kaset_xl.issues import KasetError
from kaset_xl.remote import ClickLog, RemoteRefusal, TokenBook
from kaset_xl.workbook.guard import MB, Limits

__all__ = ["create_app", "serve", "LOG"]

LOG = logging.getLogger("kaset_xl.server")


def _refusal(exc: RemoteRefusal) -> PlainTextResponse:
    """A refusal as the VBA client shows it (``MsgBox`` of the body): Thai, then the code and English."""
    return PlainTextResponse(f"{exc.message_th}\n\n[{exc.code}] {exc.message_en}", status_code=exc.status,
                             headers={"X-Kaset-Code": exc.code})


def _token(request: Request) -> str:
    header = request.headers.get("authorization", "").strip()
    if header[:7].lower() == "bearer ":
        header = header[7:].strip()
    return header


def _on_failure(exc: BaseException) -> str:
    """An unexpected failure of a button: logged as its type and place only (never its message, which may
    quote the workbook), and the officer gets a Thai message with the time."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{frames[-1].filename}:{frames[-1].lineno}" if frames else "?"
    LOG.error("button failed: %s at %s", type(exc).__name__, where)
    return remote.failure_text(exc)


async def _read_body(request: Request, limit: int) -> bytes | None:
    """The body, or None as soon as it grows past ``limit`` (a body without a length is read by pieces)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise RemoteRefusal(400, "SERVER_BAD_REQUEST", reason="Content-Length")
        if int(declared) > limit:
            return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


async def _checked(request: Request, button: str, tokens: TokenBook, entry: ClickLog, max_body: int,
                   limits: Limits | None) -> dict[str, Any]:
    """The request's workbook, once every check before the button has passed (else ``RemoteRefusal``):
    token, button, body size, JSON, the file path's limits, and the workbook's district against the token's."""
    token = _token(request)
    if not token:
        raise RemoteRefusal(401, "SERVER_TOKEN_MISSING")
    district = tokens.district_of(token)
    if district is None:
        raise RemoteRefusal(401, "SERVER_TOKEN_WRONG")
    entry.district = district
    if button not in remote.BUTTONS:
        raise RemoteRefusal(404, "SERVER_UNKNOWN_BUTTON", button=button[:40])
    body = await _read_body(request, max_body)
    if body is None:
        raise RemoteRefusal(413, "SERVER_BODY_TOO_LARGE", limit=f"{max_body / MB:g}")
    try:
        payload: dict[str, Any] = json.loads(body)
    except (ValueError, RecursionError):
        raise RemoteRefusal(400, "SERVER_BAD_REQUEST", reason="JSON") from None
    remote.check_payload(payload, limits)
    found = remote.payload_district(payload)
    if found is None:
        raise RemoteRefusal(403, "SERVER_NOT_DISTRICT_BOOK")
    if found != district:
        raise RemoteRefusal(403, "SERVER_OTHER_DISTRICT", workbook=found, district=district)
    return payload


def create_app(tokens: TokenBook, *, limits: Limits | None = None, timeout: float = 20.0, workers: int = 2,
               max_body: int = remote.MAX_BODY_BYTES, queue: int = 32) -> FastAPI:
    """The web app: ``tokens`` (district → token digest), the per-request ``timeout`` in seconds, ``workers``
    buttons running at once (more wait, up to ``queue``; beyond that → 503)."""
    problem = remote.engine_problem()
    if problem:
        raise KasetError("SERVER_ENGINE_UNAVAILABLE", reason=problem[:200])
    xl.on_failure = _on_failure
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers, thread_name_prefix="kaset-button")
    # Clicks running or waiting, counted until their thread is done (a click past its time limit is
    # answered with 504 but still holds its place until it ends): never more than workers + queue.
    places = threading.BoundedSemaphore(workers + queue)
    in_flight = [0]
    count_lock = threading.Lock()

    def done(_future: concurrent.futures.Future[Any]) -> None:
        with count_lock:
            in_flight[0] -= 1
        places.release()
    app = FastAPI(title="kaset-xl", version=__version__, docs_url=None, redoc_url=None, openapi_url=None)

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "kaset_xl": __version__, "xlwings": _xlwings_version(),
                "districts": len(tokens.entries), "busy": in_flight[0]}

    @app.post("/xlwings/{button}")
    async def click(button: str, request: Request) -> Response:
        started = time.perf_counter()
        entry = ClickLog(district="-", button=button if button in remote.BUTTONS else "?", status=0, millis=0)
        try:
            payload = await _checked(request, button, tokens, entry, max_body, limits)
            if not places.acquire(blocking=False):
                raise RemoteRefusal(503, "SERVER_BUSY")
            with count_lock:
                in_flight[0] += 1
            future = pool.submit(remote.run_button, button, payload, log=entry)
            future.add_done_callback(done)
            try:
                result = await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), timeout)
            except asyncio.TimeoutError:
                raise RemoteRefusal(504, "SERVER_TIMEOUT", seconds=f"{timeout:g}") from None
            entry.status = 200
            return JSONResponse(result)
        except RemoteRefusal as exc:
            entry.status = exc.status
            return _refusal(exc)
        except Exception as exc:  # never a traceback to the client
            entry.status = 500
            return PlainTextResponse(_on_failure(exc), status_code=500)
        finally:
            entry.millis = round((time.perf_counter() - started) * 1000)
            LOG.info(entry.line())

    return app


def _xlwings_version() -> str:
    import xlwings

    return str(xlwings.__version__)


def serve(tokens: TokenBook, *, host: str = "127.0.0.1", port: int = 8000, timeout: float = 20.0,
          workers: int = 2) -> None:
    """Run the service until interrupted (uvicorn, one process; put HTTPS in front of it)."""
    import uvicorn

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    app = create_app(tokens, timeout=timeout, workers=workers)
    uvicorn.run(app, host=host, port=port, access_log=False, log_level="info", limit_concurrency=128,
                timeout_keep_alive=5, server_header=False)
