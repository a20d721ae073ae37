"""The clinic settings page (admin only): every fact of clinic.yml, checked, previewed, versioned.

A save stores the whole body as a new settings version (clinic/content_store.py, one INSERT), which every
Rasa and action server reads on its next message (clinic.config.load, refreshed every 2 s). Nothing is
overwritten: a restore saves an old body again as a new version. Every save and restore is audited with
the names of the fields changed, never their values (phone numbers, emails).
"""
import importlib.util
import logging
from datetime import datetime
from typing import Any, Dict, List, Optional

from sqlalchemy import select
from starlette.routing import Route

from clinic import config as clinic_config
from clinic import content_store, fact_replies, settings_form
from console import config
from console.web import Ctx, Denied, Redirect, page

logger = logging.getLogger("console")
SETTINGS = content_store.SETTINGS
MAX_SEGMENTS = 2  # what every answer is written to fit (channels/sms.py)


def _load_sms_text():
    # by file path: importing the `channels` package would patch Rasa, which the console does not have
    spec = importlib.util.spec_from_file_location("console_sms_text", config.ROOT / "channels" / "sms_text.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


sms_text = _load_sms_text()


def _engine():
    url = config.content_url()
    return content_store.engine(url) if url else None


def _need_store(eng):
    if eng is None:
        raise Denied(503, "Settings cannot be saved here: the content store is switched off "
                          "(CLINIC_CONTENT_DB_URL=off). The assistant reads clinic.yml.")


# -- preview --------------------------------------------------------------------------------------------
def preview(body: Dict[str, Any], live: Dict[str, Any], now: Optional[datetime] = None) -> List[Dict[str, Any]]:
    """Each reply built from the facts, as the web chat and as one SMS, marked when it differs from what
    patients get now."""
    new, old = clinic_config.parse(dict(body)), None
    try:
        old = clinic_config.parse(dict(live))
    except (clinic_config.ClinicConfigError, ValueError, KeyError, TypeError):
        pass  # the live file is broken: every reply counts as changed
    now = now or datetime.now(new.timezone)
    before = {name: message for name, _, message, _ in fact_replies.all_replies(old, now)} if old else {}
    items = []
    for name, asked, message, facts in fact_replies.all_replies(new, now):
        sms = sms_text.render([message])
        count = sms_text.segments(sms)
        items.append({
            "name": name, "asked": asked, "text": message["text"],
            "buttons": [b["title"] for b in message.get("buttons") or []],
            "changed": before.get(name) != message, "facts": facts,
            "sms": sms, "chars": len(sms), "encoding": "GSM-7" if set(sms) <= sms_text.GSM7 else "UCS-2 (Unicode)",
            "segments": count, "too_long": count > MAX_SEGMENTS,
        })
    return items


# -- the form ----------------------------------------------------------------------------------------------
def _render_form(ctx: Ctx, values: Dict[str, str], body: Dict[str, Any], *, errors=None, items=None, changes=None,
                 saved=None, notice=None, base_version=None, status=200):
    flagged = settings_form.placeholders(body)
    return ctx.render("settings.html", status=status, fields=settings_form.FIELDS, values=values,
                      errors=errors or {}, items=items, changes=changes, saved=saved, notice=notice,
                      placeholders=flagged, base_version=base_version, label=settings_form.label, by_key=settings_form.BY_KEY,
                      groups=GROUPS, store_off=_engine() is None)


GROUPS = [
    ("The clinic", ("name", "short_name", "phone", "email", "address", "parking", "booking_url")),
    ("Opening hours", tuple(f"hours_{d}" for d in settings_form.DAYS) + ("holidays",)),
    ("Fees and insurance", ("fees", "insurance")),
    ("Questions the clinic answers", settings_form.QUESTION_KEYS + ("clinic_questions_confirmed",)),
    ("Behind the scenes", ("front_desk_email", "nurse_line", "retention_days")),
]


@page(role="admin")
def settings(ctx: Ctx):
    eng = _engine()
    latest = content_store.latest_version(eng, SETTINGS) if eng is not None else None
    live = latest["body"] if latest else settings_form.from_clinic_yml()
    live_id = latest["id"] if latest else None
    if ctx.request.method != "POST":
        saved = ctx.arg("saved")
        return _render_form(ctx, settings_form.to_form(live), live, base_version=live_id,
                            saved=int(saved) if saved.isdigit() else None)

    form = {key: value for key, value in ctx.form.items() if isinstance(value, str)}
    body = settings_form.from_form(form, live)
    values = {f.key: form.get(f.key, "").strip() for f in settings_form.FIELDS}
    errors = settings_form.validate(body)
    changes = settings_form.diff(live, body)
    action = ctx.field("action")
    note = " ".join(ctx.field("note").split())[:300]
    values["note"] = note
    # the version this form was opened on: a save over someone else's newer version is refused
    base = int(form["base_version"]) if form.get("base_version", "").isdigit() else None
    if errors:
        return _render_form(ctx, values, body, errors=errors, changes=changes, base_version=base, status=400)
    if action != "save":
        return _render_form(ctx, values, body, items=preview(body, live), changes=changes, base_version=base)
    _need_store(eng)
    if "base_version" in form and base != live_id:
        errors = {"_form": f"Someone saved version {live_id} while you were editing, so nothing was saved. "
                           "The changes below are yours against that version: check them, then save again."}
        return _render_form(ctx, values, body, errors=errors, changes=changes, base_version=live_id, status=409)
    if not changes:
        return _render_form(ctx, values, body, changes=changes, base_version=live_id,
                            notice="Nothing has changed, so no new version was saved.")
    version_id = content_store.save_version(eng, SETTINGS, body, ctx.user.name, note)
    ctx.audit("settings saved", target=f"settings:v{version_id}",
              detail=("changed: " + ", ".join(key for key, _, _ in changes))[:300])
    raise Redirect(f"/admin/settings?saved={version_id}")


# -- versions ----------------------------------------------------------------------------------------------
def _previous(eng, version_id: int) -> Optional[Dict[str, Any]]:
    table = content_store.versions
    with eng.connect() as conn:
        row = conn.execute(select(table.c.id).where(table.c.kind == SETTINGS, table.c.id < version_id)
                           .order_by(table.c.id.desc()).limit(1)).first()
    return content_store.version(eng, row[0]) if row else None


def _settings_version(eng, raw: str) -> Dict[str, Any]:
    found = content_store.version(eng, int(raw)) if raw.isdigit() and len(raw) < 10 else None
    if found is None or found["kind"] != SETTINGS:
        raise Denied(404, "There is no such settings version.")
    return found


@page(role="admin")
def settings_versions(ctx: Ctx):
    eng = _engine()
    _need_store(eng)
    rows = content_store.history(eng, SETTINGS, limit=51)
    shown = rows[:50]
    listed = []
    for i, row in enumerate(shown):
        before = rows[i + 1]["body"] if i + 1 < len(rows) else (settings_form.from_clinic_yml() if len(rows) < 51
                                                                  else None)
        listed.append({**row, "changed": [settings_form.label(k) for k, _, _ in settings_form.diff(before, row["body"])]
                       if before is not None else None})
    same = ctx.arg("same")
    return ctx.render("settings_versions.html", rows=listed, live_id=shown[0]["id"] if shown else None,
                      same=int(same) if same.isdigit() else None)


@page(role="admin")
def settings_version(ctx: Ctx):
    eng = _engine()
    _need_store(eng)
    found = _settings_version(eng, ctx.request.path_params["vid"])
    previous = _previous(eng, found["id"])
    before = previous["body"] if previous else settings_form.from_clinic_yml()
    latest = content_store.latest_version(eng, SETTINGS)
    changes = [(settings_form.label(k), old, new) for k, old, new in settings_form.diff(before, found["body"])]
    return ctx.render("settings_version.html", v=found, previous=previous, changes=changes,
                      is_live=latest is not None and latest["id"] == found["id"],
                      placeholders=[settings_form.label(k) for k in settings_form.placeholders(found["body"])])


@page(role="admin")
def settings_restore(ctx: Ctx):
    eng = _engine()
    _need_store(eng)
    found = _settings_version(eng, ctx.request.path_params["vid"])
    latest = content_store.latest_version(eng, SETTINGS)
    errors = settings_form.validate(found["body"])
    if errors:  # the rules may have tightened since it was saved
        raise Denied(400, f"Version {found['id']} cannot be restored as it is: "
                          + " ".join(errors.values())[:400] + " Edit the settings instead.")
    changes = settings_form.diff(latest["body"] if latest else None, found["body"])
    if latest is not None and not changes:
        raise Redirect(f"/admin/settings/versions?same={found['id']}")
    version_id = content_store.save_version(eng, SETTINGS, found["body"], ctx.user.name,
                                            f"Restored version {found['id']}")
    ctx.audit("settings restored", target=f"settings:v{version_id}",
              detail=(f"from v{found['id']}; changed: " + ", ".join(k for k, _, _ in changes))[:300])
    raise Redirect(f"/admin/settings?saved={version_id}")


ROUTES = [
    Route("/admin/settings", settings, methods=["GET", "POST"]),
    Route("/admin/settings/versions", settings_versions),
    Route("/admin/settings/versions/{vid}", settings_version),
    Route("/admin/settings/versions/{vid}/restore", settings_restore, methods=["POST"]),
]
