"""Administration: staff accounts and the audit log (admins only)."""
from sqlalchemy import select, update

from console import security
from console.db import audit, users
from console.web import Ctx, Denied, page


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
