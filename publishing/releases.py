"""Release rows, the live model, publish and roll back. No Rasa here: the console (its own venv) imports it.

The live model is the content store's `content_live['release']`. Before anything was published the
servers run the newest models/*.tar.gz (or $BASE_MODEL); it is registered as a release ("initial")
so a roll back can return to it, but it is not made live: the model server answers 204 and each
server keeps the model it started with (a developer's `make train` still takes effect).
"""
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Dict, List, Optional

from sqlalchemy import select

from clinic import content_store as store
from clinic.file_hash import sha256_file

ROOT = Path(__file__).resolve().parent.parent
ROLLBACK_CHOICES = 5
RUNNING = ("training", "checking")
STALE_AFTER = timedelta(hours=2)  # a worker that never finished (machine restarted): not "running" for ever
_hashes: Dict[tuple, str] = {}


def releases_dir() -> Path:
    path = Path(os.environ.get("RELEASES_DIR") or "var/releases")
    return path if path.is_absolute() else ROOT / path


def assistant_python() -> str:
    """The main venv's python (Rasa): the console's own venv has no Rasa."""
    path = Path(os.environ.get("ASSISTANT_PYTHON") or ".venv/bin/python")
    return str(path if path.is_absolute() else ROOT / path)


def file_sha256(path) -> str:
    stat = os.stat(path)
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _hashes:  # a 20 MB model: hashed once per file version, not on every page view
        _hashes[key] = sha256_file(path)
    return _hashes[key]


def base_model() -> Optional[Path]:
    """The model the servers start with: $BASE_MODEL, else the newest models/*.tar.gz."""
    if os.environ.get("BASE_MODEL"):
        path = Path(os.environ["BASE_MODEL"])
        return path if path.is_file() else None
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    return models[-1] if models else None


def _first(eng, *where) -> Optional[dict]:
    t = store.releases
    with eng.connect() as conn:
        row = conn.execute(select(t.c.id).where(*where).order_by(t.c.id.desc()).limit(1)).first()
    return store.release(eng, row[0]) if row else None


def ensure_initial(eng) -> Optional[dict]:
    """The servers' starting model as a release (once per model file)."""
    path = base_model()
    if path is None:
        return None
    sha = file_sha256(path)
    found = _first(eng, store.releases.c.model_sha256 == sha)
    if found:
        return found
    from publishing.inputs import trained_hash  # no Rasa: only files and hashes
    now = store.utcnow()
    rid = store.add_release(eng, "system", note="initial: the model the servers started with", status="passed",
                            progress="started with the servers", model_file=str(path), model_sha256=sha,
                            data_sha256=trained_hash(path), answers_version=store.live_ref(eng, store.ANSWERS),
                            finished_at=now, published_at=now)
    return store.release(eng, rid)


def live(eng) -> Optional[dict]:
    """The release the servers run: the published one, else the initial model."""
    return store.live_release(eng) or ensure_initial(eng)


def reusable(eng, data_sha256: str, exclude: int) -> Optional[dict]:
    """A release trained on exactly these inputs whose model file is still there."""
    t = store.releases
    with eng.connect() as conn:
        ids = conn.execute(select(t.c.id).where(t.c.data_sha256 == data_sha256, t.c.id != exclude,
                                                t.c.model_file.is_not(None)).order_by(t.c.id.desc())).scalars().all()
    for rid in ids:
        found = store.release(eng, rid)
        if found["model_file"] and Path(found["model_file"]).is_file() and found["model_sha256"]:
            return found
    return None


def running(eng) -> Optional[dict]:
    """The candidate being trained or checked now (one at a time); a stale one is marked stopped."""
    found = _first(eng, store.releases.c.status.in_(RUNNING))
    if found and store.utcnow() - found["created_at"] > STALE_AFTER:
        store.update_release(eng, found["id"], status="error", progress="stopped: the worker never finished",
                             finished_at=store.utcnow())
        return None
    return found


def start(eng, author: str, note: str = "") -> int:
    """A new candidate with the newest answers draft; its worker runs detached."""
    if running(eng):
        raise ValueError("A candidate is already being trained or checked. Wait for it to finish.")
    if store.live_ref(eng, store.RELEASE) is None:
        ensure_initial(eng)  # before the first publish only: the servers' starting model, to return to
    draft = store.latest_version(eng, store.ANSWERS)
    rid = store.add_release(eng, author, note=note, status="training", progress="waiting to start",
                            answers_version=draft["id"] if draft else None)
    spawn(rid)
    return rid


def log_path(release_id: int) -> Path:
    """Beside the release's own files, so two stores (a test's, the clinic's) never share a log."""
    return releases_dir() / str(int(release_id)) / "publish.log"


def spawn(release_id: int) -> None:
    log = log_path(release_id)
    log.parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2",
           "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "PYTHONHASHSEED": "0",
           "CLINIC_CONTENT_DB_URL": store.url_from_env() or "off"}  # the very store the console wrote the row to
    with log.open("ab") as out:
        subprocess.Popen([assistant_python(), "-m", "publishing", "run", str(int(release_id))], cwd=ROOT, env=env,
                         stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                         close_fds=True)


def _make_live(eng, chosen: dict, author: str) -> None:
    # answers first, then the model: both are read within seconds; 0 = the domain's own answers
    store.set_live(eng, store.ANSWERS, chosen["answers_version"] or 0, author)
    store.set_live(eng, store.RELEASE, chosen["id"], author)


def publish(eng, release_id: int, author: str) -> dict:
    chosen = store.release(eng, release_id)
    if chosen is None:
        raise LookupError("No such candidate.")
    if chosen["status"] != "passed" or not chosen["model_file"]:
        raise ValueError("This candidate did not pass every check, so it cannot be published.")
    if not Path(chosen["model_file"]).is_file() or file_sha256(chosen["model_file"]) != chosen["model_sha256"]:
        raise ValueError("This candidate's model file is missing or changed on disk; train a new candidate.")
    _make_live(eng, chosen, author)
    if not chosen["published_at"]:
        store.update_release(eng, release_id, published_at=store.utcnow())
    return store.release(eng, release_id)


def rollback_choices(eng) -> List[dict]:
    """The last five published models, newest first (the live one among them)."""
    t = store.releases
    with eng.connect() as conn:
        ids = conn.execute(select(t.c.id).where(t.c.published_at.is_not(None))
                           .order_by(t.c.published_at.desc(), t.c.id.desc()).limit(ROLLBACK_CHOICES)).scalars().all()
    return [store.release(eng, rid) for rid in ids]


def rollback(eng, release_id: int, author: str) -> dict:
    if release_id not in [r["id"] for r in rollback_choices(eng)]:
        raise ValueError("Only the last five published models can be returned to.")
    chosen = store.release(eng, release_id)
    if not chosen["model_file"] or not Path(chosen["model_file"]).is_file():
        raise ValueError("That model's file is no longer on this machine.")
    if file_sha256(chosen["model_file"]) != chosen["model_sha256"]:  # else every server would refuse it
        raise ValueError("That model's file has changed since it was published; it cannot be returned to.")
    _make_live(eng, chosen, author)
    return chosen


if __name__ == "__main__":  # pragma: no cover - a quick look from a shell
    print(live(store.engine()), file=sys.stderr)
