"""`make soak`: the benchmark's mix of conversations at a steady rate for a long time (30 minutes
by default), reporting each process's memory at the start and the end, and every few minutes.

    python bench/soak.py [--minutes 30] [--rate 10]

Starts its own action server and Rasa server (tests/servers.py) on the newest model, warms them
up, then sends the mix of bench/run.py (FAQ questions, booking forms, fallbacks) from many
patients at RATE messages per second, open loop. Memory is the resident set size (RSS) of each
process with its children, so growth shows as a rising line, not as noise in one sample.
Writes results/soak.json. Quote the end/start ratio: no growth beyond noise is the goal.
"""
import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.run import conversation, pct, send  # noqa: E402
from tests.servers import Stack  # noqa: E402


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants, in MB (from /proc)."""
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                total += next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
            with open(f"/proc/{current}/task/{current}/children") as children:
                todo += [int(c) for c in children.read().split()]
        except (OSError, StopIteration):
            continue
    return round(total / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--rate", type=float, default=10, help="messages per second")
    args = parser.parse_args()

    stack = Stack(Path(tempfile.mkdtemp(prefix="clinic-soak-")), env={"RATE_LIMIT_PER_MINUTE": "0"}).start()
    url = f"{stack.url}/webhooks/rest/webhook"
    pids = {name: process.pid for name, process in stack.processes.items()}
    try:
        rng = random.Random(3)
        for _ in range(3):  # warm-up: every kind of turn once, so start-up allocations are not "growth"
            sender = uuid.uuid4().hex
            for text in conversation(rng) + ["hi", "blorp"]:
                send(url, sender, text, [], [])
        start = {name: rss_mb(pid) for name, pid in pids.items()}
        samples = [{"minute": 0.0, **start}]
        print(f"soak: {args.minutes:.0f} min at {args.rate:g} msg/s; memory at start (MB): {start}", flush=True)

        latencies, errors, lock = [], [], threading.Lock()
        pool = ThreadPoolExecutor(max_workers=32)
        ready = []  # conversations waiting to send their next message

        def step(sender, messages):
            send(url, sender, messages[0], latencies, errors)
            if len(messages) > 1:
                with lock:
                    ready.append((sender, messages[1:]))

        began = time.monotonic()
        end, next_sample, sent = began + args.minutes * 60, began + 300, 0
        while time.monotonic() < end:
            due = began + sent / args.rate
            time.sleep(max(0.0, due - time.monotonic()))
            with lock:
                job = ready.pop(0) if ready else (uuid.uuid4().hex, conversation(rng))
            pool.submit(step, *job)
            sent += 1
            if time.monotonic() >= next_sample:
                sample = {"minute": round((time.monotonic() - began) / 60, 1),
                          **{name: rss_mb(pid) for name, pid in pids.items()}}
                samples.append(sample)
                print(f"soak: {sample}", flush=True)
                next_sample += 300
        pool.shutdown(wait=True)
        final = {name: rss_mb(pid) for name, pid in pids.items()}
        samples.append({"minute": round((time.monotonic() - began) / 60, 1), **final})
    finally:
        stack.stop()

    report = {
        "minutes": args.minutes, "rate_msg_s": args.rate, "messages": len(latencies), "errors": len(errors),
        "p50_ms": pct(latencies, 50), "p95_ms": pct(latencies, 95), "p99_ms": pct(latencies, 99),
        "memory_mb_start": start, "memory_mb_end": final,
        "memory_end_over_start": {name: round(final[name] / start[name], 3) for name in start},
        "memory_mb_median_of_samples": {name: statistics.median(s[name] for s in samples) for name in start},
        "samples": samples,
    }
    out = ROOT / "results" / "soak.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(json.dumps({k: v for k, v in report.items() if k != "samples"}, indent=2))
    print(f"written to {out}")


if __name__ == "__main__":
    main()
