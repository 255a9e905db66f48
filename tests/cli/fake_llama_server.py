#!/usr/bin/env python3
"""A stand-in llama-server for the CLI tests (put on PATH as `llama-server`): parses llama-server's -m/--port/--host
arguments, answers GET /health, /props, /v1/models and streams POST /v1/chat/completions as llama-server does (SSE
content deltas, one token each, max_tokens of them, then usage and timings and [DONE]). It checks the model file
exists, as llama-server would. Standard library only; stops on SIGTERM."""
import http.server
import json
import os
import signal
import sys
import time

args = sys.argv[1:]
def opt(name, default=None):
    return args[args.index(name) + 1] if name in args else default

model = opt("-m")
port = int(opt("--port", "8080"))
host = opt("--host", "127.0.0.1")
if not model or not os.path.isfile(model):
    print(f"fake llama-server: model {model!r} not found", file=sys.stderr)
    sys.exit(1)

class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a):
        pass
    def send_json(self, obj, code=200):
        body = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def do_GET(self):
        if self.path == "/health":
            self.send_json({"status": "ok"})
        elif self.path == "/props":
            self.send_json({"build_info": "fake", "model_path": model, "total_slots": 1,
                            "default_generation_settings": {"n_ctx": 2048}})
        elif self.path == "/v1/models":
            self.send_json({"data": [{"id": os.path.basename(model)}]})
        else:
            self.send_json({"error": "not found"}, 404)
    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        req = json.loads(self.rfile.read(n) or b"{}")
        max_tokens = int(req.get("max_tokens", 16))
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Connection", "close")
        self.end_headers()
        t0 = time.time()
        for i in range(max_tokens):
            time.sleep(0.002)
            chunk = {"choices": [{"index": 0, "delta": {"content": f" w{i}"}, "finish_reason": None}]}
            self.wfile.write(b"data: " + json.dumps(chunk).encode() + b"\n\n")
            self.wfile.flush()
        dt = max(time.time() - t0, 1e-6)
        last = {"choices": [{"index": 0, "delta": {}, "finish_reason": "length"}],
                "usage": {"prompt_tokens": 10, "completion_tokens": max_tokens, "total_tokens": 10 + max_tokens},
                "timings": {"prompt_n": 10, "predicted_n": max_tokens, "predicted_per_second": max_tokens / dt,
                            "prompt_per_second": 1000.0}}
        self.wfile.write(b"data: " + json.dumps(last).encode() + b"\n\ndata: [DONE]\n\n")
        self.wfile.flush()
        self.close_connection = True

srv = http.server.ThreadingHTTPServer((host, port), H)
signal.signal(signal.SIGTERM, lambda *a: (srv.server_close(), sys.exit(0)))
srv.serve_forever()
