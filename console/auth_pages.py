"""Signing in (password, then the two-factor code when the account has one), signing out, and the
user's own account page (password change, two-factor set-up)."""
import secrets
from urllib.parse import urlencode

import pyotp
from sqlalchemy import func, select, update
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse

from console import config, security
from console.db import users
from console.web import LOGIN_COOKIE, Ctx, Denied, Redirect, page, session_cookie


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
