"""One candidate, in the background: labels checked, model trained (or reused), gate run; progress and
the report written to its releases row as it goes. Started by the console:
    .venv/bin/python -m publishing run <release_id>     (output in <RELEASES_DIR>/<id>/publish.log)
"""
import logging
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Optional

from clinic import answer_catalogue, content_store as store
from publishing import answers, gate, inputs, releases

logger = logging.getLogger("publishing")
TRAIN_TIMEOUT = 3600


class Progress:
    """Progress lines in the releases row (what the console page shows), at most every second."""

    def __init__(self, eng, release_id: int):
        self.eng, self.release_id, self.last = eng, release_id, 0.0

    def __call__(self, text: str, force: bool = True, **values) -> None:
        if force or time.monotonic() - self.last >= 1.0:
            store.update_release(self.eng, self.release_id, progress=text[:300], **values)
            self.last = time.monotonic()
            logger.info("release %s: %s", self.release_id, text)


def _usual_training_seconds(eng) -> Optional[float]:
    for r in store.recent_releases(eng, 20):
        seconds = ((r.get("report") or {}).get("seconds") or {}).get("training")
        if seconds:
            return seconds
    return None


def train(data_dir: Path, out: Path, name: str, progress: Progress, usual: Optional[float]) -> Path:
    command = [sys.executable, "-m", "rasa", "train", "--data", str(data_dir), "--config", "config.yml",
               "--domain", "domain.yml", "--out", str(out), "--fixed-model-name", name, "--num-threads", "2"]
    started = time.monotonic()
    hint = f" (usually about {usual / 60:.0f} min)" if usual else ""
    process = subprocess.Popen(command, cwd=releases.ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, errors="replace")
    tail = []

    def copy_output():  # Rasa's own output goes to the log; the page shows the time taken
        for line in process.stdout:
            sys.stdout.write(line)
            tail.append(line.rstrip())
            del tail[:-20]
    reader = threading.Thread(target=copy_output, daemon=True)
    reader.start()
    while process.poll() is None:
        progress(f"training the model: {time.monotonic() - started:.0f} s so far{hint}", force=False)
        if time.monotonic() - started > TRAIN_TIMEOUT:
            process.kill()
        time.sleep(1)
    reader.join(timeout=5)
    if process.wait() != 0:
        raise RuntimeError("rasa train failed: " + " | ".join(tail[-3:])[:200])
    model = out / f"{name}.tar.gz"
    if not model.is_file():
        raise RuntimeError("rasa train made no model")
    return model


def run(release_id: int) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    eng = store.engine()
    row = store.release(eng, release_id)
    if row is None:
        logger.error("no release %s", release_id)
        return 2
    progress = Progress(eng, release_id)
    started = time.monotonic()
    seconds = {}
    try:
        progress("preparing the training data")
        work = releases.releases_dir() / str(release_id)
        data_dir = inputs.build_training_dir(work)
        data_sha = inputs.training_hash(data_dir)
        labelled = inputs.labelled_examples(data_dir / inputs.REVIEWED_NAME)
        harmful = inputs.harmful_labels(labelled)
        draft = store.version(eng, row["answers_version"]) if row["answers_version"] else None
        # the answers are checked again as a whole (the console checked each on save; the shipped texts may
        # have changed since, e.g. a 911 added that an older override would drop)
        bad_answers = answer_catalogue.body_problems(draft["body"]) if draft else {}
        if harmful or bad_answers:
            failures = [inputs.refusal({**h, "text": gate.mask(h["text"])}) for h in harmful]
            failures += [f"Answer {name}: {' '.join(why)}" for name, why in sorted(bad_answers.items())]
            report = {"passed": False, "failures": failures, "figures": {},
                      "changes": [], "refused_labels": [{"text": gate.mask(h["text"]), "label": h["label"],
                                                         "kind": h["kind"]} for h in harmful]}
            what = (f"{len(harmful)} staff label(s) would answer an emergency wrongly" if harmful
                    else f"{len(bad_answers)} answer text(s) cannot be sent")
            store.update_release(eng, release_id, status="refused", data_sha256=data_sha, report=report,
                                 progress=f"refused: {what}", finished_at=store.utcnow())
            return 1

        too_long = answers.sms_too_long(answers.candidate(answers.domain_responses(), draft and draft["body"]))

        reused = releases.reusable(eng, data_sha, exclude=release_id)
        if reused:
            model, sha = Path(reused["model_file"]), reused["model_sha256"]
            progress(f"same training data as release {reused['id']}: its model is reused, no training needed")
        else:
            t0 = time.monotonic()
            model = train(data_dir, work, f"release-{release_id}", progress, _usual_training_seconds(eng))
            seconds["training"] = round(time.monotonic() - t0, 1)
            sha = releases.file_sha256(model)
        store.update_release(eng, release_id, status="checking", model_file=str(model), model_sha256=sha,
                             data_sha256=data_sha, progress="checking against the floors")

        live = releases.live(eng)
        live_model = live["model_file"] if live and live["model_file"] and Path(live["model_file"]).is_file() else None
        report = gate.run(str(model), live_model, labelled, data_dir, too_long, progress)
        report["seconds"] = {**report.get("seconds", {}), **seconds, "total": round(time.monotonic() - started, 1)}
        report["live_release"] = live["id"] if live else None
        if reused:
            report["reused_from"] = reused["id"]
        status = "passed" if report["passed"] else "failed"
        store.update_release(eng, release_id, status=status, report=report, finished_at=store.utcnow(),
                             progress="passed every check: ready to publish" if report["passed"] else
                             f"failed {len(report['failures'])} check(s): it cannot be published")
        return 0 if report["passed"] else 1
    except Exception as error:  # the page says it stopped; the log has the details
        logger.exception("release %s stopped", release_id)
        store.update_release(eng, release_id, status="error", finished_at=store.utcnow(),
                             progress=f"stopped by an error ({type(error).__name__}); see {releases.log_path(release_id)}")
        return 2


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) != 2 or argv[0] != "run" or not argv[1].isdigit():
        print("usage: python -m publishing run <release_id>", file=sys.stderr)
        return 2
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    return run(int(argv[1]))
