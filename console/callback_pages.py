"""Today (the start page) and the call-back queue: list, live rows, detail, actions, deletion on
the patient's request, CSV export."""
from datetime import datetime
from urllib.parse import quote

from starlette.responses import JSONResponse, Response

from console import config, missed, views
from console.web import Ctx, Denied, Redirect, page


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
