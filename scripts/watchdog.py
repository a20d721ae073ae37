"""Email the front desk when the assistant has been degraded for a few minutes, and when it recovers.

    python scripts/watchdog.py rasa=http://127.0.0.1:5005/health actions=http://127.0.0.1:5055/health ...

Every WATCHDOG_INTERVAL_SECONDS (30) it reads each part's /health. A part that has answered
anything but 200 for DEGRADED_ALERT_MINUTES (3) gets one email naming the part and what is down
(no patient data; the health endpoints carry none), and one more when it is back. Patients are
still answered meanwhile (emergencies in full, the rest with the clinic's number), but the front
desk should know that after-hours questions are going unanswered. If the mail server is the
thing that is down, the alert is printed and tried again at the next check.
"""
import json
import os
import sys
import time
import urllib.error
import urllib.request
from datetime import datetime
from typing import Dict, Optional, Tuple

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

from callbacks.notify import email_front_desk  # noqa: E402

INTERVAL = float(os.environ.get("WATCHDOG_INTERVAL_SECONDS", 30))
ALERT_AFTER = float(os.environ.get("DEGRADED_ALERT_MINUTES", 3)) * 60


def probe(url: str) -> Tuple[bool, str]:
    """(healthy, what is wrong) for one /health URL."""
    try:
        with urllib.request.urlopen(url, timeout=5) as reply:
            return reply.status == 200, ""
    except urllib.error.HTTPError as error:
        try:
            checks = json.loads(error.read() or b"{}").get("checks", {})
            down = [name for name, check in checks.items() if not check.get("ok")]
            return False, "not working: " + ", ".join(down) if down else f"HTTP {error.code}"
        except ValueError:
            return False, f"HTTP {error.code}"
    except Exception as error:
        return False, f"not answering ({type(error).__name__})"


class Watchdog:
    def __init__(self, parts: Dict[str, str], now=time.time, send=email_front_desk):
        self.parts, self.now, self.send = parts, now, send
        self.bad_since: Dict[str, float] = {}
        self.alerted: Dict[str, bool] = {}
        self.pending: Optional[Tuple[str, str]] = None  # an email the mail server refused

    def check(self) -> None:
        for part, url in self.parts.items():
            healthy, problem = probe(url)
            if healthy:
                self.bad_since.pop(part, None)
                if self.alerted.pop(part, False):
                    self.notify(f"Patient assistant: {part} is working again",
                                f"The assistant's {part} is working normally again ({self.stamp()}).")
                continue
            since = self.bad_since.setdefault(part, self.now())
            print(f"watchdog: {part} {problem}", flush=True)
            if not self.alerted.get(part) and self.now() - since >= ALERT_AFTER:
                self.alerted[part] = True
                self.notify(
                    f"Patient assistant degraded: {part}",
                    f"Since {self.stamp(since)} the assistant's {part} is {problem}.\n\n"
                    "Patients still get emergency replies (911 / 988) and the clinic's phone number, "
                    "but not full answers or call-back requests. Please tell whoever looks after the "
                    "assistant. Another email follows when it is working again.")
        if self.pending:
            self.notify(*self.pending)

    def notify(self, subject: str, body: str) -> None:
        try:
            self.send(subject, body)
            print(f"watchdog: emailed the front desk: {subject}", flush=True)
            self.pending = None
        except Exception as error:
            print(f"watchdog: could not email the front desk ({type(error).__name__}): {subject}", flush=True)
            self.pending = (subject, body)

    def stamp(self, at: Optional[float] = None) -> str:
        return datetime.fromtimestamp(at or self.now()).strftime("%Y-%m-%d %H:%M")


def main(argv) -> None:
    parts = dict(arg.split("=", 1) for arg in argv)
    print(f"watchdog: checking {', '.join(parts)} every {INTERVAL:.0f} s; "
          f"front desk emailed after {ALERT_AFTER / 60:.0f} min degraded", flush=True)
    dog = Watchdog(parts)
    time.sleep(min(INTERVAL, 60))  # let everything start first
    while True:
        dog.check()
        time.sleep(INTERVAL)


if __name__ == "__main__":
    main(sys.argv[1:])
