"""A deliberately misbehaving Streamable HTTP peer for Warden's transport tests (standard library only).

The path picks the misbehaviour; every answer is to a POSTed JSON-RPC request. Prints
"WARDEN-UPSTREAM-READY port=<n>" once it listens.
"""

from __future__ import annotations

import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # bodies end when the connection closes

    def log_message(self, format: str, *args: object) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        request = json.loads(self.rfile.read(length))
        request_id = request.get("id")
        route = self.path.rstrip("/").rsplit("/", 1)[-1]
        if route == "big":
            self.send_json(200, {"jsonrpc": "2.0", "id": request_id, "result": {"pad": "x" * 300_000}})
        elif route == "html":
            self.send_raw(200, "text/html", b"<html>hello</html>")
        elif route == "accepted":
            self.send_raw(202, "application/json", b"")
        elif route == "wrong-id":
            self.send_json(200, {"jsonrpc": "2.0", "id": "someone-else", "result": {}})
        elif route == "error-json":
            error = {"jsonrpc": "2.0", "id": request_id, "error": {"code": -32001, "message": "denied upstream"}}
            self.send_json(400, error)
        elif route == "redirect":
            self.send_response(307)
            self.send_header("Location", "http://127.0.0.2:9/elsewhere")
            self.end_headers()
        elif route == "sse-noise":
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            answer = json.dumps({"jsonrpc": "2.0", "id": request_id, "result": {"ok": True}})
            pieces = [
                ": keep-alive\r\n\r\n",
                "id: 1\r\ndata:\r\n\r\n",
                'data: {"jsonrpc":"2.0","method":"notifications/progress","params":{}}\n\n',
                'event: message\ndata: {"jsonrpc":"2.0","id":"srv","method":"sampling/createMessage",',
                '"params":{}}\n\n',
                'data: {"jsonrpc":"2.0","id":"other","result":{}}\r\r',
                "data: " + answer[:10],
                answer[10:] + "\n",
                "\n",
            ]
            for piece in pieces:
                self.wfile.write(piece.encode())
                self.wfile.flush()
                time.sleep(0.02)
        elif route == "sse-endless":
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.end_headers()
            notification = 'data: {"jsonrpc":"2.0","method":"notifications/message","params":{"pad":"' + "y" * 10_000 + '"}}\n\n'
            try:
                for _ in range(1000):
                    self.wfile.write(notification.encode())
                    self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass
        else:
            self.send_json(404, {"error": "unknown route"})

    def send_json(self, status: int, body: dict) -> None:
        self.send_raw(status, "application/json", json.dumps(body).encode())

    def send_raw(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(f"WARDEN-UPSTREAM-READY port={server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
