"""A local HTTP receiver for Warden's webhook tests (standard library only).

Records every request (method, path, headers, body as text) to --out as one JSON line and answers 200,
except /redirect which answers 302 to /redirected (a client that follows it would record a second request),
/big which answers 200 with a 1 MiB body, and /slow which waits 5 seconds before answering.
Prints "READY <port>" once it listens.
"""

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def make_handler(out_path, lock):
    class Handler(BaseHTTPRequestHandler):
        def _record(self, body):
            record = {
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"),
            }
            with lock, open(out_path, "a", encoding="utf-8") as f:
                f.write(json.dumps(record) + "\n")

        def _handle(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length > 0 else b""
            self._record(body)
            if self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", "/redirected")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            if self.path == "/slow":
                time.sleep(5)
            reply = b"x" * (1 << 20) if self.path == "/big" else b'{"ok":true}'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(reply)))
            self.end_headers()
            self.wfile.write(reply)

        do_POST = _handle
        do_GET = _handle

        def log_message(self, format, *args):
            pass

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(args.out, threading.Lock()))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    print(f"READY {server.server_address[1]}", flush=True)
    try:
        sys.stdin.read()
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
