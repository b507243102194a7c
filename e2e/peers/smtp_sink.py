"""A real SMTP server for Warden's channel tests (aiosmtpd).

STARTTLS is offered and required (or, with --implicit-tls, TLS from the first byte; self-signed certificate generated at start and written to
--cert-dir/cert.pem so the test can trust it), AUTH is required with --user/--password, and every
accepted message is appended to --out as one JSON line: envelope, raw data, the decoded subject,
header names and body, whether the session was TLS and which AUTH mechanism was used. Prints "READY <port>" once it accepts connections.
"""

import argparse
import datetime
import email
import email.policy
import ipaddress
import json
import os
import socket
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
import ssl


def make_certificate(directory):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "warden smtp sink")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path = os.path.join(directory, "cert.pem")
    key_path = os.path.join(directory, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return cert_path, key_path


class Recorder:
    def __init__(self, path):
        self.path = path
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        # An independent MIME decoder (Python's email package) so tests check what a mail client would show.
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        record = {
            "header_names": [name.lower() for name in parsed.keys()],
            "subject": str(parsed["subject"]),
            "body": parsed.get_content(),
            "defects": [type(d).__name__ for d in parsed.defects],
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": envelope.content.decode("utf-8", "replace"),
            "starttls": session.ssl is not None,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "authenticated": bool(session.authenticated),
            "auth_mechanism": getattr(session, "warden_mechanism", None),
        }
        with self.lock, open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        return "250 OK queued as sink-1"


def make_authenticator(user, password):
    def authenticate(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        if ok:
            session.warden_mechanism = mechanism
        return AuthResult(success=ok, handled=False)

    return authenticate


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--cert-dir", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--implicit-tls", action="store_true", help="TLS from the first byte (SMTPS) instead of STARTTLS")
    args = parser.parse_args()

    cert_path, key_path = make_certificate(args.cert_dir)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)

    port = free_port()
    if args.implicit_tls:
        # aiosmtpd only counts STARTTLS as TLS for AUTH; the whole session is TLS here.
        tls_options = {"ssl_context": context, "auth_require_tls": False}
    else:
        tls_options = {"tls_context": context, "require_starttls": True, "auth_require_tls": True}
    controller = Controller(
        Recorder(args.out),
        hostname="127.0.0.1",
        port=port,
        auth_required=True,
        authenticator=make_authenticator(args.user, args.password),
        **tls_options,
    )
    controller.start()
    print(f"READY {port}", flush=True)
    try:
        sys.stdin.read()  # run until the test closes our stdin or kills us
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
