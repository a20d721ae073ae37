"""Publishing under load: the benchmark's 20 patients keep talking while a new model goes live.

    python bench/publish_swap.py [--patients 20] [--before 40] [--after 40]

Starts the production configuration (tests/console/cluster.py: PostgreSQL, Redis, one action server,
two Rasa servers pulling their model from the console), runs bench/run.py's mix of conversations
(FAQ questions, booking forms, fallbacks; each patient pausing 2-5 s) spread over both Rasa servers
as a load balancer would, and, after `--before` seconds, publishes a release: a copy of the live
model re-packed so its sha256 differs (same answers, so any failure is the swap's). Every message's
latency and outcome is kept; the table shows failed or empty replies (must be 0) and p50/p95/max
before, during (publish until both servers run the new model) and after the swap.
Writes results/publish_swap.json.
"""
import argparse
import gzip
import hashlib
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.run import conversation, pct  # noqa: E402
from tests.console.cluster import Cluster, serving  # noqa: E402


class Load:
    """bench/run.py's patients, each message to the next server in turn (round robin, shared tracker store)."""

    def __init__(self, urls, patients):
        self.urls, self.patients = urls, patients
        self.records = []  # (sent at, seconds, ok, server)
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.turn = 0

    def send(self, sender, text):
        with self.lock:
            server, self.turn = self.turn % len(self.urls), self.turn + 1
        start = time.monotonic()
        try:
            response = requests.post(self.urls[server], json={"sender": sender, "message": text}, timeout=60)
            replies = response.json() if response.status_code == 200 else None
            # every turn of this mix gets at least one reply with text: an empty list is a lost answer
            ok = isinstance(replies, list) and any(r.get("text") for r in replies)
        except (requests.RequestException, ValueError):
            ok = False
        with self.lock:
            self.records.append((start, time.monotonic() - start, ok, server))

    def patient(self, seed):
        rng = random.Random(seed)
        time.sleep(rng.uniform(0, 3))
        while not self.stopping.is_set():
            sender = uuid.uuid4().hex
            for text in conversation(rng):
                if self.stopping.is_set():
                    return
                self.send(sender, text)
                self.stopping.wait(rng.uniform(2, 5))

    def start(self):
        self.threads = [threading.Thread(target=self.patient, args=(i,), daemon=True) for i in range(self.patients)]
        for t in self.threads:
            t.start()

    def stop(self):
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=90)


def repacked_copy(model: Path, out_dir: Path) -> Path:
    """The same model, gzip-ed again with another timestamp: same answers, another sha256."""
    out = out_dir / f"swap-{int(time.time())}.tar.gz"
    with gzip.open(model, "rb") as src, gzip.GzipFile(out, "wb", mtime=int(time.time()) + 1) as dst:
        shutil.copyfileobj(src, dst)
    return out


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def summary(records, start, end):
    chosen = [r for r in records if start <= r[0] < end]
    latencies = [r[1] for r in chosen]
    return {"messages": len(chosen), "failed_or_empty": sum(1 for r in chosen if not r[2]),
            "p50_ms": pct(latencies, 50), "p95_ms": pct(latencies, 95),
            "max_ms": max(latencies) * 1000 if latencies else None,
            "seconds": round(end - start, 1)}


def publish_copy(cluster: Cluster, author: str = "bench") -> str:
    """A passed release holding a re-packed copy of the servers' model, made live as the console's
    Publish button does (publishing/releases.py). Returns its sha256."""
    from clinic import content_store as store
    from publishing import releases

    os.environ["BASE_MODEL"] = cluster.model  # the console's "initial" release is the servers' model
    eng = store.engine(cluster.shared["CLINIC_CONTENT_DB_URL"])
    releases.ensure_initial(eng)  # what the console does first: the starting model, to roll back to
    copy = repacked_copy(Path(cluster.model), cluster.workdir / "releases")
    sha = sha256(copy)
    now = store.utcnow()
    rid = store.add_release(eng, author, note="publish_swap benchmark: same model, new sha", status="passed",
                            progress="bench copy", model_file=str(copy), model_sha256=sha, finished_at=now)
    releases.publish(eng, rid, author)
    return sha


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=20)
    parser.add_argument("--before", type=float, default=40, help="seconds of load before the publish")
    parser.add_argument("--after", type=float, default=40, help="seconds of load after both servers swapped")
    parser.add_argument("--swap-timeout", type=float, default=180)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="clinic-publish-swap-"))
    cluster = Cluster(workdir)
    try:
        cluster.start()
        urls = [f"{s.url}/webhooks/rest/webhook" for s in cluster.servers]
        for url in urls:  # warm-up: every kind of turn once on each server
            for text in ["hi", "is this acupuncture?", "blorp zeep", "can someone call me back"]:
                requests.post(url, json={"sender": "warm-" + uuid.uuid4().hex, "message": text}, timeout=60)
        load = Load(urls, args.patients)
        began = time.monotonic()
        load.start()
        time.sleep(args.before)
        published = time.monotonic()
        sha = publish_copy(cluster)
        swapped = {}
        while len(swapped) < 2 and time.monotonic() - published < args.swap_timeout:
            for i, stack in enumerate(cluster.servers):
                if i not in swapped and serving(stack) == sha[:12]:
                    swapped[i] = time.monotonic() - published
            time.sleep(0.2)
        if len(swapped) < 2:
            raise SystemExit(f"only {len(swapped)} of 2 servers swapped within {args.swap_timeout:.0f} s")
        done = published + max(swapped.values()) + 2  # a message already in flight finishes on the old model
        time.sleep(max(0.0, done + args.after - time.monotonic()))
        load.stop()
        ended = time.monotonic()
    finally:
        cluster.stop()
        shutil.rmtree(workdir, ignore_errors=True)  # logs, tracker store, the re-packed model copy

    phases = {"before": summary(load.records, began, published), "during": summary(load.records, published, done),
              "after": summary(load.records, done, ended)}
    result = {"patients": args.patients, "servers": 2, "model_sha256": sha,
              "swap_seconds": {f"server_{'ab'[i]}": round(s, 1) for i, s in sorted(swapped.items())},
              "phases": phases, "failed_or_empty_total": sum(p["failed_or_empty"] for p in phases.values())}
    (ROOT / "results").mkdir(exist_ok=True)
    (ROOT / "results" / "publish_swap.json").write_text(json.dumps(result, indent=2))

    print(f"\nPublishing under load: {args.patients} patients (bench/run.py's mix) over 2 Rasa servers; "
          f"a new model published at {published - began:.0f} s")
    print("swap finished on " + ", ".join(f"server {'ab'[i]} after {s:.1f} s" for i, s in sorted(swapped.items())))
    rows = [("messages", "messages", "{:d}"), ("failed or empty replies", "failed_or_empty", "{:d}"),
            ("p50 (ms)", "p50_ms", "{:.0f}"), ("p95 (ms)", "p95_ms", "{:.0f}"), ("max (ms)", "max_ms", "{:.0f}"),
            ("seconds", "seconds", "{:.1f}")]
    print(f"\n{'':26}" + "".join(f"{name:>12}" for name in phases))
    for label, key, fmt in rows:
        print(f"{label:26}" + "".join(f"{fmt.format(p[key]) if p[key] is not None else '-':>12}"
                                       for p in phases.values()))
    print(f"\nfailed or empty replies in all: {result['failed_or_empty_total']} (must be 0); results/publish_swap.json")
    if result["failed_or_empty_total"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
