"""Serve the demo clinic page and the widget (web/) on port 8080: `make run` starts it.

The widget's only dependency, socket.io-client, is copied from node_modules (pinned in
package-lock.json) into web/widget/ by `make web`, so nothing is loaded from a CDN.
"""
import functools
import http.server
import sys
from pathlib import Path

WEB = Path(__file__).resolve().parent.parent / "web"


class Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".css": "text/css"}

    def log_message(self, *args):  # page views are not the assistant's business
        pass


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8080
    server = http.server.ThreadingHTTPServer(("0.0.0.0", port), functools.partial(Handler, directory=str(WEB)))
    print(f"demo clinic page: http://localhost:{port}/", flush=True)
    server.serve_forever()
