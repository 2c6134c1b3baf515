"""A small SMTP server for the tests, on a real socket: enough of the protocol for smtplib.

It records each message it accepts, checks AUTH PLAIN credentials when given some, and
answers a command with scripted replies when told to (`refuse("MAIL", "421 busy")`).
"""

import base64
import socketserver
import threading
from collections import defaultdict, deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: str
    user: str | None


@dataclass
class SmtpState:
    credentials: tuple[str, str] | None = None
    messages: list[Received] = field(default_factory=list)
    scripted: defaultdict[str, deque[str]] = field(default_factory=lambda: defaultdict(deque))
    sessions: int = 0

    def refuse(self, command: str, reply: str, times: int = 1) -> None:
        """Answer the next `times` `command`s with `reply` instead of accepting them."""
        self.scripted[command].extend([reply] * times)


class Handler(socketserver.StreamRequestHandler):
    server: "Server"

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self) -> None:
        state = self.server.state
        state.sessions += 1
        sender, recipients, user = "", [], None
        self.reply("220 fake ESMTP")
        for raw in self.rfile:
            line = raw.decode().rstrip("\r\n")
            command, _, argument = line.partition(" ")
            command = command.upper()
            if state.scripted[command]:
                self.reply(state.scripted[command].popleft())
                continue
            if command == "EHLO":
                self.reply("250-fake")
                self.reply("250 AUTH PLAIN" if state.credentials else "250 OK")
            elif command == "AUTH":
                _, _, secret = argument.partition(" ")
                _, name, password = base64.b64decode(secret).decode().split("\0")
                if (name, password) == state.credentials:
                    user = name
                    self.reply("235 2.7.0 accepted")
                else:
                    self.reply("535 5.7.8 bad credentials")
            elif command == "MAIL":
                sender = argument.split(":", 1)[1].strip("<>")
                self.reply("250 OK")
            elif command == "RCPT":
                recipients.append(argument.split(":", 1)[1].strip("<>"))
                self.reply("250 OK")
            elif command == "DATA":
                self.reply("354 end with .")
                lines = []
                for body_line in self.rfile:
                    if body_line == b".\r\n":
                        break
                    lines.append(body_line.decode())
                state.messages.append(Received(sender, recipients, "".join(lines), user))
                sender, recipients = "", []
                self.reply("250 queued")
            elif command == "QUIT":
                self.reply("221 bye")
                return
            else:  # RSET, NOOP
                self.reply("250 OK")


class Server(socketserver.ThreadingTCPServer):
    # Connection threads are joined when the server closes: nothing outlives a test.
    daemon_threads = False
    block_on_close = True

    def __init__(self, state: SmtpState) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.state = state


@contextmanager
def smtp_server(credentials: tuple[str, str] | None = None) -> Iterator[tuple[int, SmtpState]]:
    """A running server and its state; stopped (thread joined) on exit."""
    state = SmtpState(credentials=credentials)
    server = Server(state)
    # A short poll: shutdown() waits for the loop to notice.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield server.server_address[1], state
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
