"""Optional TLS and mTLS on the agent listener; the ingress allowlist still acts before any handshake."""

import datetime
import ipaddress
import socket
import ssl

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from conftest import start_cell


def make_ca(name):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    return key, cert


def issue(ca_key, ca_cert, name, usage, san=None):
    key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder().subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
        .issuer_name(ca_cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
    )
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
    return key, builder.sign(ca_key, hashes.SHA256())


def write(path, key=None, cert=None):
    data = b""
    if cert is not None:
        data += cert.public_bytes(serialization.Encoding.PEM)
    if key is not None:
        data += key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    d = tmp_path_factory.mktemp("pki")
    ca_key, ca = make_ca("warden-test-ca")
    server_key, server = issue(ca_key, ca, "127.0.0.1", ExtendedKeyUsageOID.SERVER_AUTH, [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))])
    client_key, client = issue(ca_key, ca, "agent-1", ExtendedKeyUsageOID.CLIENT_AUTH)
    other_ca_key, other_ca = make_ca("stranger-ca")
    stranger_key, stranger = issue(other_ca_key, other_ca, "agent-x", ExtendedKeyUsageOID.CLIENT_AUTH)
    return {
        "ca": write(d / "ca.pem", cert=ca),
        "server_cert": write(d / "server.pem", cert=server),
        "server_key": write(d / "server.key", key=server_key),
        "client_cert": write(d / "client.pem", cert=client),
        "client_key": write(d / "client.key", key=client_key),
        "stranger_cert": write(d / "stranger.pem", cert=stranger),
        "stranger_key": write(d / "stranger.key", key=stranger_key),
    }


def context(pki, cert=None, key=None):
    ctx = ssl.create_default_context(cafile=str(pki["ca"]))
    if cert:
        ctx.load_cert_chain(str(pki[cert]), str(pki[key]))
    return ctx


def test_tls_listener_serves_https_only(idp, http_upstream, tmp_path, pki):
    cell = start_cell(tmp_path, idp, http_upstream, tls={"certificate": pki["server_cert"], "private_key": pki["server_key"]})
    try:
        r = httpx.get(f"https://127.0.0.1:{cell.port}/.well-known/oauth-protected-resource/mcp", verify=context(pki), timeout=10)
        assert r.status_code == 200
        assert r.json()["resource"] == f"https://127.0.0.1:{cell.port}/mcp"
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"http://127.0.0.1:{cell.port}/.well-known/oauth-protected-resource", timeout=5)
    finally:
        cell.process.stop()


def test_ingress_refusal_comes_before_the_tls_handshake(idp, http_upstream, tmp_path, pki):
    cell = start_cell(tmp_path, idp, http_upstream, tls={"certificate": pki["server_cert"], "private_key": pki["server_key"]})
    try:
        s = socket.socket()
        s.settimeout(5)
        s.bind(("127.0.0.2", 0))
        s.connect(("127.0.0.1", cell.port))
        s.sendall(b"\x16\x03\x01\x00\x05hello")  # the start of a ClientHello
        try:
            data = s.recv(100)
        except ConnectionResetError:
            data = b""
        s.close()
        assert data == b"", "the server answered a refused source"
    finally:
        cell.process.stop()


def test_mtls_requires_a_client_certificate_from_the_configured_ca(idp, http_upstream, tmp_path, pki):
    cell = start_cell(
        tmp_path, idp, http_upstream,
        tls={"certificate": pki["server_cert"], "private_key": pki["server_key"], "client_ca": pki["ca"]},
    )
    url = f"https://127.0.0.1:{cell.port}/.well-known/oauth-protected-resource/mcp"
    try:
        assert httpx.get(url, verify=context(pki, "client_cert", "client_key"), timeout=10).status_code == 200
        with pytest.raises(httpx.HTTPError):
            httpx.get(url, verify=context(pki), timeout=10).raise_for_status()
        with pytest.raises(httpx.HTTPError):
            httpx.get(url, verify=context(pki, "stranger_cert", "stranger_key"), timeout=10).raise_for_status()
    finally:
        cell.process.stop()
