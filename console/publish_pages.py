"""Publish (admin only): train a candidate, gate it, release it to every Rasa server, roll back; and the model server.

The training and the gate run in the assistant's venv (publishing/worker.py, detached); this page starts
them, shows their progress and report, and moves `content_live` (release + answers). Every Rasa server
pulls the live model from GET /model/live (Rasa's model server protocol: token, ETag / If-None-Match).
"""
import hmac
import os
from pathlib import Path

from sqlalchemy import select
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Route

from clinic import content_store as store
from console import config
from console.db import audit
from console.review import topic_name
from console.web import Ctx, Denied, Redirect, page
from publishing import releases
from publishing.inputs import labelled_examples, reviewed_file

STATUS_TEXT = {"training": "Training", "checking": "Checking", "passed": "Passed", "failed": "Failed",
               "refused": "Refused", "error": "Stopped by an error"}
FINISHED_AUDIT = {"passed": "candidate passed", "failed": "candidate failed", "refused": "candidate refused",
                  "error": "candidate stopped"}


def content_engine():
    url = config.content_url()
    if not url:
        raise Denied(503, "Publishing needs the shared content database, which is turned off here.")
    return store.engine(url)


def _record_finished(ctx: Ctx, rows) -> None:
    """The worker cannot write the console's audit log (other venv): the first look at a finished
    candidate records its outcome, once."""
    for row in rows:
        action = FINISHED_AUDIT.get(row["status"])
        if not action:
            continue
        target = f"release:{row['id']}"
        with ctx.state.dbs.console.connect() as conn:
            seen = conn.scalar(select(audit.c.id).where(audit.c.target == target, audit.c.action == action).limit(1))
        if not seen:
            failures = (row.get("report") or {}).get("failures") or []
            ctx.audit(action, target=target, user="system",
                      detail=(f"{len(failures)} check(s) failed" if failures else row["progress"] or "")[:300])


def _release_or_404(eng, rid: str) -> dict:
    found = store.release(eng, int(rid)) if str(rid).isdigit() else None
    if found is None:
        raise Denied(404, "No such candidate.")
    return found


@page(role="admin")
def publish_home(ctx: Ctx):
    eng = content_engine()
    live = releases.live(eng)
    rows = store.recent_releases(eng, 15)
    _record_finished(ctx, rows)
    draft = store.latest_version(eng, store.ANSWERS)
    labels = labelled_examples(reviewed_file())
    return ctx.render("publish.html", live=live, rows=rows, running=releases.running(eng),
                      choices=releases.rollback_choices(eng), draft=draft, status_text=STATUS_TEXT,
                      label_count=len(labels), live_answers=store.live_ref(eng, store.ANSWERS),
                      message=ctx.arg("done"))


@page(role="admin")
def publish_start(ctx: Ctx):
    eng = content_engine()
    try:
        rid = releases.start(eng, ctx.user.name, note=ctx.field("note")[:300])
    except ValueError as error:
        raise Denied(409, str(error))
    ctx.audit("candidate started", target=f"release:{rid}", detail=(ctx.field("note") or "")[:300])
    raise Redirect(f"/admin/publish/{rid}")


@page(role="admin")
def publish_detail(ctx: Ctx):
    eng = content_engine()
    row = _release_or_404(eng, ctx.request.path_params["rid"])
    _record_finished(ctx, [row])
    live = releases.live(eng)
    return ctx.render("publish_release.html", row=row, live=live, status_text=STATUS_TEXT,
                      report=row.get("report") or {}, is_live=bool(live and live["id"] == row["id"]),
                      message=ctx.arg("done"), topic=topic_name)


@page(role="admin")
def publish_progress(ctx: Ctx):
    eng = content_engine()
    row = _release_or_404(eng, ctx.request.path_params["rid"])
    _record_finished(ctx, [row])
    return JSONResponse({"id": row["id"], "status": row["status"], "status_text": STATUS_TEXT.get(row["status"]),
                         "progress": row["progress"], "finished": row["status"] not in releases.RUNNING})


@page(role="admin")
def publish_release(ctx: Ctx):
    eng = content_engine()
    row = _release_or_404(eng, ctx.request.path_params["rid"])
    try:
        releases.publish(eng, row["id"], ctx.user.name)
    except (ValueError, LookupError) as error:
        ctx.audit("publish refused", target=f"release:{row['id']}", detail=str(error)[:300])
        raise Denied(409, str(error))
    ctx.audit("published", target=f"release:{row['id']}",
              detail=f"model {row['model_sha256'][:12]}, answers version {row['answers_version'] or 'domain'}")
    raise Redirect(f"/admin/publish?done=published-{row['id']}")


@page(role="admin")
def publish_rollback(ctx: Ctx):
    eng = content_engine()
    row = _release_or_404(eng, ctx.request.path_params["rid"])
    try:
        releases.rollback(eng, row["id"], ctx.user.name)
    except ValueError as error:
        raise Denied(409, str(error))
    ctx.audit("rolled back", target=f"release:{row['id']}",
              detail=f"model {row['model_sha256'][:12]}, answers version {row['answers_version'] or 'domain'}")
    raise Redirect(f"/admin/publish?done=rolled-back-{row['id']}")


# -- the model server (Rasa's `models:` endpoint) -----------------------------------------------------
def _token_ok(given: str) -> bool:
    token = os.environ.get("MODEL_SERVER_TOKEN", "")
    return bool(token) and hmac.compare_digest(token.encode(), (given or "").encode())


def _live_model():
    row = store.live_release(content_engine())
    if not row or not row["model_file"] or not Path(row["model_file"]).is_file():
        return None
    return row


async def model_live(request: Request):
    """204: nothing published (servers keep their own model); 304: they have it; 200: the file."""
    if not _token_ok(request.query_params.get("token", "")):
        return Response(status_code=401)
    try:
        row = await run_in_threadpool(_live_model)
    except Denied:
        return Response(status_code=204)
    if row is None:
        return Response(status_code=204)
    etag = row["model_sha256"]
    asked = (request.headers.get("if-none-match") or "").replace("W/", "").strip().strip('"')
    if asked == etag:
        return Response(status_code=304, headers={"ETag": etag})
    name = os.path.basename(row["model_file"])
    return FileResponse(row["model_file"], media_type="application/gzip", headers={"ETag": etag, "filename": name})


ROUTES = [
    Route("/admin/publish", publish_home),
    Route("/admin/publish/start", publish_start, methods=["POST"]),
    Route("/admin/publish/{rid}", publish_detail),
    Route("/admin/publish/{rid}/progress", publish_progress),
    Route("/admin/publish/{rid}/publish", publish_release, methods=["POST"]),
    Route("/admin/publish/{rid}/rollback", publish_rollback, methods=["POST"]),
    Route("/model/live", model_live),
]
