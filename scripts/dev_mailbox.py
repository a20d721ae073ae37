"""Local mode: a mail server on localhost that writes each front-desk email to var/outbox/.

`make run` starts it when no SMTP_HOST is configured, so a call-back request can be tried end to
end with no outside mail server. In production set SMTP_HOST/SMTP_PORT/SMTP_USER/SMTP_PASSWORD.
"""
import os
import sys
import time
from pathlib import Path

from aiosmtpd.controller import Controller

OUTBOX = Path(os.environ.get("OUTBOX_DIR", "var/outbox"))


class WriteToOutbox:
    async def handle_DATA(self, server, session, envelope):
        OUTBOX.mkdir(parents=True, exist_ok=True)
        path = OUTBOX / f"{time.strftime('%Y%m%d-%H%M%S')}-{len(list(OUTBOX.iterdir()))}.eml"
        path.write_bytes(envelope.content)
        return "250 OK"


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8025
    Controller(WriteToOutbox(), hostname="127.0.0.1", port=port).start()
    print(f"local mailbox on 127.0.0.1:{port}, writing to {OUTBOX}/", flush=True)
    while True:
        time.sleep(3600)
