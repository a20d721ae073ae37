"""The console's web application (Starlette): pages, forms, and the checks every request passes."""
import logging
import os
import secrets
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Callable, Optional
from urllib.parse import quote, urlencode

import pyotp
from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import func, select, text, update
from sqlalchemy.exc import DBAPIError
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from console import charts, config, display, languages, missed, security, views
from console.db import Databases, audit, conversations, create_tables, users
from console.ingest import Ingester
from console.callback_queue import Queue
from console.review import LABELS, Review, mask, topic_name

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


def _safe_next(value: str) -> str:
    if any(ord(c) < 33 or ord(c) == 127 for c in value):  # browsers drop tabs/newlines: "/\t/evil" is "//evil"
        return "/"
    return value if value.startswith("/") and not value.startswith("//") and "\\" not in value else "/"


def _login_token(ctx: Ctx) -> str:
    token = ctx.request.cookies.get(LOGIN_COOKIE)
    if not token or len(token) > 64:
        token = secrets.token_urlsafe(24)
    ctx.cookies_to_set.append(((LOGIN_COOKIE, token), dict(httponly=True, samesite="strict",
                                                            secure=config.secure_cookies(), path="/")))
    return token


def _set_session_cookie(ctx: Ctx, token: str):
    # a browser-session cookie (no Max-Age/Expires); the idle and absolute timeouts are enforced server-side
    ctx.cookies_to_set.append(((session_cookie(), token), dict(
        httponly=True, samesite="strict", secure=config.secure_cookies(), path="/")))


def _safe_name(name: str) -> str:
    """Audit a typed account name, but never something that looks like an email or phone."""
    return "(not a user name)" if "@" in name or sum(c.isdigit() for c in name) > 6 else name[:64]


# -- sign-in ------------------------------------------------------------------------------------
@page(role=None)
def login(ctx: Ctx):
    token = _login_token(ctx)
    if ctx.request.method == "GET":
        why = {"expired": "Your session expired. Please sign in again.",
               "disabled": "Your account has been disabled."}.get(ctx.arg("why"))
        return ctx.render("login.html", login_csrf=token, next=_safe_next(ctx.arg("next", "/")), message=why)
    name, password = ctx.field("name")[:64], ctx.form.get("password", "") if ctx.form else ""
    nxt = _safe_next(ctx.field("next", "/"))
    if not security.csrf_ok(ctx.request.cookies.get(LOGIN_COOKIE), ctx.field("csrf")):
        ctx.audit("csrf rejected", detail="POST /login", user=_safe_name(name))
        raise Denied(403, "This sign-in form has expired. Please reload the page and try again.")
    dbs = ctx.state.dbs
    limited = security.throttled(dbs.console, name.lower(), ctx.address)
    if limited:
        ctx.audit("sign-in locked", detail=f"too many failures for this {limited}", user=_safe_name(name))
        return ctx.render("login.html", status=429, login_csrf=token, next=nxt,
                          message="Too many failed attempts. Please wait 15 minutes, or ask an administrator.")
    with dbs.console.connect() as conn:
        user = conn.execute(select(users).where(func.lower(users.c.name) == name.lower())).first()
    ok = security.verify_password(user.password_hash if user else None, str(password))
    if not ok or user.disabled:
        security.note_attempt(dbs.console, name.lower(), ctx.address, False)
        ctx.audit("sign-in failed", detail="disabled account" if ok else "wrong name or password",
                  user=_safe_name(name))
        return ctx.render("login.html", status=401, login_csrf=token, next=nxt,
                          message="That name and password do not match an active account.")
    security.note_attempt(dbs.console, name.lower(), ctx.address, True)
    old = ctx.request.cookies.get(session_cookie())
    if old:
        security.end_session(dbs.console, old)
    token, _ = security.new_session(dbs.console, user.id, pending_totp=bool(user.totp_secret))
    _set_session_cookie(ctx, token)
    if user.totp_secret:
        ctx.audit("sign-in password ok", detail="waiting for the two-factor code", user=user.name)
        raise Redirect("/login/totp?" + urlencode({"next": nxt}))
    ctx.audit("sign-in", user=user.name)
    raise Redirect(nxt)


async def login_totp(request: Request):
    form = await request.form() if request.method == "POST" else None
    return await run_in_threadpool(_login_totp, request.app, request, form)


def _login_totp(app, request, form):
    ctx = Ctx(app, request, form)
    session, user, _ = security.load_session(app.state.dbs.console, request.cookies.get(session_cookie()))
    if session is None or not session.pending_totp:
        return RedirectResponse("/login", status_code=303)
    ctx.session = session
    nxt = _safe_next(ctx.arg("next", "/") if request.method == "GET" else ctx.field("next", "/"))
    if request.method == "GET":
        return ctx.render("totp.html", next=nxt)
    if not security.csrf_ok(session.csrf, ctx.field("csrf")):
        ctx.audit("csrf rejected", detail="POST /login/totp", user=user.name)
        return ctx.render("error.html", status=403, message="This form has expired. Please sign in again.")
    dbs = app.state.dbs
    if security.throttled(dbs.console, user.name.lower(), ctx.address):
        security.end_session(dbs.console, request.cookies.get(session_cookie()))
        ctx.audit("sign-in locked", detail="too many failed codes", user=user.name)
        return RedirectResponse("/login", status_code=303)
    if not security.totp_ok(user.totp_secret, ctx.field("code")):
        security.note_attempt(dbs.console, user.name.lower(), ctx.address, False)
        ctx.audit("sign-in failed", detail="wrong two-factor code", user=user.name)
        return ctx.render("totp.html", status=401, next=nxt, message="That code is not right. Try the newest one.")
    security.end_session(dbs.console, request.cookies.get(session_cookie()))  # a new token once fully signed in
    token, _ = security.new_session(dbs.console, user.id)
    security.note_attempt(dbs.console, user.name.lower(), ctx.address, True)
    ctx.audit("sign-in", detail="with two-factor code", user=user.name)
    response = RedirectResponse(nxt, status_code=303)
    response.set_cookie(session_cookie(), token, httponly=True, samesite="strict", secure=config.secure_cookies(),
                        path="/")
    return response


@page(allow_unfinished=True)
def logout(ctx: Ctx):
    security.end_session(ctx.state.dbs.console, ctx.request.cookies.get(session_cookie()))
    ctx.audit("sign-out")
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(session_cookie(), path="/")
    return response


# -- own account --------------------------------------------------------------------------------
@page(allow_unfinished=True)
def account(ctx: Ctx):
    dbs, user = ctx.state.dbs, ctx.user
    message = error = None
    new_secret = None
    if ctx.request.method == "POST":
        what = ctx.field("what")
        if what == "password":
            current, new = ctx.form.get("current", ""), ctx.form.get("new", "")
            if not security.verify_password(user.password_hash, str(current)):
                error = "Your current password is not right."
                ctx.audit("password change failed", target=f"user:{user.name}")
            elif str(new) != str(ctx.form.get("again", "")):
                error = "The two new passwords are not the same."
            elif security.password_problem(str(new), user.name):
                error = security.password_problem(str(new), user.name)
            else:
                with dbs.console.begin() as conn:
                    conn.execute(update(users).where(users.c.id == user.id).values(
                        password_hash=security.hash_password(str(new)), must_change=False))
                # other sessions of this user end; this one gets a new token
                security.end_user_sessions(dbs.console, user.id)
                token, _ = security.new_session(dbs.console, user.id)
                _set_session_cookie(ctx, token)
                ctx.audit("password changed", target=f"user:{user.name}")
                # on to the console (unless two-factor sign-in still has to be set up here)
                raise Redirect("/account?done=password" if user.totp_required and not user.totp_secret
                               else "/?done=password")
        elif what == "totp-start":
            new_secret = pyotp.random_base32()
        elif what == "totp-confirm":
            secret = ctx.field("secret")
            if security.totp_ok(secret, ctx.field("code")):
                with dbs.console.begin() as conn:
                    conn.execute(update(users).where(users.c.id == user.id).values(totp_secret=secret))
                ctx.audit("two-factor enabled", target=f"user:{user.name}")
                raise Redirect("/account?done=totp")
            error, new_secret = "That code did not match. Check your phone's clock and try again.", secret
        elif what == "totp-off" and not user.totp_required:
            with dbs.console.begin() as conn:
                conn.execute(update(users).where(users.c.id == user.id).values(totp_secret=None))
            ctx.audit("two-factor disabled", target=f"user:{user.name}")
            raise Redirect("/account")
    done = ctx.arg("done")
    if done == "password":
        message = "Your password has been changed."
    elif done == "totp":
        message = "Two-factor sign-in is on."
    uri = pyotp.TOTP(new_secret).provisioning_uri(name=user.name, issuer_name="Clinic console") if new_secret else None
    return ctx.render("account.html", message=message, error=error, new_secret=new_secret, totp_uri=uri)


# -- call-backs ---------------------------------------------------------------------------------
@page()
def home(ctx: Ctx):
    """Today at a glance: the queue, today's conversations, what the assistant could not answer."""
    today = datetime.now(config.TZ).date()
    summary = views.today(ctx.state.dbs, today)
    queue = ctx.state.queue.items("open")
    groups = ctx.state.review.groups("open", since=views.day_start(today), limit=5)
    return ctx.render("home.html", message="Your password has been changed." if ctx.arg("done") == "password"
                      else None, summary=summary, queue=queue[:5], open_count=len(queue),
                      overdue=sum(1 for i in queue if i["overdue"]), groups=groups, today=today.isoformat(),
                      recent=missed.highlight(ctx.state.dbs, views.conversation_list(ctx.state.dbs, start=today,
                                                                                      end=today)[:8]))


@page()
def callbacks(ctx: Ctx):
    show = "all" if ctx.arg("show") == "all" else "open"
    items = ctx.state.queue.link_conversations(ctx.state.queue.items(show))
    ctx.audit("viewed call-back list", detail=f"{show}: {len(items)} requests")
    return ctx.render("callbacks.html", items=items, show=show, latest=ctx.state.queue.latest())


@page()
def callback_rows(ctx: Ctx):
    show = "all" if ctx.arg("show") == "all" else "open"
    return ctx.render("callback_rows.html", items=ctx.state.queue.link_conversations(ctx.state.queue.items(show)))


@page()
def callback_latest(ctx: Ctx):
    return JSONResponse(ctx.state.queue.latest())


def _request_or_404(ctx: Ctx) -> dict:
    try:
        rid = int(ctx.request.path_params["rid"])
    except ValueError:
        rid = -1
    item = ctx.state.queue.get(rid)
    if item is None:
        ctx.audit("not found", target=f"callback id {rid}"[:80])
        raise Denied(404, "There is no such call-back request (it may have been deleted).")
    return item


@page()
def callback_detail(ctx: Ctx):
    item = ctx.state.queue.link_conversations([_request_or_404(ctx)])[0]
    ctx.audit("viewed call-back", target=item["reference"])
    return ctx.render("callback.html", item=item, history=ctx.state.queue.history(item["id"]))


@page()
def callback_action(ctx: Ctx):
    item = _request_or_404(ctx)
    action, note = ctx.field("action"), ctx.field("note")[:500]
    queue = ctx.state.queue
    if action == "undo":
        undone = queue.undo(item, ctx.user.name)
        ctx.audit("changed call-back", target=item["reference"], detail=f"undo {undone or 'nothing'}")
    elif action in ("called", "no_answer", "done"):
        queue.act(item, action, ctx.user.name, note)
        ctx.audit("changed call-back", target=item["reference"], detail=f"marked {action}" + (" with note" if note else ""))
    else:
        raise Denied(400, "Unknown action.")
    back = ctx.field("back")
    raise Redirect(back if back in ("/callbacks", "/callbacks?show=all") else f"/callbacks/{item['id']}")


@page()
def callback_delete(ctx: Ctx):
    item = _request_or_404(ctx)
    if ctx.field("confirm") != "yes":
        raise Denied(400, "Tick the box to confirm the patient asked for their details to be deleted.")
    erase = ctx.field("conversation") == "yes"
    found = ctx.state.queue.delete(item, conversation_too=erase)
    ctx.audit("deleted call-back", target=item["reference"], detail="on the patient's request" + (
        "; conversation to be erased" if found else "; conversation not found" if erase else ""))
    raise Redirect("/callbacks?deleted=" + quote(item["reference"]))


@page(role="admin")
def callback_export(ctx: Ctx):
    show = "open" if ctx.arg("show") == "open" else "all"
    body = ctx.state.queue.export_csv(show)
    ctx.audit("exported call-backs", detail=f"{show}: {max(body.count(chr(10)) - 1, 0)} rows")
    stamp = datetime.now(config.TZ).strftime("%Y%m%d-%H%M")
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="callbacks-{stamp}.csv"'})


# -- conversations --------------------------------------------------------------------------------
@page()
def conversation_list(ctx: Ctx):
    outcome, channel = ctx.arg("outcome"), ctx.arg("channel")
    start, end = views.parse_day(ctx.arg("from")), views.parse_day(ctx.arg("to"))
    topic = ctx.arg("topic") or None
    before = None
    if ctx.arg("before"):
        try:
            last, cid = ctx.arg("before").split("_")
            before = (float(last), int(cid))
        except ValueError:
            before = None
    language, q = ctx.arg("language"), ctx.arg("q")
    senders = views.search(ctx.state.dbs, q) if q else None
    rows = views.conversation_list(ctx.state.dbs, outcome or None, channel or None, start, end, topic,
                                   ctx.arg("after_hours") == "1", before, language or None, senders)
    if q:  # who searched, never what for (patient text)
        ctx.audit("searched conversations", detail=f"{len(senders)} matching conversations")
    more = len(rows) > views.PAGE
    rows = missed.highlight(ctx.state.dbs, rows[:views.PAGE])
    next_params = dict(ctx.request.query_params)
    if more:
        next_params["before"] = f"{rows[-1]['last']!r}_{rows[-1]['id']}"
    return ctx.render("conversations.html", rows=rows, outcomes=views.OUTCOMES, channels=views.CHANNELS,
                      outcome=outcome, channel=channel, start=ctx.arg("from"), end=ctx.arg("to"),
                      topic=topic, topic_label=topic_name(topic) if topic else None, language=language, q=q,
                      topics=[(t, topic_name(t)) for t in ctx.state.review.filter_topics],
                      searched_all=senders is not None and len(senders) < views.SEARCH_LIMIT,
                      language_options=languages.filter_options(views.language_names(ctx.state.dbs), language),
                      next_url="/conversations?" + urlencode(next_params) if more else None)


@page()
def conversation_detail(ctx: Ctx):
    try:
        cid = int(ctx.request.path_params["cid"])
    except ValueError:
        cid = -1
    conv = views.conversation(ctx.state.dbs, cid)
    if conv is None:
        ctx.audit("not found", target=f"conversation {cid}")
        raise Denied(404, "There is no such conversation (it may have been deleted).")
    ctx.audit("viewed conversation", target=f"C{cid}")
    missed.highlight(ctx.state.dbs, [conv])
    lines = missed.mark_lines(ctx.state.dbs, conv["sender_id"], views.transcript(ctx.state.dbs, conv["sender_id"]))
    return ctx.render("conversation.html", conv=conv, lines=lines, marked=ctx.arg("marked"))


@page()
def missed_emergency_mark(ctx: Ctx):
    """Mark (or un-mark) one patient message as a missed emergency: who and when audited, never the text."""
    cid = ctx.request.path_params["cid"]
    conv = views.conversation(ctx.state.dbs, int(cid)) if cid.isdigit() else None
    event_id = ctx.field("message")
    if conv is None or not event_id.isdigit():
        raise Denied(404, "There is no such message (the conversation may have been deleted).")
    if ctx.field("action") == "unmark":
        done = missed.unmark(ctx.state.dbs, conv["sender_id"], int(event_id))
        ctx.audit("unmarked missed emergency", target=f"C{conv['id']}", detail=f"message {event_id}"
                  + ("" if done else " (was not marked)"))
    else:
        try:
            missed.mark(ctx.state.dbs, conv["sender_id"], int(event_id), ctx.user.name)
        except LookupError:
            raise Denied(404, "There is no such patient message in this conversation.")
        ctx.audit("marked missed emergency", target=f"C{conv['id']}", detail=f"message {event_id}")
    raise Redirect(f"/conversations/{conv['id']}?marked=1#m{event_id}")


@page()
def missed_emergencies(ctx: Ctx):
    rows = missed.listing(ctx.state.dbs)
    ctx.audit("viewed missed emergencies", detail=f"{len(rows)} messages")
    return ctx.render("missed.html", rows=rows)


@page()
def missed_emergencies_csv(ctx: Ctx):
    rows = missed.listing(ctx.state.dbs)
    ctx.audit("exported missed emergencies", detail=f"{len(rows)} rows")
    stamp = datetime.now(config.TZ).strftime("%Y%m%d-%H%M")
    return Response(missed.export_csv(rows), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="missed-emergencies-{stamp}.csv"'})


# -- unanswered questions ---------------------------------------------------------------------------
@page()
def unanswered(ctx: Ctx):
    status = "reviewed" if ctx.arg("status") == "reviewed" else "open"
    try:
        page_no = max(int(ctx.arg("page", "1")), 1)
    except ValueError:
        page_no = 1
    review = ctx.state.review
    groups = review.groups(status, limit=26, offset=(page_no - 1) * 25)
    end = datetime.now(config.TZ).date()
    start = end - timedelta(days=29)
    other = views.other_language_messages(ctx.state.dbs, start, end)
    return ctx.render("unanswered.html", groups=groups[:25], other_language=other,
                      other_language_link=views.conv_link(outcome="other_language", **{"from": start.isoformat(),
                                                                                          "to": end.isoformat()}), more=len(groups) > 25, page_no=page_no,
                      view=status, topics=[(t, topic_name(t)) for t in review.topics], labels=LABELS,
                      new_topics=review.new_topics() if status == "reviewed" else [],
                      topic_name=topic_name, saved=ctx.arg("saved"), unsure_below=config.unsure_below())


@page()
def unanswered_label(ctx: Ctx):
    key, label, topic = ctx.field("key")[:200], ctx.field("label"), ctx.field("topic") or None
    review = ctx.state.review
    if not review.exists(key):
        raise Denied(404, "There is no such group of questions.")
    if label == "clear":
        review.unlabel(key)
        ctx.audit("review label removed", detail=f"group of {len(key)} chars")
    else:
        if label == "topic" and topic not in review.topics:
            raise Denied(400, "Choose the topic it should have been.")
        try:
            review.label(key, label, topic, ctx.user.name)
        except ValueError:
            raise Denied(400, "Unknown label.")
        ctx.audit("review labelled", detail=f"{label}{' ' + topic if label == 'topic' else ''}")
    raise Redirect("/unanswered?saved=1" + ("&status=reviewed" if ctx.field("from") == "reviewed" else ""))


# -- insights ---------------------------------------------------------------------------------------
@page()
def insights(ctx: Ctx):
    today = datetime.now(config.TZ).date()
    end = views.parse_day(ctx.arg("to")) or today
    start = views.parse_day(ctx.arg("from")) or end - timedelta(days=29)
    if start > end:
        start, end = end, start
    if (end - start).days > 366:
        start = end - timedelta(days=366)
    data = views.insights(ctx.state.dbs, start, end)
    days = data["days"]
    rng = {"from": start.isoformat(), "to": end.isoformat()}
    day_links = lambda **kw: [views.conv_link(**{"from": d.isoformat(), "to": d.isoformat()}, **kw) for d in days]
    figures = []
    figures.append(("Patient messages per day, by channel", charts.stacked_bars(
        "Patient messages per day, by channel", data["labels"], [(n, v) for n, v, _ in data["by_channel"]],
        links=[l for _, _, l in data["by_channel"]]),
        [("Day", *[n for n, _, _ in data["by_channel"]])] +
        [(lab, *[v[i] for _, v, _ in data["by_channel"]]) for i, lab in enumerate(data["labels"])]))
    shares = data["shares"]
    figures.append(("Answered, fell back, out of scope (share of messages per day)", charts.stacked_bars(
        "Share answered, fell back, out of scope", data["labels"],
        [("Answered (FAQ)", shares["faq"]), ("Fell back", shares["fallback"]), ("Out of scope", shares["oos"])],
        links=[day_links(outcome="faq"), day_links(outcome="fallback"), day_links(outcome="out_of_scope")],
        percent=True),
        [("Day", "Answered", "Fell back", "Out of scope")] +
        [(lab, shares["faq"][i], shares["fallback"][i], shares["oos"][i]) for i, lab in enumerate(data["labels"])]))
    figures.append(("Top topics", charts.horizontal_bars(
        "Top topics", [(topic_name(t), n, views.conv_link(topic=t, **rng)) for t, n in data["topics"]]),
        [("Topic", "Messages")] + [(topic_name(t), n) for t, n in data["topics"]]))
    missed_days = missed.per_day(ctx.state.dbs, days)
    figures.append(("Emergencies (red-flag messages per day; missed ones as marked by staff)", charts.stacked_bars(
        "Emergencies per day", data["labels"], [("Emergencies", data["emergencies"]),
                                                ("Missed emergencies", missed_days)],
        links=[day_links(outcome="emergency"), ["/missed-emergencies"] * len(days)]),
        [("Day", "Emergencies", "Missed emergencies")] +
        [(lab, data["emergencies"][i], missed_days[i]) for i, lab in enumerate(data["labels"])],
        (f"{sum(missed_days)} missed emergenc{'y' if sum(missed_days) == 1 else 'ies'} marked by staff in this period.",
         "See the list", "/missed-emergencies")))
    weeks = data["weeks"]
    wlabels = ["wk " + w.strftime("%b %d") for w in weeks]
    week_links = lambda **kw: [views.conv_link(**{"from": max(w, start).isoformat(),
                                                  "to": min(w + timedelta(days=6), end).isoformat()}, **kw)
                               for w in weeks]
    figures.append(("Call-back requests per week", charts.stacked_bars(
        "Call-back requests per week", wlabels, [("Call-back requests", data["callbacks_per_week"])],
        links=[week_links(outcome="callback")]),
        [("Week of", "Requests")] + [(lab, data["callbacks_per_week"][i]) for i, lab in enumerate(wlabels)]))
    after = data["after_hours"]
    figures.append(("Conversations started after hours (share per week)", charts.stacked_bars(
        "Share of conversations after hours", wlabels,
        [("After hours", [a[1] for a in after]), ("Open hours", [a[0] for a in after])],
        links=[week_links(after_hours="1"), week_links()], percent=True),
        [("Week of", "After hours", "Open hours")] + [(lab, after[i][1], after[i][0]) for i, lab in enumerate(wlabels)]))
    figures.append(languages.figure(data["languages"], views.language_names(ctx.state.dbs),
                                    lambda code: views.conv_link(language=code, **rng), data["other_language"],
                                    views.conv_link(outcome="other_language", **rng)))
    return ctx.render("insights.html", figures=figures, start=start.isoformat(), end=end.isoformat())


# -- administration ---------------------------------------------------------------------------------
@page(role="admin")
def admin_users(ctx: Ctx):
    dbs = ctx.state.dbs
    created = error = None
    if ctx.request.method == "POST":
        what = ctx.field("what")
        if what == "add":
            try:
                name = ctx.field("name")
                password = security.add_user(dbs.console, name, ctx.field("role"))
                created = (name, password)
                ctx.audit("user added", target=f"user:{name}", detail=ctx.field("role"))
            except ValueError as e:
                error = str(e)
        else:
            try:
                uid = int(ctx.field("id"))
            except ValueError:
                raise Denied(404, "No such user.")
            with dbs.console.connect() as conn:
                target = conn.execute(select(users).where(users.c.id == uid)).first()
            if target is None:
                raise Denied(404, "No such user.")
            changes = {}
            if what == "disable" and target.id != ctx.user.id:
                changes = {"disabled": True}
            elif what == "enable":
                changes = {"disabled": False}
            elif what == "require-totp":
                changes = {"totp_required": True}
            elif what == "no-totp":
                changes = {"totp_required": False}
            elif what == "reset":
                password = security.one_time_password()
                changes = {"password_hash": security.hash_password(password), "must_change": True, "totp_secret": None}
                created = (target.name, password)
            elif what == "role" and ctx.field("role") in security.ROLES and target.id != ctx.user.id:
                changes = {"role": ctx.field("role")}
            if changes:
                with dbs.console.begin() as conn:
                    conn.execute(update(users).where(users.c.id == uid).values(**changes))
                if what in ("disable", "reset", "role"):
                    security.end_user_sessions(dbs.console, uid)
                ctx.audit("user changed", target=f"user:{target.name}", detail=what)
    with dbs.console.connect() as conn:
        rows = conn.execute(select(users).order_by(users.c.name)).fetchall()
    return ctx.render("users.html", rows=rows, created=created, error=error, roles=security.ROLES)


@page(role="admin")
def admin_audit(ctx: Ctx):
    query = select(audit).order_by(audit.c.id.desc()).limit(200)
    if ctx.arg("before").isdigit():
        query = query.where(audit.c.id < int(ctx.arg("before")))
    if ctx.arg("q"):
        like = f"%{ctx.arg('q')}%"
        query = query.where(audit.c.action.ilike(like) | audit.c.target.ilike(like) | audit.c.user_name.ilike(like))
    with ctx.state.dbs.console.connect() as conn:
        rows = conn.execute(query).fetchall()
    ctx.audit("viewed audit log")
    return ctx.render("audit.html", rows=rows, q=ctx.arg("q"))


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
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error, Exception: server_error})
    app.state.dbs = dbs
    app.state.hours = hours
    app.state.queue = Queue(dbs, hours)
    app.state.review = Review(dbs)
    app.state.ingester = Ingester(dbs, hours)
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), autoescape=select_autoescape(["html"]))
    env.filters["vt"] = _vancouver
    env.filters["pct"] = lambda v: "—" if v is None else f"{v * 100:.0f}%"
    env.filters["mask"] = mask
    env.filters.update(display.filters())
    app.state.templates = env
    if background:
        from console.ingest import Background
        app.state.background = Background(app.state.ingester, float(os.environ.get("CONSOLE_INGEST_SECONDS", 3)))
        app.state.background.start()
    app.add_middleware(Headers)
    return app


def _vancouver(value, fmt: str = "%a %b %d, %I:%M %p") -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, (int, float)):
        dt = datetime.fromtimestamp(value, config.TZ)
    else:
        dt = config.local(value)
    return dt.strftime(fmt).replace(" 0", " ")
