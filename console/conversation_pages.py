"""The conversations: the list (filters, search, paging) and one conversation's transcript."""
from urllib.parse import urlencode

from console import languages, missed, views
from console.review import topic_name
from console.web import Ctx, Denied, page


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
