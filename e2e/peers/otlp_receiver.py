#!/usr/bin/env python3
"""A real OTLP/HTTP JSON trace receiver for Warden's tracing tests.

Every POST /v1/traces body is parsed with the official opentelemetry-proto messages through
google.protobuf.json_format, refusing unknown fields, so an export our encoder gets wrong is rejected the way a
collector would reject it (400, and the error is recorded). OTLP/JSON spells trace and span ids as hex, where
protobuf's own JSON mapping expects base64 for bytes fields; like the collector, we check the hex and convert
it before parsing (and convert back when writing spans out).

Usage: otlp_receiver.py OUT_FILE [--port N] [--fail-first N] [--retry-after SECONDS] [--requests FILE]

  OUT_FILE         each accepted span as one JSON line: {"span": <MessageToDict>, "resource": {key: value}}
  --port           port on 127.0.0.1 (default 0: any free port)
  --fail-first N   answer the first N POSTs with 503 (to test retry)
  --retry-after S  send "Retry-After: S" with those 503s
  --requests FILE  one JSON line per request: {"status": 200|400|503, "spans": n, "error": "..."}

Prints "READY <port>" as the first line on stdout; exits when stdin closes.
"""

import argparse
import base64
import binascii
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

MAX_BODY = 16 * 1024 * 1024
ID_FIELDS = {"traceId": 16, "spanId": 8, "parentSpanId": 8}


class Rejected(Exception):
    pass


def hex_ids_to_base64(node, path="$"):
    """Rewrites OTLP/JSON hex ids in place to protobuf-JSON base64, refusing ids of the wrong form."""
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if key in ID_FIELDS and isinstance(value, str):
                if value == "" and key == "parentSpanId":
                    continue
                if len(value) != 2 * ID_FIELDS[key]:
                    raise Rejected(f"{path}.{key}: expected {2 * ID_FIELDS[key]} hex digits, got {len(value)}")
                try:
                    raw = binascii.unhexlify(value)
                except (binascii.Error, ValueError) as error:
                    raise Rejected(f"{path}.{key}: not hex: {error}") from None
                node[key] = base64.b64encode(raw).decode("ascii")
            else:
                hex_ids_to_base64(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            hex_ids_to_base64(item, f"{path}[{index}]")


def check_enums_are_integers(node, path="$"):
    """OTLP/JSON requires enum values as integers, though protobuf's JSON parser also takes names."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("kind", "code") and not (isinstance(value, int) and not isinstance(value, bool)):
                raise Rejected(f"{path}.{key}: OTLP/JSON enum values must be integers")
            check_enums_are_integers(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            check_enums_are_integers(item, f"{path}[{index}]")


def base64_ids_to_hex(node):
    if isinstance(node, dict):
        for key, value in list(node.items()):
            if key in ID_FIELDS and isinstance(value, str):
                node[key] = base64.b64decode(value).hex()
            else:
                base64_ids_to_hex(value)
    elif isinstance(node, list):
        for item in node:
            base64_ids_to_hex(item)


def any_value(value):
    kind = value.WhichOneof("value")
    return getattr(value, kind) if kind else None


class Receiver:
    def __init__(self, out_path, requests_path, fail_first, retry_after):
        self.out_path = out_path
        self.requests_path = requests_path
        self.fail_remaining = fail_first
        self.retry_after = retry_after
        self.lock = threading.Lock()

    def log_request(self, record):
        if self.requests_path:
            with open(self.requests_path, "a", encoding="utf-8") as handle:
                handle.write(json.dumps(record) + "\n")

    def handle(self, body):
        """Returns (status, extra headers, response body) and records the outcome."""
        with self.lock:
            if self.fail_remaining > 0:
                self.fail_remaining -= 1
                self.log_request({"status": 503})
                headers = {"Retry-After": self.retry_after} if self.retry_after is not None else {}
                return 503, headers, b'{"message":"unavailable"}'
            try:
                document = json.loads(body)
                check_enums_are_integers(document)
                hex_ids_to_base64(document)
                request = json_format.Parse(json.dumps(document), ExportTraceServiceRequest(),
                                            ignore_unknown_fields=False)
            except (Rejected, json_format.ParseError, ValueError, TypeError) as error:
                self.log_request({"status": 400, "error": str(error)})
                return 400, {}, json.dumps({"message": str(error)}).encode()
            lines = []
            for resource_spans in request.resource_spans:
                resource = {kv.key: any_value(kv.value) for kv in resource_spans.resource.attributes}
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        as_dict = json_format.MessageToDict(span)
                        base64_ids_to_hex(as_dict)
                        lines.append(json.dumps({"span": as_dict, "resource": resource,
                                                 "scope": scope_spans.scope.name}))
            with open(self.out_path, "a", encoding="utf-8") as handle:
                for line in lines:
                    handle.write(line + "\n")
            self.log_request({"status": 200, "spans": len(lines)})
            return 200, {}, b"{}"


def make_handler(receiver):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # keep stdout for the READY line only
            pass

        def reply(self, status, headers, body):
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self.reply(413, {}, b"{}")
                return
            body = self.rfile.read(length)
            if self.path != "/v1/traces":
                self.reply(404, {}, b"{}")
                return
            if self.headers.get("Content-Type", "").split(";")[0].strip().lower() != "application/json":
                receiver.log_request({"status": 415, "error": "content type"})
                self.reply(415, {}, b"{}")
                return
            self.reply(*receiver.handle(body))

    return Handler


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("out")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--retry-after", default=None)
    parser.add_argument("--requests", default=None)
    args = parser.parse_args()
    receiver = Receiver(args.out, args.requests, args.fail_first, args.retry_after)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(receiver))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"READY {server.server_address[1]}", flush=True)
    sys.stdin.read()  # run until the test closes our stdin
    server.shutdown()


if __name__ == "__main__":
    main()
