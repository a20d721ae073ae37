"""The answers page (admin only): FAQ answers and scoped replies, web and SMS text, beside their page passage.

Edits are saved as draft versions of kind "answers" in the content store (clinic/content_store.py):
the body holds only the overridden responses, every version is kept with its author and note. A draft
reaches patients only when a release is published (/admin/publish sets it live); the Rasa servers read
the live version (nlg/localised.py). Emergency and crisis texts, and the call-back form's questions,
are shown here but cannot be changed: no form, and a POST is refused.
"""
from typing import Any, Dict
from urllib.parse import urlencode

from starlette.routing import Route

from clinic import answer_catalogue, content_store
from console import config
from console.web import Ctx, Denied, Redirect, page

GROUPS = (("faq", "FAQ answers"), ("scoped", "Other replies"),
          ("form", "Call-back form questions (read-only)"), ("safety", "Emergency and crisis texts (read-only)"))


def store():
    """The content store's engine: $CLINIC_CONTENT_DB_URL, else the call-back database."""
    url = config.content_url()
    if not url:
        raise Denied(503, "Answer texts cannot be saved: the content store is switched off "
                          "(CLINIC_CONTENT_DB_URL). Tell the administrator.")
    return content_store.engine(url)


def _versions(eng):
    """(draft version or None, live version or None): the newest saved one, and the published one."""
    return (content_store.latest_version(eng, content_store.ANSWERS),
            content_store.live_answers_version(eng))


def _body(version) -> Dict[str, Any]:
    return (version or {}).get("body") or {}


def _state(draft: Dict[str, Any], live: Dict[str, Any]) -> Dict[str, str]:
    """How one answer stands: in words (never colour alone) and a class for the page's style."""
    if draft["text"] != live["text"] or draft["sms"] != live["sms"]:
        return {"key": "pending", "label": "Draft differs from live"}
    if draft["overridden"]:
        return {"key": "edited", "label": "Live: edited text"}
    return {"key": "shipped", "label": "Live: shipped text"}


@page(role="admin")
def answers_list(ctx: Ctx):
    eng = store()
    draft_version, live_version = _versions(eng)
    drafts = answer_catalogue.effective(_body(draft_version))
    lives = answer_catalogue.effective(_body(live_version))
    catalogue = answer_catalogue.catalogue()
    groups = []
    for key, title in GROUPS:
        rows = []
        for name, answer in catalogue.items():
            if answer.group != key:
                continue
            row = {"answer": answer}
            if answer.editable:
                row.update(draft=drafts[name], live=lives[name], state=_state(drafts[name], lives[name]))
            rows.append(row)
        groups.append({"key": key, "title": title, "rows": rows})
    pending = sum(1 for g in groups for r in g["rows"] if r.get("state", {}).get("key") == "pending")
    return ctx.render("answers.html", groups=groups, draft_version=draft_version, live_version=live_version,
                      pending=pending, languages=answer_catalogue.language_texts())


def _text_field(ctx: Ctx, name: str) -> str:
    """A textarea's value with Windows line ends made plain; ctx.field keeps 1,000 characters, enough
    to tell the writer the text is too long (the limit is lower)."""
    return ctx.field(name).replace("\r\n", "\n").replace("\r", "\n")


def _edit_url(name: str, **extra: Any) -> str:
    return "/admin/answers/edit?" + urlencode({"response": name, **extra})


@page(role="admin")
def answer_edit(ctx: Ctx):
    name = ctx.arg("response") or ctx.field("response")
    answer = answer_catalogue.catalogue().get(name)
    if answer is None:
        raise Denied(404, "There is no such answer.")
    if not answer.editable:
        if ctx.request.method == "POST":
            ctx.audit("denied", target=f"answer:{name}", detail="change to a read-only text refused")
            raise Denied(403, "This text cannot be changed from the console: emergency and crisis texts, "
                              "and the call-back form's questions, are changed only with the assistant's code.")
        languages = answer_catalogue.language_texts() if answer.group == "safety" else []
        return ctx.render("answer_readonly.html", answer=answer, languages=languages)

    eng = store()
    draft_version, live_version = _versions(eng)
    draft_body = dict(_body(draft_version))
    draft = answer_catalogue.effective(draft_body)[name]
    live = answer_catalogue.effective(_body(live_version))[name]
    text, sms, note = draft["text"], draft["sms"], ""
    errors, message, status = [], None, 200
    current_base = str(draft_version["id"]) if draft_version else ""
    base = current_base

    if ctx.request.method == "POST":
        action = ctx.field("action")
        base = ctx.field("base_draft")
        if action in ("save", "revert") and base != current_base:
            # another admin saved a draft since this page was opened: saving now would drop their edit
            status = 409
            ctx.audit("answer refused", target=f"answer:{name}", detail="draft changed meanwhile")
            errors = ["Someone saved another answer draft since you opened this page. Your text is below: "
                      "open the page again to see theirs, then save yours."]
            action = "conflict"
        text, sms, note = _text_field(ctx, "text"), (_text_field(ctx, "sms_text") or None), ctx.field("note")[:300]
        if action == "revert":
            if name not in draft_body:
                message = "This answer already has the shipped text in the draft."
            else:
                draft_body.pop(name)
                vid = content_store.save_version(eng, content_store.ANSWERS, draft_body, ctx.user.name,
                                                 note or f"{name}: back to the shipped text")
                ctx.audit("answer reverted", target=f"answer:{name}", detail=f"answers version {vid}")
                raise Redirect(_edit_url(name, saved=vid))
        elif action == "save":
            errors = answer_catalogue.problems(name, text, sms)
            if errors:
                status = 400
                ctx.audit("answer refused", target=f"answer:{name}", detail="; ".join(errors)[:300])
            elif text == draft["text"] and sms == draft["sms"]:
                message = "Nothing changed: no new version saved."
            else:
                if text == answer.text and sms in (None, answer.sms):
                    draft_body.pop(name, None)  # the shipped text: no override to keep
                else:
                    draft_body[name] = {"text": text, "sms": sms}
                vid = content_store.save_version(eng, content_store.ANSWERS, draft_body, ctx.user.name,
                                                 note or f"{name} edited")
                ctx.audit("answer saved", target=f"answer:{name}", detail=f"answers version {vid}")
                raise Redirect(_edit_url(name, saved=vid))
        elif action == "preview":
            errors = answer_catalogue.problems(name, text, sms)
        elif action == "conflict":
            pass
        else:
            raise Denied(400, "Unknown action.")
    elif ctx.arg("saved").isdigit():
        message = f"Saved as draft version {ctx.arg('saved')}. It reaches patients when you publish."

    preview = answer_catalogue.preview(name, text, sms) if text.strip() else None
    recent = content_store.history(eng, content_store.ANSWERS, limit=10)
    return ctx.render("answer_edit.html", status=status, refused=status in (400, 409), base_draft=base, answer=answer, text=text, sms=sms or "", note=note,
                      errors=errors, message=message, preview=preview, draft=draft, live=live,
                      state=_state(draft, live), draft_version=draft_version, live_version=live_version,
                      recent=recent, touched=_touched(recent, name), max_text=answer_catalogue.MAX_TEXT)


def _touched(recent, name: str) -> set:
    """Ids of the listed versions (newest first) that changed this answer, so the history reads usefully."""
    ids, older = set(), None
    for version in reversed(recent):
        mine = (version.get("body") or {}).get(name)
        if mine != older:
            ids.add(version["id"])
        older = mine
    return ids


ROUTES = [
    Route("/admin/answers", answers_list),
    Route("/admin/answers/edit", answer_edit, methods=["GET", "POST"]),
]
