"""`make bench`: the assistant's speed and memory, side by side with stock Rasa, in one run.

For each configuration (ours: config.yml; stock: bench/stock_config.yml, the `rasa init`
configuration, trained on the same data) it starts the real action server and Rasa server
and measures, through the REST webhook:
  - model start-up time and the Rasa server's peak memory (VmHWM);
  - one message at a time: median / p95 latency;
  - realistic load: 1, 20 and 100 simulated patients at once, each pausing 2-5 s between
    messages (FAQ questions, a booking conversation, messages that fall back): median / p95 /
    p99 latency and errors;
  - capacity: the message rate is raised until p95 passes 100 ms; the highest rate held, for the
    same mix of conversations and for single FAQ questions.
Both run the same way: by default with two Rasa workers (SANIC_WORKERS=2, one per core on this
machine) sharing a Redis lock store started on loopback; `--workers 1` for a single process.
Writes results/bench.json and results/bench.png. Machines are noisy: compare the ratios.
"""
import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.servers import Stack, newest_model  # noqa: E402

FAQ = ["is this acupuncture?", "will I be sore after?", "whats the twitch thing", "can ims help my sciatica",
       "does it hurt alot", "how many sessions will i need", "is dry needling safe", "what happens at the first visit",
       "can i go to the gym after ims", "who does the needling"]
FALLBACK = ["blorp zeep", "what's the weather tomorrow", "hmm", "can you fix my car"]
BOOKING = ["can someone call me back", "Sam Lee", "604 555 0134", "skip", "any weekday morning",
           "I'm a new patient", "yes", "yes"]


def conversation(rng):
    kind = rng.random()
    if kind < 0.6:
        return ["hi"] + rng.sample(FAQ, 3)
    if kind < 0.85:
        return BOOKING
    return [rng.choice(FALLBACK), rng.choice(FAQ)]


def pct(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))] * 1000 if values else None


def send(url, sender, text, latencies, errors):
    start = time.perf_counter()
    try:
        response = requests.post(url, json={"sender": sender, "message": text}, timeout=30)
        ok = response.status_code == 200 and isinstance(response.json(), list)
    except requests.RequestException:
        ok = False
    latencies.append(time.perf_counter() - start)
    if not ok:
        errors.append(text)


def sequential(url, n=150):
    rng, latencies, errors = random.Random(1), [], []
    while len(latencies) < n:
        sender = uuid.uuid4().hex
        for text in conversation(rng):
            send(url, sender, text, latencies, errors)
    return {"messages": len(latencies), "p50_ms": pct(latencies, 50), "p95_ms": pct(latencies, 95),
            "errors": len(errors)}


def realistic(url, patients, seconds):
    latencies, errors, stop = [], [], time.monotonic() + seconds

    def patient(seed):
        rng = random.Random(seed)
        time.sleep(rng.uniform(0, 3))
        while time.monotonic() < stop:
            sender = uuid.uuid4().hex
            for text in conversation(rng):
                if time.monotonic() >= stop:
                    return
                send(url, sender, text, latencies, errors)
                time.sleep(rng.uniform(2, 5))

    threads = [threading.Thread(target=patient, args=(i,)) for i in range(patients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"patients": patients, "messages": len(latencies), "p50_ms": pct(latencies, 50),
            "p95_ms": pct(latencies, 95), "p99_ms": pct(latencies, 99), "errors": len(errors)}


def capacity(url, seconds=8, limit_ms=100, mix=True):
    """Open-loop load: messages go out at a fixed rate; the highest rate whose p95 stays under
    limit_ms. The rate rises by half each step until p95 passes the limit, then the gap between
    the last rate held and the first one failed is halved four times (about 5% resolution).

    mix=True: the messages are those of whole patient conversations (FAQ questions, booking forms,
    fallbacks), each conversation sending its next message once its previous reply has arrived and
    new conversations starting whenever none is ready; mix=False: single FAQ questions."""
    pool = ThreadPoolExecutor(max_workers=64)
    rng = random.Random(2)
    steps = []

    def holds(rate):
        latencies, errors, ready, lock = [], [], [], threading.Lock()

        def run(sender, messages):
            send(url, sender, messages[0], latencies, errors)
            if len(messages) > 1:
                with lock:
                    ready.append((sender, messages[1:]))

        total = max(1, int(rate * seconds))
        start = time.monotonic()
        for i in range(total):
            time.sleep(max(0.0, start + i / rate - time.monotonic()))
            with lock:
                item = ready.pop(0) if ready else None
            if item is None:
                item = (uuid.uuid4().hex, conversation(rng) if mix else [rng.choice(FAQ)])
            pool.submit(run, *item)
        while len(latencies) < total and time.monotonic() - start < seconds + 30:
            time.sleep(0.05)
        p95 = pct(latencies, 95)
        steps.append({"rate": rate, "p95_ms": p95, "errors": len(errors)})
        time.sleep(2)  # let the server drain before the next step
        return p95 is not None and p95 <= limit_ms and not errors

    held, failed, rate = 0.0, None, 1.0
    while rate <= 400:
        if not holds(rate):
            failed = rate
            break
        held, rate = rate, round(rate * 1.5 + 1)
    for _ in range(4 if failed and held else 0):
        middle = round((held + failed) / 2, 1)
        if failed - held < 1:
            break
        if holds(middle):
            held = middle
        else:
            failed = middle
    pool.shutdown(wait=True)
    return {"held_msgs_per_s": held, "first_failed_msgs_per_s": failed, "steps": steps}


def peak_memory_mb(pid):
    """Peak resident memory (VmHWM) of the Rasa server: the process and its workers, summed."""
    def children(p):
        found = []
        for task in Path(f"/proc/{p}/task").glob("*"):
            try:
                found += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                pass
        return found

    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        todo += children(p)
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            pass
    return total or None


def measure(name, model, quick, workers):
    redis, env, endpoints = None, {}, "endpoints.yml"
    if workers > 1:  # Rasa runs several workers only with a shared lock store
        from tests.backing_services import Redis
        (ROOT / "var" / f"bench-{name}-redis").mkdir(parents=True, exist_ok=True)
        redis = Redis(ROOT / "var" / f"bench-{name}-redis").start()
        env = {**redis.env(), "SANIC_WORKERS": str(workers)}
        endpoints = "bench/endpoints.workers.yml"
    shutil.rmtree(ROOT / "var" / f"bench-{name}", ignore_errors=True)  # a fresh tracker store each run
    stack = Stack(ROOT / "var" / f"bench-{name}", model=model, env=env, endpoints=endpoints)
    stack.start()
    try:
        url = f"{stack.url}/webhooks/rest/webhook"
        for text in FAQ:  # warm-up
            requests.post(url, json={"sender": "warm", "message": text}, timeout=60)
        result = {"model": Path(model).name, "startup_s": round(stack.startup_seconds["rasa"], 1),
                  "sequential": sequential(url, 60 if quick else 150), "realistic": []}
        for patients in ([1, 20] if quick else [1, 20, 100]):
            result["realistic"].append(realistic(url, patients, 20 if quick else 45))
        result["capacity"] = capacity(url, 4 if quick else 8, mix=True)
        result["capacity_faq"] = capacity(url, 4 if quick else 8, mix=False)
        result["peak_memory_mb"] = peak_memory_mb(stack.processes["rasa"].pid)
        result["workers"] = workers
        return result
    finally:
        stack.stop()
        if redis:
            redis.stop()


def stock_model():
    out = ROOT / "models-stock"
    models = sorted(out.glob("*.tar.gz"))
    if models:
        return str(models[-1])
    started = time.monotonic()
    subprocess.run([str(ROOT / ".venv/bin/rasa"), "train", "--config", "bench/stock_config.yml", "--out", str(out),
                    "--fixed-model-name", "stock"], cwd=ROOT, check=True)
    print(f"stock model trained in {time.monotonic() - started:.0f} s")
    return str(sorted(out.glob("*.tar.gz"))[-1])


def plot(results, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, result in results.items():
        xs = [r["patients"] for r in result["realistic"]]
        ax.plot(xs, [r["p50_ms"] for r in result["realistic"]], "o-", label=f"{name} p50")
        ax.plot(xs, [r["p95_ms"] for r in result["realistic"]], "s--", label=f"{name} p95")
    ax.set_xscale("log")
    ax.set_xlabel("patients at once (2-5 s pauses)")
    ax.set_ylabel("REST latency (ms)")
    ax.set_title("Latency against load")
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="shorter runs")
    parser.add_argument("--no-stock", action="store_true", help="skip the stock reference")
    parser.add_argument("--workers", type=int, default=2,
                        help="Rasa server workers, for both configurations (default 2: one per core here; "
                             "more than 1 starts Redis for the lock store)")
    args = parser.parse_args()
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    results = {"ours": measure("ours", newest_model(), args.quick, args.workers)}
    if not args.no_stock:
        results["stock"] = measure("stock", stock_model(), args.quick, args.workers)
    (ROOT / "results").mkdir(exist_ok=True)
    (ROOT / "results" / "bench.json").write_text(json.dumps(results, indent=2))
    plot(results, ROOT / "results" / "bench.png")

    names = list(results)
    rows = [("start-up (s)", lambda r: r["startup_s"]),
            ("peak memory (MB)", lambda r: r["peak_memory_mb"]),
            ("1 at a time p50 (ms)", lambda r: r["sequential"]["p50_ms"]),
            ("1 at a time p95 (ms)", lambda r: r["sequential"]["p95_ms"])]
    for i, level in enumerate(results["ours"]["realistic"]):
        rows += [(f"{level['patients']} patients p50 (ms)", lambda r, i=i: r["realistic"][i]["p50_ms"]),
                 (f"{level['patients']} patients p95 (ms)", lambda r, i=i: r["realistic"][i]["p95_ms"]),
                 (f"{level['patients']} patients p99 (ms)", lambda r, i=i: r["realistic"][i]["p99_ms"]),
                 (f"{level['patients']} patients errors", lambda r, i=i: r["realistic"][i]["errors"])]
    rows.append(("capacity, mix, p95<100ms (msg/s)", lambda r: r["capacity"]["held_msgs_per_s"]))
    rows.append(("capacity, FAQ only (msg/s)", lambda r: r["capacity_faq"]["held_msgs_per_s"]))
    print(f"\n{'':34}" + "".join(f"{n:>12}" for n in names) + ("       ratio" if len(names) == 2 else ""))
    for label, get in rows:
        values = [get(results[n]) for n in names]
        line = f"{label:34}" + "".join(f"{v:12.1f}" if isinstance(v, (int, float)) else f"{'-':>12}" for v in values)
        if "capacity" in label and len(values) == 2 and values[0] and values[1] == 0:
            line += f"{'>' + format(values[0], '.0f'):>12}"  # stock holds not even 1 msg/s
        elif len(values) == 2 and all(isinstance(v, (int, float)) and v for v in values):
            line += f"{values[1] / values[0]:12.2f}" if "capacity" not in label else f"{values[0] / values[1]:12.2f}"
        print(line)
    print(f"\nRasa server workers: {args.workers}" + (" (lock store in Redis)" if args.workers > 1 else ""))
    print("ratio = stock / ours for times and memory, ours / stock for capacity (higher is better for us)")
    print("figures: results/bench.json, plot: results/bench.png")


if __name__ == "__main__":
    main()
