"""A webhook receiver for the test suite that checks every signature with the reference Python
library of Standard Webhooks (`standardwebhooks`, PyPI): an implementation independent of ours.

Each request is appended to a JSON-lines log: path, headers, body, and whether the signature
verified (with the library's error otherwise).

Modes:
  ok           answer 204
  fail:N       answer the first N requests with 500, then 204
  redirect     answer 302 to /followed on this server (which logs a hit if ever reached)

Usage: python webhook_receiver.py --port 9000 --secret whsec_... --log hooks.jsonl [--mode ok]
The secret can also be given later: a POST to /secret with the secret as body sets it.
Prints "ready" on stdout once listening.
"""

import argparse
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--mode", default="ok")
    args = parser.parse_args()
    state = {"secret": None, "failures_left": 0}
    if args.mode.startswith("fail:"):
        state["failures_left"] = int(args.mode.split(":", 1)[1])

    def write(record):
        with open(args.log, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *_):
            pass

        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            if self.path == "/secret":
                state["secret"] = body.decode().strip()
                self.send_response(204)
                self.end_headers()
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            record = {"path": self.path, "headers": headers, "body": body.decode("utf-8", "replace")}
            try:
                if state["secret"] is None:
                    raise ValueError("no secret configured")
                record["event"] = Webhook(state["secret"]).verify(body, headers)
                record["verified"] = True
            except Exception as e:  # the library's WebhookVerificationError, or a bad secret
                record["verified"] = False
                record["error"] = repr(e)
            write(record)
            if self.path == "/followed":
                self.send_response(204)
            elif args.mode == "redirect":
                self.send_response(302)
                self.send_header("Location", f"http://127.0.0.1:{args.port}/followed")
            elif state["failures_left"] > 0:
                state["failures_left"] -= 1
                self.send_response(500)
            else:
                self.send_response(204 if record["verified"] else 400)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print("ready", flush=True)
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
