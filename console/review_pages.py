"""Unanswered questions (and answers given unsure): the grouped list and staff labels."""
from datetime import datetime, timedelta

from console import config, views
from console.review import LABELS, topic_name
from console.web import Ctx, Denied, Redirect, page


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
