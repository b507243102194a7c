"""A small OAuth 2.0 authorization server for Warden's end-to-end tests, built on Authlib.

It issues RFC 9068 JWT access tokens through the client-credentials grant:

* `aud` is the RFC 8707 `resource` request parameter (a token request without one is refused),
* `roles` come from the client -> roles table given on the command line,
* tokens carry a `kid` and are signed with RS256 (default) or ES256 (form field `token_alg=ES256`),
* metadata is served at /.well-known/oauth-authorization-server and /.well-known/openid-configuration,
  and the public keys at /jwks.

Usage:
    python e2e/idp/authlib_server.py --port 9400 --issuer http://127.0.0.1:9400 \
        --client agent-1:secret-1:analyst,reader --client admin:secret-2:admin

When it is listening it prints one line: `READY <issuer>`.
Test tool only: keys live in memory and are generated at start.
"""

import argparse
import json
import sys

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin
from authlib.oauth2.rfc6749.errors import InvalidRequestError, OAuth2Error
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc9068 import JWTBearerTokenGenerator
from flask import Flask, jsonify, request
from joserfc.jwk import ECKey, KeySet, RSAKey


class Client(ClientMixin):
    """A confidential client with a secret and a fixed set of roles."""

    def __init__(self, client_id, secret, roles):
        self.client_id = client_id
        self.secret = secret
        self.roles = roles

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return scope or ""

    def check_redirect_uri(self, redirect_uri):
        return False

    def check_client_secret(self, client_secret):
        import hmac

        return hmac.compare_digest(self.secret.encode(), (client_secret or "").encode())

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return False

    def check_grant_type(self, grant_type):
        return grant_type == "client_credentials"


def parse_client(spec):
    """`id:secret:role1,role2` -> Client."""
    parts = spec.split(":", 2)
    if len(parts) != 3 or not parts[0] or not parts[1]:
        raise argparse.ArgumentTypeError(f"client must be id:secret:role1,role2 (got {spec!r})")
    roles = [role for role in parts[2].split(",") if role]
    return Client(parts[0], parts[1], roles)


class InvalidTargetError(OAuth2Error):
    """RFC 8707 §2: the requested resource is missing or not acceptable."""

    error = "invalid_target"


class ResourceBoundTokenGenerator(JWTBearerTokenGenerator):
    """RFC 9068 tokens whose audience is the RFC 8707 resource and that carry the client's roles."""

    def __init__(self, issuer, keys, extra_claims=None):
        # An hour: the suite mints tokens once per session or module, and a five-minute token expired mid-run on a
        # loaded machine. Expiry itself is tested with tokens signed by the exported key.
        super().__init__(issuer=issuer, alg="RS256", expires_generator=lambda client, grant_type: 3600)
        self.keys = keys
        self.extra_claims = extra_claims or {}

    def get_jwks(self):
        return self.keys

    def get_audiences(self, client, user, scope):
        resource = request.form.get("resource")
        if not resource:
            raise InvalidTargetError(description="the resource parameter (RFC 8707) is required")
        return resource

    def get_extra_claims(self, client, grant_type, user, scope):
        return {**self.extra_claims, "roles": client.roles}

    def access_token_generator(self, client, grant_type, user, scope):
        requested = request.form.get("token_alg", "RS256")
        if requested not in ("RS256", "ES256"):
            raise InvalidRequestError(description="token_alg must be RS256 or ES256")
        self.alg = requested
        return super().access_token_generator(client, grant_type, user, scope)


def create_app(issuer, clients, export_keys=None, extra_claims=None):
    keys = KeySet(
        [
            RSAKey.generate_key(2048, parameters={"kid": "rsa-1", "alg": "RS256", "use": "sig"}),
            ECKey.generate_key("P-256", parameters={"kid": "ec-1", "alg": "ES256", "use": "sig"}),
        ]
    )
    if export_keys:
        # Test-only: lets a test sign tokens with hostile claims (expired, wrong issuer) using the very key the
        # resource server trusts, so each refusal is about the claim and not about the signature.
        with open(export_keys, "w", encoding="utf-8") as handle:
            json.dump(keys.as_dict(private=True), handle)
    table = {client.client_id: client for client in clients}
    app = Flask(__name__)
    server = AuthorizationServer(
        app,
        query_client=lambda client_id: table.get(client_id),
        save_token=lambda token, req: None,
    )
    server.register_grant(ClientCredentialsGrant)
    server.register_token_generator("default", ResourceBoundTokenGenerator(issuer, keys, extra_claims))

    metadata = {
        "issuer": issuer,
        "token_endpoint": issuer + "/token",
        "jwks_uri": issuer + "/jwks",
        "grant_types_supported": ["client_credentials"],
        "response_types_supported": ["token"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "ES256"],
    }

    @app.get("/.well-known/oauth-authorization-server")
    @app.get("/.well-known/openid-configuration")
    def server_metadata():
        return jsonify(metadata)

    @app.get("/jwks")
    def jwks():
        return jsonify(keys.as_dict(private=False))

    @app.post("/token")
    def token():
        return server.create_token_response()

    return app


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--issuer", required=True, help="issuer URL, exactly as it appears in iss")
    parser.add_argument("--client", action="append", type=parse_client, default=[], help="id:secret:role1,role2")
    parser.add_argument("--export-signing-keys", help="test only: write the private JWKS to this file")
    parser.add_argument("--extra-claims", type=json.loads, default={}, help="JSON object added to every token")
    args = parser.parse_args()
    issuer = args.issuer.rstrip("/")
    app = create_app(issuer, args.client, args.export_signing_keys, args.extra_claims)

    from werkzeug.serving import make_server

    http = make_server(args.host, args.port, app, threaded=False)
    print(f"READY {issuer}", flush=True)
    try:
        http.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
