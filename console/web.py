"""The console's small web framework: the request context, the page wrapper (session, role and
CSRF checks on every request), template rendering, error pages and the security headers."""
import logging
import os
from datetime import datetime
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy.exc import DBAPIError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse

from console import config, display, security
from console.review import mask

logger = logging.getLogger("console")
HERE = Path(__file__).resolve().parent
LOGIN_COOKIE = "console_login"


def session_cookie() -> str:
    return "__Host-console_session" if config.secure_cookies() else "console_session"


class Redirect(Exception):
    def __init__(self, url: str):
        self.url = url


class Denied(Exception):
    def __init__(self, status: int, message: str):
        self.status, self.message = status, message


class Ctx:
    """One request: who is signed in, the form, helpers."""

    def __init__(self, app, request: Request, form, user=None, session=None):
        self.app, self.request, self.form, self.user, self.session = app, request, form or {}, user, session
        self.cookies_to_set = []

    @property
    def state(self):
        return self.app.state

    @property
    def address(self) -> str:
        if os.environ.get("CONSOLE_TRUST_PROXY") == "1" and self.request.headers.get("x-forwarded-for"):
            return self.request.headers["x-forwarded-for"].split(",")[0].strip()[:64]
        return self.request.client.host if self.request.client else "-"

    def audit(self, action: str, target: Optional[str] = None, detail: Optional[str] = None,
              user: Optional[str] = None):
        security.record(self.state.dbs.console, action, user or (self.user.name if self.user else None),
                        target, detail, self.address)

    def render(self, template: str, status: int = 200, **context) -> HTMLResponse:
        env = self.state.templates
        body = env.get_template(template).render(
            user=self.user, csrf=self.session.csrf if self.session else None, path=self.request.url.path,
            query=self.request.query_params, **context)
        return HTMLResponse(body, status_code=status)

    def arg(self, name: str, default: str = "") -> str:
        return (self.request.query_params.get(name) or default).strip()[:200]

    def field(self, name: str, default: str = "") -> str:
        value = self.form.get(name, default) if self.form else default
        return (value if isinstance(value, str) else default).strip()[:1000]


def page(role: Optional[str] = "frontdesk", allow_unfinished: bool = False):
    """Wraps a synchronous handler(ctx): session and role checked, CSRF on every POST, run in a thread."""

    def deco(fn: Callable):
        async def endpoint(request: Request):
            form = await request.form() if request.method == "POST" else None
            return await run_in_threadpool(_run, request.app, request, form, fn, role, allow_unfinished)
        endpoint.__name__ = fn.__name__
        return endpoint
    return deco


def _run(app, request, form, fn, role, allow_unfinished):
    ctx = Ctx(app, request, form)
    try:
        if role is not None:
            _authenticate(ctx, role, allow_unfinished)
        response = fn(ctx)
    except Redirect as r:
        response = RedirectResponse(r.url, status_code=303)
    except Denied as d:
        response = ctx.render("error.html", status=d.status, message=d.message)
    except DBAPIError as error:  # a database is down or unreachable: a clear 503, no stack trace
        logger.error("database unavailable on %s %s: %s", request.method, request.url.path,
                     type(getattr(error, "orig", None) or error).__name__)
        response = _error_page(503, "A database the console needs is not answering. Please try again in a "
                                    "few minutes; if it keeps happening, tell the administrator.")
        response.headers["retry-after"] = "30"
    for args, kwargs in ctx.cookies_to_set:
        response.set_cookie(*args, **kwargs)
    return response


def _authenticate(ctx: Ctx, role: str, allow_unfinished: bool):
    request = ctx.request
    token = request.cookies.get(session_cookie())
    session, user, problem = security.load_session(ctx.state.dbs.console, token)
    if problem:
        ctx.audit("session ended", detail=f"{problem} session used for {request.url.path}"[:300],
                  user=user.name if user else None)
    if session is None:  # not audited: only sign-in failures and what signed-in users are refused are
        if request.method == "GET" and not request.url.path.startswith("/api/"):
            nxt = request.url.path + (("?" + request.url.query) if request.url.query else "")
            raise Redirect("/login?" + urlencode({"next": nxt, **({"why": problem} if problem else {})}))
        raise Denied(401, "Please sign in again.")
    ctx.user, ctx.session = user, session
    if request.method == "POST":
        given = (ctx.form.get("csrf") if ctx.form else None) or request.headers.get("x-csrf-token")
        if not security.csrf_ok(session.csrf, given):
            ctx.audit("csrf rejected", detail=f"{request.method} {request.url.path}"[:300])
            raise Denied(403, "This form has expired. Please go back, reload the page and try again.")
    if session.pending_totp:
        raise Redirect("/login/totp")
    if not allow_unfinished and (user.must_change or (user.totp_required and not user.totp_secret)):
        raise Redirect("/account")
    if role == "admin" and user.role != "admin":
        ctx.audit("denied", detail=f"not an admin: {request.method} {request.url.path}"[:300])
        raise Denied(403, "This page is for administrators.")


# -- errors and headers ------------------------------------------------------------------------------
def _error_page(status: int, message: str) -> HTMLResponse:
    body = (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{status}</title>'
            f'<link rel="stylesheet" href="/static/console.css"></head><body><main id="main">'
            f'<h1>{status}</h1><p>{message}</p><p><a href="/">Back to the console</a></p></main></body></html>')
    return HTMLResponse(body, status_code=status)


async def http_error(request: Request, exc: HTTPException):
    return _error_page(exc.status_code, "That page does not exist." if exc.status_code == 404 else "Request refused.")


async def server_error(request: Request, exc: Exception):
    logger.error("error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    response = _error_page(500, "Something went wrong. Please try again; if it keeps happening, tell the administrator.")
    for k, v in security.HEADERS:  # sent outside the Headers middleware
        response.headers[k] = v
    return response


class Headers:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = message.setdefault("headers", [])
                for k, v in security.HEADERS:
                    headers.append((k.encode(), v.encode()))
            await send(message)
        return await self.app(scope, receive, send_with_headers)


def templates() -> Environment:
    """The Jinja2 environment (autoescaped) with the console's filters."""
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(["html"]))
    env.filters["vt"] = _vancouver
    env.filters["pct"] = lambda v: "—" if v is None else f"{v * 100:.0f}%"
    env.filters["mask"] = mask
    env.filters.update(display.filters())
    return env


def _vancouver(value, fmt: str = "%a %b %d, %I:%M %p") -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, (int, float)):
        dt = datetime.fromtimestamp(value, config.TZ)
    else:
        dt = config.local(value)
    return dt.strftime(fmt).replace(" 0", " ")
