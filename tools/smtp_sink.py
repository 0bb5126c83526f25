"""A real SMTP server for the test suite (aiosmtpd), with the faults the tests need.

Every accepted message is appended to a JSON-lines log with its Message-ID, envelope and parts,
so tests can check who received what, and how many times.

Modes:
  normal          accept everything (250)
  tempfail:N      answer the first N messages with 451, then accept
  permfail        answer every message with 550
  stall           log the message, then never answer the DATA command (a crash between "."
                  and "250" on the client side can then be simulated by killing the client)

Usage: python smtp_sink.py --port 2525 --log mails.jsonl [--mode normal]
Prints "ready" on stdout once listening.
"""

import argparse
import asyncio
import email
import email.policy
import json
import os
import sys
import time

from aiosmtpd.controller import Controller


class Handler:
    def __init__(self, log_path, mode):
        self.log_path = log_path
        self.mode = mode
        self.tempfails_left = 0
        if mode.startswith("tempfail:"):
            self.tempfails_left = int(mode.split(":", 1)[1])

    def write(self, record):
        with open(self.log_path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            f.flush()
            os.fsync(f.fileno())

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",))
        record = {
            "message_id": message.get("Message-ID", ""),
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(message.get("From", "")),
            "to": str(message.get("To", "")),
            "subject": str(message.get("Subject", "")),
            "reply_to": str(message.get("Reply-To", "")),
            "header_names": [k.lower() for k in message.keys()],
            "text": text.get_content() if text is not None else "",
            "html": html.get_content() if html is not None else "",
        }
        if self.tempfails_left > 0:
            self.tempfails_left -= 1
            self.write({"event": "tempfail", **record})
            return "451 4.3.0 Temporary failure, try again later"
        if self.mode == "permfail":
            self.write({"event": "permfail", **record})
            return "550 5.1.1 Mailbox unavailable"
        if self.mode == "stall":
            self.write({"event": "stalled", **record})
            await asyncio.sleep(3600)
            return "451 4.3.0 Stalled"
        self.write({"event": "accepted", **record})
        return "250 OK"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--mode", default="normal")
    args = parser.parse_args()
    controller = Controller(Handler(args.log, args.mode), hostname="127.0.0.1", port=args.port)
    controller.start()
    print("ready", flush=True)
    try:
        while True:  # until the test (or Playwright) stops us
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
