"""GET /health and GET /health/live on the Rasa server (listed in credentials.yml like a channel).

/health       200 when the model is loaded and every part it uses answers (tracker store, lock
              store, action server), else 503; the JSON says which part is down. For monitoring
              and for the watchdog that emails the front desk (scripts/watchdog.py).
/health/live  200 once the model is loaded: the server can answer patients, emergencies
              included, whatever else is down. Kubernetes' liveness and readiness probes use
              this one, so a shared database outage never takes every pod out of service.

It also caps the size of any request body for the whole server (REQUEST_MAX_BYTES, default 1 MB):
Sanic's default is 100 MB, and a 2 MB socket.io polling packet used to hang without an answer.
"""
import asyncio
import os
import time
from typing import Any, Awaitable, Callable, Dict, Text
from urllib.parse import urlsplit

import aiohttp
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

REQUEST_MAX_BYTES = int(os.environ.get("REQUEST_MAX_BYTES", 1024 * 1024))
CHECK_TIMEOUT_SECONDS = 2.0


def _sql_ping(store: Any) -> None:
    import sqlalchemy

    with store.engine.connect() as connection:
        connection.execute(sqlalchemy.text("SELECT 1"))


async def _check(name: str, probe: Callable[[], Awaitable[Any]]) -> Dict[str, Any]:
    started = time.monotonic()
    try:
        await asyncio.wait_for(probe(), CHECK_TIMEOUT_SECONDS)
        return {"ok": True, "ms": round((time.monotonic() - started) * 1000, 1)}
    except Exception as error:  # the kind of failure only: no addresses or credentials
        return {"ok": False, "error": type(error).__name__}


async def dependency_checks(app: Any) -> Dict[str, Dict[str, Any]]:
    agent = getattr(app.ctx, "agent", None)
    loop = asyncio.get_running_loop()
    checks: Dict[str, Dict[str, Any]] = {
        "model": {"ok": bool(agent is not None and agent.is_ready())}}
    if agent is None:
        return checks
    store = getattr(agent.tracker_store, "_tracker_store", agent.tracker_store)  # Rasa may wrap it
    if hasattr(store, "engine"):
        checks["tracker_store"] = await _check("tracker_store", lambda: loop.run_in_executor(None, _sql_ping, store))
    redis = getattr(agent.lock_store, "red", None)
    if redis is not None:
        checks["lock_store"] = await _check("lock_store", lambda: loop.run_in_executor(None, redis.ping))
    endpoint = agent.action_endpoint
    if endpoint is not None and endpoint.url:
        parts = urlsplit(endpoint.url)
        url = f"{parts.scheme}://{parts.netloc}/health"

        async def action_server() -> None:
            timeout = aiohttp.ClientTimeout(total=CHECK_TIMEOUT_SECONDS)
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.get(url) as reply:
                    if reply.status != 200:
                        raise RuntimeError(f"HTTP {reply.status}")

        checks["action_server"] = await _check("action_server", action_server)
    return checks


class HealthInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "health"

    def url_prefix(self) -> Text:
        return "/"  # /health, not /webhooks/health

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        health = Blueprint("clinic_health", __name__)

        @health.listener("before_server_start")
        async def cap_request_size(app: Any, _: Any) -> None:
            app.config.REQUEST_MAX_SIZE = REQUEST_MAX_BYTES

        @health.route("/health", methods=["GET"])
        async def deep(request: Request) -> HTTPResponse:
            checks = await dependency_checks(request.app)
            ok = all(check["ok"] for check in checks.values())
            return response.json({"status": "ok" if ok else "degraded", "checks": checks},
                                 status=200 if ok else 503)

        @health.route("/health/live", methods=["GET"])
        async def live(request: Request) -> HTTPResponse:
            agent = getattr(request.app.ctx, "agent", None)
            ready = bool(agent is not None and agent.is_ready())
            return response.json({"status": "ok" if ready else "loading"}, status=200 if ready else 503)

        return health
