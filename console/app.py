"""The console's web application (Starlette): builds the app and lists the routes.

The pages live in one module per area (auth_pages, callback_pages, conversation_pages, missed_pages,
review_pages, insight_pages, admin_pages) on the small framework in console/web.py."""
import os
from typing import Optional

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from console import config
from console.db import Databases, create_tables
from console.ingest import Ingester
from console.callback_queue import Queue
from console.review import Review
# the framework and the pages, importable from console.app as before the split
from console.web import (HERE, LOGIN_COOKIE, Ctx, Denied, Headers, Redirect, _authenticate,  # noqa: F401
                         _error_page, _run, _vancouver, http_error, logger, page, server_error, session_cookie,
                         templates)
from console.auth_pages import (_login_token, _login_totp, _safe_name, _safe_next,  # noqa: F401
                                _set_session_cookie, account, login, login_totp, logout)
from console.callback_pages import (_request_or_404, callback_action, callback_delete,  # noqa: F401
                                    callback_detail, callback_export, callback_latest, callback_rows, callbacks,
                                    home)
from console.conversation_pages import conversation_detail, conversation_list
from console.missed_pages import missed_emergencies, missed_emergencies_csv, missed_emergency_mark
from console.review_pages import unanswered, unanswered_label
from console.insight_pages import insights
from console.admin_pages import admin_audit, admin_users
# issue 18: what the clinic changes itself (each module lists its own ROUTES)
from console import answer_pages, publish_pages, settings_pages


# -- health -----------------------------------------------------------------------------------------
def _health(app) -> Response:
    status = {}
    for name in ("console", "tracker", "callbacks"):
        try:
            with getattr(app.state.dbs, name).connect() as conn:
                conn.execute(text("select 1"))
            status[name] = "ok"
        except Exception as error:
            status[name] = type(error).__name__
    ok = all(v == "ok" for v in status.values())
    return JSONResponse({"status": "ok" if ok else "unavailable", "databases": status}, status_code=200 if ok else 503)


async def health(request: Request):
    return await run_in_threadpool(_health, request.app)


def create_app(dbs: Optional[Databases] = None, background: bool = False) -> Starlette:
    dbs = dbs or Databases()
    create_tables(dbs.console)
    hours = config.Hours()
    routes = [
        Route("/health", health),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/login/totp", login_totp, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/account", account, methods=["GET", "POST"]),
        Route("/", home),
        Route("/callbacks", callbacks),
        Route("/callbacks/rows", callback_rows),
        Route("/api/callbacks/latest", callback_latest),
        Route("/callbacks/export.csv", callback_export),
        Route("/callbacks/{rid}", callback_detail),
        Route("/callbacks/{rid}/action", callback_action, methods=["POST"]),
        Route("/callbacks/{rid}/delete", callback_delete, methods=["POST"]),
        Route("/conversations", conversation_list),
        Route("/conversations/{cid}", conversation_detail),
        Route("/conversations/{cid}/missed-emergency", missed_emergency_mark, methods=["POST"]),
        Route("/missed-emergencies", missed_emergencies),
        Route("/missed-emergencies.csv", missed_emergencies_csv),
        Route("/unanswered", unanswered),
        Route("/unanswered/label", unanswered_label, methods=["POST"]),
        Route("/insights", insights),
        Route("/admin/users", admin_users, methods=["GET", "POST"]),
        Route("/admin/audit", admin_audit),
        *settings_pages.ROUTES,
        *answer_pages.ROUTES,
        *publish_pages.ROUTES,
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error, Exception: server_error})
    app.state.dbs = dbs
    app.state.hours = hours
    app.state.queue = Queue(dbs, hours)
    app.state.review = Review(dbs)
    app.state.ingester = Ingester(dbs, hours)
    app.state.templates = templates()
    if background:
        from console.ingest import Background
        app.state.background = Background(app.state.ingester, float(os.environ.get("CONSOLE_INGEST_SECONDS", 3)))
        app.state.background.start()
    app.add_middleware(Headers)
    return app
