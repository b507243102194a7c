"""A scripted OpenAI-compatible chat-completions server for Warden's agent tests (standard library only).

Drives Warden's scheduled AI agents with conversations written in advance: each request takes the next step of
the script kept for the model it names, so a test knows exactly what the "model" will say and can check what
Warden sent it.

Usage: model_replay.py --script SCRIPT.json --log REQUESTS.jsonl [--port N]

  --script  a JSON object mapping a model name to its list of steps:
              {"ava-normal": [step, step, ...], "ava-hijack": [...]}
            Each request's "model" member picks the list; each request consumes that list's next step (one
            cursor per model). An unknown model, or a request past the end of its list, gets HTTP 400 with an
            OpenAI-style error body {"error": {"message": ..., "type": "invalid_request_error"}}.
  --log     one JSON line per request, appended and flushed as it is answered:
              {"model", "step" (index, or null), "path", "headers": {"authorization": bool, "api-key": bool},
               "body" (the request JSON, or null), "expect_failed" (null or why), "answered" (status code),
               "client_gone" (true when the client hung up before the answer was written), "error" (or null)}
  --port    port on 127.0.0.1 (default 0: any free port)

Steps (exactly one of say / call / status / garbage, except that say and call may go together):
  {"say": "text"}                  an assistant message with that content, finish_reason "stop"
  {"call": [{"name": "billing__lookup_invoice", "arguments": {...}}, ...]}
                                   an assistant message with tool_calls (ids call_<n>, unique per server, or the
                                   call's own "id"), each call's arguments JSON-encoded as a string, finish_reason
                                   "tool_calls"; "arguments_text": "..." instead of "arguments" sends that raw
                                   string (malformed-arguments tests); with "say" too, the text is the content
  {"status": 500}                  that HTTP status with an OpenAI-style error body; "retry_after": 1 adds a
                                   Retry-After header; "body": "..." sends that text instead
  {"garbage": "text"}              200 with that text as the body, content-type application/json
  "sleep": 5                       (with any step) waits that long before answering, for timeout tests; a
                                   client that hung up meanwhile is ignored
  "omit_usage": true               (with say / call) no usage member; otherwise usage is prompt_tokens =
                                   request body bytes // 4, completion_tokens = 10, and their total
  "expect": {...}                  checks on the request, any of:
                                     "tool_result_contains": "text"  the last message is a tool message
                                                                     containing the text
                                     "tools_include": ["name", ...]  these tools were offered
                                     "tools_exclude": ["name", ...]  these were not
                                     "system_contains": "text"       a system message contains the text
                                   A failed check still answers the step; the log line says why in
                                   "expect_failed" (and stderr too), so a test asserts that none failed.

Paths: POST /v1/chat/completions and /chat/completions (a query string is ignored), and Azure's
/openai/deployments/<deployment>/chat/completions, where the deployment names the script when the body has no
"model". Anything else is 404; a body over 8 MiB is 413.

Prints "READY <port>" on stdout once it listens; exits when stdin closes.
"""

import argparse
import json
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 8 * 1024 * 1024
PATHS = ("/v1/chat/completions", "/chat/completions")
AZURE_PATH = re.compile(r"^/openai/deployments/([^/]+)/chat/completions$")
ANSWER_KINDS = ("say", "call", "status", "garbage")
STEP_KEYS = set(ANSWER_KINDS) | {"sleep", "omit_usage", "expect", "retry_after", "body"}
EXPECT_KEYS = {"tool_result_contains", "tools_include", "tools_exclude", "system_contains"}


class ScriptError(Exception):
    pass


def load_script(path):
    """Reads and checks the script, so that a typo fails at start rather than as a puzzling answer."""
    with open(path, encoding="utf-8") as handle:
        script = json.load(handle)
    if not isinstance(script, dict):
        raise ScriptError("the script must be a JSON object mapping model names to lists of steps")
    for model, steps in script.items():
        if not isinstance(steps, list):
            raise ScriptError(f"{model}: the steps must be a list")
        for index, step in enumerate(steps):
            where = f"{model}[{index}]"
            if not isinstance(step, dict):
                raise ScriptError(f"{where}: a step must be an object")
            unknown = set(step) - STEP_KEYS
            if unknown:
                raise ScriptError(f"{where}: unknown members {sorted(unknown)}")
            kinds = [kind for kind in ANSWER_KINDS if kind in step]
            if not kinds or (len(kinds) > 1 and set(kinds) != {"say", "call"}):
                raise ScriptError(f"{where}: needs exactly one of say, call, status, garbage (say may join call)")
            if "call" in step:
                calls = step["call"]
                if not isinstance(calls, list) or not calls:
                    raise ScriptError(f"{where}: call must be a non-empty list")
                for call in calls:
                    if not isinstance(call, dict) or not isinstance(call.get("name"), str):
                        raise ScriptError(f"{where}: each call needs a name")
                    if "arguments_text" in call and not isinstance(call["arguments_text"], str):
                        raise ScriptError(f"{where}: arguments_text must be a string")
            if "status" in step and not isinstance(step["status"], int):
                raise ScriptError(f"{where}: status must be an integer")
            if "sleep" in step and not isinstance(step["sleep"], (int, float)):
                raise ScriptError(f"{where}: sleep must be a number of seconds")
            expect = step.get("expect", {})
            if not isinstance(expect, dict) or set(expect) - EXPECT_KEYS:
                raise ScriptError(f"{where}: expect may only hold {sorted(EXPECT_KEYS)}")
    return script


def message_text(message):
    """A message's content as text: a string, or the text parts of a list of content parts."""
    content = message.get("content") if isinstance(message, dict) else None
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def check_expectations(expect, body):
    """Returns None when every check holds, else why not."""
    failures = []
    messages = body.get("messages") if isinstance(body.get("messages"), list) else []
    offered = set()
    for tool in body.get("tools") or []:
        if isinstance(tool, dict) and isinstance(tool.get("function"), dict):
            offered.add(tool["function"].get("name"))
    if "tool_result_contains" in expect:
        text = expect["tool_result_contains"]
        last = messages[-1] if messages else None
        if not isinstance(last, dict) or last.get("role") != "tool":
            failures.append("the last message is not a tool message")
        elif text not in message_text(last):
            failures.append(f"the last tool message does not contain {text!r}")
    for name in expect.get("tools_include", []):
        if name not in offered:
            failures.append(f"tool {name!r} was not offered (offered: {sorted(n for n in offered if n)})")
    for name in expect.get("tools_exclude", []):
        if name in offered:
            failures.append(f"tool {name!r} was offered")
    if "system_contains" in expect:
        text = expect["system_contains"]
        systems = [m for m in messages if isinstance(m, dict) and m.get("role") in ("system", "developer")]
        if not any(text in message_text(m) for m in systems):
            failures.append(f"no system message contains {text!r}")
    return "; ".join(failures) or None


class Replay:
    def __init__(self, script, log_path):
        self.script = script
        self.log_path = log_path
        self.cursors = {model: 0 for model in script}
        self.next_call = 0
        self.next_completion = 0
        self.lock = threading.Lock()
        self.log_lock = threading.Lock()

    def take(self, model):
        """The next step for `model` and its index, or (None, None) when there is none."""
        with self.lock:
            if model not in self.script:
                return None, None
            index = self.cursors[model]
            if index >= len(self.script[model]):
                return None, None
            self.cursors[model] = index + 1
            return index, self.script[model][index]

    def call_ids(self, count):
        with self.lock:
            first = self.next_call
            self.next_call += count
            self.next_completion += 1
            return [f"call_{first + i}" for i in range(count)], self.next_completion

    def log(self, record):
        with self.log_lock, open(self.log_path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")
            handle.flush()

    def completion(self, model, step, request_bytes):
        calls = step.get("call") or []
        ids, number = self.call_ids(len(calls))
        message = {"role": "assistant", "content": step.get("say")}
        if calls:
            message["tool_calls"] = [
                {
                    "id": call.get("id", call_id),
                    "type": "function",
                    "function": {
                        "name": call["name"],
                        "arguments": call["arguments_text"] if "arguments_text" in call
                        else json.dumps(call.get("arguments", {})),
                    },
                }
                for call, call_id in zip(calls, ids)
            ]
        answer = {
            "id": f"chatcmpl-replay-{number}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}],
        }
        if not step.get("omit_usage"):
            prompt = request_bytes // 4
            answer["usage"] = {"prompt_tokens": prompt, "completion_tokens": 10, "total_tokens": prompt + 10}
        return answer


def error_body(message, kind):
    return json.dumps({"error": {"message": message, "type": kind, "param": None, "code": None}}).encode()


def make_handler(replay):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format, *args):  # keep stdout for the READY line only
            pass

        def reply(self, status, body, headers=None):
            """Writes the answer; False when the client had already hung up."""
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)
                self.wfile.flush()
                return True
            except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
                self.close_connection = True
                return False

        def record(self, answered, client_gone=False, model=None, step=None, body=None, expect_failed=None,
                   error=None):
            replay.log({
                "model": model,
                "step": step,
                "path": self.path,
                "headers": {
                    "authorization": self.headers.get("Authorization") is not None,
                    "api-key": self.headers.get("api-key") is not None,
                },
                "body": body,
                "expect_failed": expect_failed,
                "answered": answered,
                "client_gone": client_gone,
                "error": error,
            })

        def refuse(self, status, message, kind, **fields):
            gone = not self.reply(status, error_body(message, kind))
            self.record(status, client_gone=gone, error=message, **fields)

        def do_POST(self):
            path = self.path.split("?", 1)[0]
            azure = AZURE_PATH.match(path)
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0 or length > MAX_BODY:
                self.close_connection = True  # the body is not read, so the connection cannot be reused
                self.refuse(413, f"request body larger than {MAX_BODY} bytes", "invalid_request_error")
                return
            raw = self.rfile.read(length) if length else b""
            if path not in PATHS and not azure:
                self.refuse(404, f"no such path: {path}", "invalid_request_error")
                return
            try:
                body = json.loads(raw)
            except ValueError:
                body = None
            if not isinstance(body, dict):
                self.refuse(400, "the request body is not a JSON object", "invalid_request_error")
                return
            model = body.get("model")
            if not isinstance(model, str) and azure:
                model = azure.group(1)
            index, step = replay.take(model) if isinstance(model, str) else (None, None)
            if step is None:
                reason = (f"the script has no model {model!r}" if model not in replay.script
                          else f"the script for {model!r} has no step left")
                self.refuse(400, reason, "invalid_request_error", model=model, body=body)
                return
            expect_failed = check_expectations(step.get("expect", {}), body)
            if expect_failed:
                print(f"EXPECT FAILED {model} step {index}: {expect_failed}", file=sys.stderr, flush=True)
            if step.get("sleep"):
                time.sleep(step["sleep"])
            headers = {}
            if "status" in step:
                status = step["status"]
                if "body" in step:
                    payload = step["body"].encode()
                else:
                    payload = error_body(f"scripted status {status}", "server_error")
                if "retry_after" in step:
                    headers["Retry-After"] = str(step["retry_after"])
            elif "garbage" in step:
                status, payload = 200, step["garbage"].encode()
            else:
                status = 200
                payload = json.dumps(replay.completion(model, step, len(raw))).encode()
            gone = not self.reply(status, payload, headers)
            self.record(status, client_gone=gone, model=model, step=index, body=body, expect_failed=expect_failed)

        def other_method(self):
            self.refuse(404, f"no such path: {self.command} {self.path.split('?', 1)[0]}", "invalid_request_error")

        do_GET = other_method
        do_PUT = other_method
        do_DELETE = other_method
        do_PATCH = other_method

    return Handler


def main():
    parser = argparse.ArgumentParser(description="Scripted OpenAI-compatible chat-completions server.")
    parser.add_argument("--script", required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    try:
        script = load_script(args.script)
    except (OSError, ValueError, ScriptError) as error:
        print(f"model_replay: bad script {args.script}: {error}", file=sys.stderr, flush=True)
        sys.exit(2)
    open(args.log, "a").close()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(Replay(script, args.log)))
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"READY {server.server_address[1]}", flush=True)
    sys.stdin.read()  # run until the test closes our stdin
    server.shutdown()


if __name__ == "__main__":
    main()
