"""Mail through an SMTP server with smtplib: STARTTLS and login when configured."""

import smtplib
import ssl
from email.message import EmailMessage

from .mailer import Email, PermanentEmailError, TransientEmailError


def build_message(email: Email, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    message.set_content(email.body)
    return message


class SmtpMailer:
    """One connection per message: a worker sends few enough that reuse is not worth the
    stale-connection handling it needs."""

    def __init__(
        self,
        host: str,
        port: int,
        *,
        sender: str,
        username: str = "",
        password: str = "",
        starttls: bool = True,
        timeout: float = 10.0,
    ) -> None:
        self.host = host
        self.port = port
        self.sender = sender
        self.username = username
        self.password = password
        self.starttls = starttls
        self.timeout = timeout

    def send(self, email: Email) -> None:
        message = build_message(email, self.sender)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls(context=ssl.create_default_context())
                if self.username:
                    smtp.login(self.username, self.password)
                smtp.send_message(message)
        except smtplib.SMTPResponseException as exc:
            # 4xx: the server is busy or greylisting; 5xx: it refuses for good.
            error = TransientEmailError if 400 <= exc.smtp_code < 500 else PermanentEmailError
            reply = exc.smtp_error
            text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
            raise error(f"SMTP {exc.smtp_code}: {text}") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _reply in exc.recipients.values()]
            transient = all(400 <= code < 500 for code in codes)
            error = TransientEmailError if transient else PermanentEmailError
            raise error(f"recipient refused ({', '.join(map(str, codes))})") from exc
        except (ssl.SSLCertVerificationError, smtplib.SMTPNotSupportedError) as exc:
            # A configuration problem (certificate, no STARTTLS): retrying cannot fix it.
            raise PermanentEmailError(f"{type(exc).__name__}: {exc}") from exc
        except (smtplib.SMTPServerDisconnected, OSError) as exc:
            # Refused, reset or timed out connections (socket errors are OSErrors).
            raise TransientEmailError(f"{type(exc).__name__}: {exc}") from exc
