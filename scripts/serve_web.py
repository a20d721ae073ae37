"""Serve the demo clinic page and the widget (web/) on port 8080: `make run` starts it.

The widget's only dependency, socket.io-client, is copied from node_modules (pinned in
package-lock.json) into web/widget/ by `make web`, so nothing is loaded from a CDN.

GET /health: 200 when the page is served and the Rasa server it talks to is up (RASA_URL,
default http://127.0.0.1:$RASA_PORT), else 503; GET /health/live: 200 while this process serves.
"""
import functools
import http.server
import json
import os
import sys
import urllib.request
from pathlib import Path

WEB = Path(__file__).resolve().parent.parent / "web"
RASA_URL = os.environ.get("RASA_URL") or f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}"


def rasa_up() -> bool:
    try:
        with urllib.request.urlopen(f"{RASA_URL}/health/live", timeout=2) as reply:
            return reply.status == 200
    except Exception:
        return False


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".css": "text/css"}

    def do_GET(self):
        if self.path in ("/health", "/health/live"):
            ok = self.path == "/health/live" or rasa_up()
            body = json.dumps({"status": "ok" if ok else "degraded",
                               "checks": {"page": {"ok": True}, "rasa_server": {"ok": ok}}}).encode()
            self.send_response(200 if ok else 503)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, *args):  # page views are not the assistant's business
        pass


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    server = http.server.ThreadingHTTPServer(("0.0.0.0", port), functools.partial(Handler, directory=str(WEB)))
    print(f"demo clinic page: http://localhost:{port}/", flush=True)
    server.serve_forever()
