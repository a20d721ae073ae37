"""Insights: the charts over a date range, each linked to the conversations behind it."""
from datetime import datetime, timedelta

from console import charts, config, languages, missed, views
from console.review import topic_name
from console.web import Ctx, page


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
