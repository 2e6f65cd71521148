"""A minimal MySQL server for the TLS tests, and the certificates it presents.

No MySQL server with a certificate of a known CA runs here, so this one speaks the first
steps of the MySQL protocol on 127.0.0.1 (the greeting, the client's TLS request, the TLS
handshake, then the client's login packet) and records how far the client went.
"""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
import struct
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CLIENT_LONG_PASSWORD = 0x1
CLIENT_CONNECT_WITH_DB = 0x8
CLIENT_PROTOCOL_41 = 0x200
CLIENT_SSL = 0x800
CLIENT_SECURE_CONNECTION = 0x8000
CLIENT_PLUGIN_AUTH = 0x80000
TOKEN = "entra-access-token-of-the-identity"


@dataclass(frozen=True)
class Token:
    token: str


class IdentityCredential:
    """Stands in for azure-identity's credential (a third-party SDK; Entra is not here)."""

    def get_token(self, *scopes: str) -> Token:
        return Token(TOKEN)


class NoIdentity:
    """azure-identity's credential where no managed identity answers."""

    def get_token(self, *scopes: str) -> Token:
        raise RuntimeError("ManagedIdentityCredential: no response from the IMDS endpoint")


@dataclass(frozen=True)
class Pki:
    ca_file: Path
    certs: dict[str, tuple[Path, Path]]


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(
    subject: str, key: ec.EllipticCurvePrivateKey, issuer: tuple[str, Any] | None, san: str | None
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    signer_name, signer_key = issuer or (subject, key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(signer_name))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=san is None, path_length=None), critical=True)
    )
    if san is not None:
        alt: x509.GeneralName = (
            x509.IPAddress(ipaddress.ip_address(san)) if san[0].isdigit() else x509.DNSName(san)
        )
        builder = builder.add_extension(x509.SubjectAlternativeName([alt]), critical=False)
    else:
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    return builder.sign(signer_key, hashes.SHA256())


def make_pki(root: Path) -> Pki:
    """A test CA; a server certificate it signs for 127.0.0.1, one it signs for another
    name, and a self-signed one no bundle trusts."""
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("test root", ca_key, None, None)
    ca_file = root / "ca.pem"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    certs: dict[str, tuple[Path, Path]] = {}
    for label, issuer, san in (
        ("trusted", ("test root", ca_key), "127.0.0.1"),
        ("other-name", ("test root", ca_key), "db.example.net"),
        ("self-signed", None, "127.0.0.1"),
    ):
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _certificate("mysql", key, issuer, san)
        cert_file, key_file = root / f"{label}.pem", root / f"{label}.key"
        cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        certs[label] = (cert_file, key_file)
    return Pki(ca_file, certs)


def _packet(seq: int, payload: bytes) -> bytes:
    return struct.pack("<I", len(payload))[:3] + bytes([seq]) + payload


def _greeting(tls: bool) -> bytes:
    caps = CLIENT_LONG_PASSWORD | CLIENT_CONNECT_WITH_DB | CLIENT_PROTOCOL_41
    caps |= CLIENT_SECURE_CONNECTION | CLIENT_PLUGIN_AUTH | (CLIENT_SSL if tls else 0)
    return (
        b"\x0a8.0.36\x00"
        + struct.pack("<I", 7)
        + b"abcdefgh\x00"
        + struct.pack("<HBHHB", caps & 0xFFFF, 0x21, 2, caps >> 16, 21)
        + b"\x00" * 10
        + b"ijklmnopqrst\x00"
        + b"mysql_native_password\x00"
    )


def _read_packet(conn: socket.socket | ssl.SSLSocket) -> bytes:
    header = b""
    while len(header) < 4:
        chunk = conn.recv(4 - len(header))
        if not chunk:
            raise ConnectionError("closed")
        header += chunk
    length = int.from_bytes(header[:3], "little")
    body = b""
    while len(body) < length:
        chunk = conn.recv(length - len(body))
        if not chunk:
            raise ConnectionError("closed")
        body += chunk
    return body


@dataclass
class FakeMySql:
    """Greets one client at a time and records ``tls-request``, ``tls-established`` or
    ``tls-refused``, and ``login`` with the user the client sent."""

    context: ssl.SSLContext | None
    steps: list[str] = field(default_factory=list)
    finished: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            with conn:
                self._session(conn)

    def _session(self, conn: socket.socket) -> None:
        channel: socket.socket | ssl.SSLSocket = conn
        try:
            conn.sendall(_packet(0, _greeting(self.context is not None)))
            first = _read_packet(conn)
            if self.context is not None and len(first) == 32:
                self.steps.append("tls-request")
                try:
                    channel = self.context.wrap_socket(conn, server_side=True)
                except (ssl.SSLError, OSError):
                    self.steps.append("tls-refused")
                    return
                self.steps.append("tls-established")
                first = _read_packet(channel)
            user = first[32 : first.index(b"\x00", 32)].decode()
            self.steps.append(f"login {user}")
        except ConnectionError:
            return
        finally:
            self.finished.set()

    def close(self) -> None:
        self.listener.shutdown(socket.SHUT_RDWR)
        self.listener.close()
        self.thread.join(timeout=5)


def server_context(pki: Pki, label: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    cert_file, key_file = pki.certs[label]
    context.load_cert_chain(cert_file, key_file)
    return context
