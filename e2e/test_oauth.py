"""The agent listener is an OAuth 2.1 resource server: every hostile or misdirected token is refused with
the right status and `WWW-Authenticate` challenge, before any MCP processing."""

import base64
import hashlib
import hmac
import json
import time

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from conftest import client_credentials_token
from mcp_client import json_headers

PING = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
INIT = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}},
}


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def post_with(cell, authorization=None, url=None):
    headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
    if authorization is not None:
        headers["Authorization"] = authorization
    return httpx.post(url or cell.mcp_url, headers=headers, json=INIT, timeout=10)


def assert_challenge(response, cell, status=401, error=None):
    assert response.status_code == status, response.text
    challenge = response.headers.get("www-authenticate", "")
    assert challenge.startswith("Bearer "), challenge
    assert f'resource_metadata="{cell.base}/.well-known/oauth-protected-resource/mcp"' in challenge
    if error:
        assert f'error="{error}"' in challenge
    return challenge


def test_protected_resource_metadata_names_the_issuer(cell, idp):
    for path in ("/.well-known/oauth-protected-resource/mcp", "/.well-known/oauth-protected-resource"):
        doc = httpx.get(cell.base + path, timeout=5).json()
        assert doc["resource"] == cell.mcp_url
        assert doc["authorization_servers"] == [idp.issuer]


def test_missing_token_is_challenged(cell):
    challenge = assert_challenge(post_with(cell), cell)
    assert "error=" not in challenge  # RFC 6750: no error code when no credentials were sent


def test_valid_token_is_accepted(cell, tokens):
    assert post_with(cell, f"Bearer {tokens['analyst']}").status_code == 200


def test_token_in_query_is_refused(cell, tokens):
    r = post_with(cell, url=f"{cell.mcp_url}?access_token={tokens['analyst']}")
    assert r.status_code in (400, 401)
    assert "www-authenticate" in r.headers


def test_garbage_token(cell):
    assert_challenge(post_with(cell, "Bearer not.a.jwt"), cell, error="invalid_token")


def test_alg_none_is_refused(cell, tokens):
    header, payload, _ = tokens["analyst"].split(".")
    none_header = b64(json.dumps({"alg": "none", "typ": "at+jwt"}).encode())
    assert_challenge(post_with(cell, f"Bearer {none_header}.{payload}."), cell, error="invalid_token")


def test_hs256_signed_with_the_public_key_is_refused(cell, idp, tokens):
    jwks = httpx.get(f"{idp.issuer}/jwks", timeout=5).json()
    rsa = next(k for k in jwks["keys"] if k["kty"] == "RSA")
    public_pem = RSAKey.import_key(rsa).as_pem(private=False)
    claims = json.loads(base64.urlsafe_b64decode(tokens["analyst"].split(".")[1] + "=="))
    # Signed by hand: JOSE libraries (rightly) refuse to use a public key as an HMAC secret.
    signing_input = b64(json.dumps({"alg": "HS256", "kid": rsa["kid"], "typ": "at+jwt"}).encode()) + "." + b64(json.dumps(claims).encode())
    tag = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    forged = f"{signing_input}.{b64(tag)}"
    assert_challenge(post_with(cell, f"Bearer {forged}"), cell, error="invalid_token")


def test_unknown_kid_is_refused(cell, tokens):
    stranger = RSAKey.generate_key(2048, parameters={"kid": "stranger-key"})
    claims = json.loads(base64.urlsafe_b64decode(tokens["analyst"].split(".")[1] + "=="))
    forged = jwt.encode({"alg": "RS256", "kid": "stranger-key", "typ": "at+jwt"}, claims, stranger)
    assert_challenge(post_with(cell, f"Bearer {forged}"), cell, error="invalid_token")


def test_token_for_another_resource_is_refused(cell, idp):
    other = client_credentials_token(idp, "analyst-agent", "analyst-pass", "https://other.example/mcp")
    assert_challenge(post_with(cell, f"Bearer {other}"), cell, error="invalid_token")


def test_tampered_payload_is_refused(cell, tokens):
    header, payload, signature = tokens["analyst"].split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["roles"] = ["clerk", "admin"]
    assert_challenge(post_with(cell, f"Bearer {header}.{b64(json.dumps(claims).encode())}.{signature}"), cell, error="invalid_token")


def forge(idp, tokens, kid="rsa-1", alg="RS256", **changes):
    """A token signed with the IdP's real key whose claims are changed as given (None deletes a claim)."""
    keys = KeySet.import_key_set(json.loads(idp.signing_keys.read_text()))
    claims = json.loads(base64.urlsafe_b64decode(tokens["analyst"].split(".")[1] + "=="))
    for name, value in changes.items():
        if value is None:
            claims.pop(name, None)
        else:
            claims[name] = value
    return jwt.encode({"alg": alg, "kid": kid, "typ": "at+jwt"}, claims, keys)


def test_forged_control_token_is_accepted(cell, idp, tokens):
    # The forging path itself works: with no change, the resource server accepts it.
    assert post_with(cell, f"Bearer {forge(idp, tokens)}").status_code == 200


class FromNow(int):
    """A time claim as seconds from when the test runs, not from when it was collected: a long e2e run
    (over ten minutes on a loaded host) must not let `nbf: now + 600` come true before it is sent."""


@pytest.mark.parametrize(
    "changes",
    [
        {"exp": FromNow(-600)},
        {"nbf": FromNow(600)},
        {"iss": "http://127.0.0.1:1/evil"},
        {"aud": "https://other.example/mcp"},
        {"aud": ["https://other.example/mcp", "https://x.example"]},
        {"exp": None},
        {"sub": None},
    ],
)
def test_hostile_claims_are_refused(cell, idp, tokens, changes):
    changes = {k: int(time.time()) + v if isinstance(v, FromNow) else v for k, v in changes.items()}
    assert_challenge(post_with(cell, f"Bearer {forge(idp, tokens, **changes)}"), cell, error="invalid_token")


def test_key_of_another_algorithm_is_refused(cell, idp, tokens):
    # Signed with the EC key but naming the RSA key's kid: the key's algorithm must match the token's.
    keys = KeySet.import_key_set(json.loads(idp.signing_keys.read_text()))
    claims = json.loads(base64.urlsafe_b64decode(tokens["analyst"].split(".")[1] + "=="))
    ec = keys.get_by_kid("ec-1")
    token = jwt.encode({"alg": "ES256", "kid": "rsa-1", "typ": "at+jwt"}, claims, ec)
    assert_challenge(post_with(cell, f"Bearer {token}"), cell, error="invalid_token")


def test_two_authorization_schemes_are_refused(cell, tokens):
    r = post_with(cell, f"Basic abc, Bearer {tokens['analyst']}")
    assert r.status_code in (400, 401)


def test_refusals_do_not_echo_the_token(cell, tokens):
    header, payload, _ = tokens["analyst"].split(".")
    r = post_with(cell, f"Bearer {header}.{payload}.AAAA")
    assert payload not in r.text and payload not in r.headers.get("www-authenticate", "")


def test_missing_required_scope_is_insufficient_scope(idp, http_upstream, tmp_path):
    from conftest import start_cell

    scoped = start_cell(tmp_path, idp, http_upstream, scopes=("mcp.tools",))
    try:
        token = client_credentials_token(idp, "analyst-agent", "analyst-pass", scoped.mcp_url)
        r = post_with(scoped, f"Bearer {token}")
        challenge = assert_challenge(r, scoped, status=403, error="insufficient_scope")
        assert 'scope="mcp.tools"' in challenge
    finally:
        scoped.process.stop()
