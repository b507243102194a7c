import Foundation
import JWTKit
import WardenCore

/// DEVELOPMENT ONLY. A token issuer inside the cell for the quick start, when no identity provider is configured.
///
/// **Never enable it in production.** Anyone who can run `warden token` (or reach whatever mints through this
/// type) can give themselves any role. It exists so `warden serve` works on a laptop without an IdP, and it
/// must only exist while no external issuer is configured; the gateway must say so loudly at start.
///
/// Its tokens take exactly the path a real IdP's take: the verifier reads its keys through ``jwksFetcher`` (the
/// same ``JWKSFetching`` seam, ``JWKSCache`` and checks), and the tokens are RFC 9068 `at+jwt` with a `kid`.
public struct DevelopmentIssuer: Sendable {
    /// The signing algorithms the development issuer can use.
    public enum Algorithm: String, Sendable, CaseIterable {
        case eddsa = "EdDSA"
        case es256 = "ES256"
    }

    public let issuer: String
    public let keyID: String
    public let algorithm: Algorithm
    /// The private key in PEM, so the cell can keep one key across restarts. Keep it out of logs.
    public let privateKeyPEM: String
    private let publicJWK: JSONValue
    private let signers: JWTKeyCollection

    /// Generates a new key.
    public init(issuer: String, keyID: String = "warden-dev-1", algorithm: Algorithm = .eddsa) async throws {
        switch algorithm {
        case .eddsa: try await self.init(issuer: issuer, keyID: keyID, eddsa: EdDSA.PrivateKey(curve: .ed25519))
        case .es256: try await self.init(issuer: issuer, keyID: keyID, es256: ES256PrivateKey())
        }
    }

    /// Loads a key saved from ``privateKeyPEM``.
    public init(issuer: String, keyID: String, algorithm: Algorithm, privateKeyPEM: String) async throws {
        switch algorithm {
        case .eddsa: try await self.init(issuer: issuer, keyID: keyID, eddsa: EdDSA.PrivateKey(pem: privateKeyPEM))
        case .es256: try await self.init(issuer: issuer, keyID: keyID, es256: ES256PrivateKey(pem: privateKeyPEM))
        }
    }

    private init(issuer: String, keyID: String, eddsa key: EdDSA.PrivateKey) async throws {
        let signers = JWTKeyCollection()
        await signers.add(eddsa: key, kid: JWKIdentifier(string: keyID))
        self.init(
            issuer: issuer, keyID: keyID, algorithm: .eddsa, privateKeyPEM: key.pemRepresentation,
            publicJWK: .object([
                "kty": "OKP", "crv": "Ed25519", "x": .string(Base64URL.encode(key.publicKey.rawRepresentation)),
            ]),
            signers: signers)
    }

    private init(issuer: String, keyID: String, es256 key: ES256PrivateKey) async throws {
        guard let parameters = key.publicKey.parameters else {
            throw ResourceServerConfigurationError("the development issuer's EC key has no public parameters")
        }
        let signers = JWTKeyCollection()
        await signers.add(ecdsa: key, kid: JWKIdentifier(string: keyID))
        self.init(
            issuer: issuer, keyID: keyID, algorithm: .es256, privateKeyPEM: key.pemRepresentation,
            publicJWK: .object([
                "kty": "EC", "crv": "P-256", "x": .string(parameters.x), "y": .string(parameters.y),
            ]),
            signers: signers)
    }

    private init(
        issuer: String, keyID: String, algorithm: Algorithm, privateKeyPEM: String, publicJWK: JSONValue,
        signers: JWTKeyCollection
    ) {
        self.issuer = issuer
        self.keyID = keyID
        self.algorithm = algorithm
        self.privateKeyPEM = privateKeyPEM
        var members = publicJWK.objectValue ?? [:]
        members["kid"] = .string(keyID)
        members["alg"] = .string(algorithm.rawValue)
        members["use"] = "sig"
        self.publicJWK = .object(members)
        self.signers = signers
    }

    /// Mints a short-lived RFC 9068 access token.
    ///
    /// - Parameters:
    ///   - audience: the resource (this cell's canonical URI).
    ///   - lifetime: capped at one hour; development tokens stay short-lived.
    public func issueToken(
        subject: String,
        audience: String,
        roles: [String] = [],
        scopes: [String] = [],
        tenantID: String? = nil,
        clientID: String = "warden-dev",
        lifetime: Duration = .seconds(900),
        now: Date = Date()
    ) async throws -> String {
        let seconds = min(max(lifetime.timeInterval, 1), 3600)
        let payload = DevelopmentAccessTokenPayload(
            iss: issuer,
            sub: subject,
            aud: audience,
            exp: Int64((now.timeIntervalSince1970 + seconds).rounded(.down)),
            iat: Int64(now.timeIntervalSince1970.rounded(.down)),
            nbf: Int64(now.timeIntervalSince1970.rounded(.down)),
            jti: UUID().uuidString.lowercased(),
            clientID: clientID,
            roles: roles.isEmpty ? nil : roles,
            scope: scopes.isEmpty ? nil : scopes.joined(separator: " "),
            tid: tenantID
        )
        var header = JWTHeader()
        header.typ = "at+jwt"
        return try await signers.sign(payload, kid: JWKIdentifier(string: keyID), header: header)
    }

    /// The public JWKS document (`{"keys":[…]}`).
    public func jwksDocument() -> [UInt8] {
        Self.encode(.object(["keys": .array([publicJWK])]))
    }

    /// RFC 8414 authorization server metadata naming the JWKS URL the cell serves.
    public func metadataDocument(jwksURI: String) -> [UInt8] {
        Self.encode(
            .object([
                "issuer": .string(issuer),
                "jwks_uri": .string(jwksURI),
                "response_types_supported": .array([]),
                "grant_types_supported": .array([]),
                "token_endpoint_auth_methods_supported": .array(["none"]),
                "id_token_signing_alg_values_supported": .array([.string(algorithm.rawValue)]),
            ]))
    }

    /// The key source to give ``JWKSCache`` so the verifier checks development tokens like any other.
    public var jwksFetcher: ClosureJWKSFetcher {
        let document = jwksDocument()
        return ClosureJWKSFetcher { document }
    }

    private static func encode(_ value: JSONValue) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)).map { [UInt8]($0) } ?? []
    }
}

/// The claims of a development access token (RFC 9068 §2.2 plus roles).
private struct DevelopmentAccessTokenPayload: JWTPayload {
    var iss: String
    var sub: String
    var aud: String
    var exp: Int64
    var iat: Int64
    var nbf: Int64
    var jti: String
    var clientID: String
    var roles: [String]?
    var scope: String?
    var tid: String?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, iat, nbf, jti, roles, scope, tid
        case clientID = "client_id"
    }

    /// Tokens are checked by ``AccessTokenVerifier``, never by jwt-kit's payload hook.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
