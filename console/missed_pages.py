"""Missed emergencies: marking (and un-marking) a patient message, the list and its CSV download."""
from datetime import datetime

from starlette.responses import Response

from console import config, missed, views
from console.web import Ctx, Denied, Redirect, page


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
