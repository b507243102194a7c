import Foundation
import JWTKit
import Synchronization
import WardenCore
import _CryptoExtras

@testable import WardenOAuth

/// A key that signs test tokens, with the public JWK a JWKS would publish for it.
struct TestSigningKey: Sendable {
    let keyID: String
    let algorithm: String
    let signer: any JWTAlgorithm
    let publicJWK: [String: JSONValue]
}

/// Builds tokens byte by byte, so hostile headers and claims can be made exactly as an attacker would.
enum TokenForge {
    /// One RSA key for the whole test run (generation is slow).
    static let rsaPrivateKey: JWTKit.Insecure.RSA.PrivateKey = {
        do {
            return try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        } catch {
            fatalError("RSA key generation failed: \(error)")
        }
    }()

    static func rsaKey(keyID: String = "rsa-1", jwkAlgorithm: String? = "RS256") async throws -> TestSigningKey {
        let collection = JWTKeyCollection()
        await collection.add(rsa: rsaPrivateKey, digestAlgorithm: .sha256, kid: JWKIdentifier(string: keyID))
        let signer = try await collection.getKey(for: JWKIdentifier(string: keyID))
        let primitives = try rsaPrivateKey.publicKey.getKeyPrimitives()
        var jwk: [String: JSONValue] = [
            "kty": "RSA", "kid": .string(keyID), "use": "sig",
            "n": .string(Base64URL.encode(primitives.modulus)),
            "e": .string(Base64URL.encode(primitives.publicExponent)),
        ]
        if let jwkAlgorithm { jwk["alg"] = .string(jwkAlgorithm) }
        return TestSigningKey(keyID: keyID, algorithm: "RS256", signer: signer, publicJWK: jwk)
    }

    static func eddsaKey(keyID: String) async throws -> TestSigningKey {
        let key = try EdDSA.PrivateKey(curve: .ed25519)
        let collection = JWTKeyCollection()
        await collection.add(eddsa: key, kid: JWKIdentifier(string: keyID))
        let signer = try await collection.getKey(for: JWKIdentifier(string: keyID))
        let jwk: [String: JSONValue] = [
            "kty": "OKP", "crv": "Ed25519", "kid": .string(keyID),
            "x": .string(Base64URL.encode(key.publicKey.rawRepresentation)),
        ]
        return TestSigningKey(keyID: keyID, algorithm: "EdDSA", signer: signer, publicJWK: jwk)
    }

    /// A HMAC-SHA256 signer whose secret is `secret` (for the key-confusion attack).
    static func hmacSigner(secret: [UInt8]) async throws -> any JWTAlgorithm {
        let collection = JWTKeyCollection()
        await collection.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256, kid: "hmac")
        return try await collection.getKey(for: "hmac")
    }

    static func encode(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Base64URL.encode((try? encoder.encode(value)) ?? Data())
    }

    /// `header.payload.signature`, signed by `signer` over the first two parts (empty signature when `nil`).
    static func token(header: [String: JSONValue], claims: [String: JSONValue], signer: (any JWTAlgorithm)?) -> String {
        let signingInput = encode(.object(header)) + "." + encode(.object(claims))
        guard let signer else { return signingInput + "." }
        let signature = (try? signer.sign(Array(signingInput.utf8))) ?? []
        return signingInput + "." + Base64URL.encode(signature)
    }

    /// A token signed by `key`, typed `at+jwt` (RFC 9068) unless `extra` overrides `typ`, so that every other test
    /// checks the rule it names rather than tripping over the type check, which is on by default.
    static func token(key: TestSigningKey, claims: [String: JSONValue], header extra: [String: JSONValue] = [:])
        -> String
    {
        var header: [String: JSONValue] = ["alg": .string(key.algorithm), "kid": .string(key.keyID), "typ": "at+jwt"]
        header.merge(extra) { _, new in new }
        return token(header: header, claims: claims, signer: key.signer)
    }

    static func jwks(_ keys: [[String: JSONValue]]) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let document = JSONValue.object(["keys": .array(keys.map { .object($0) })])
        return [UInt8]((try? encoder.encode(document)) ?? Data())
    }
}

/// A clock the test moves by hand.
final class ManualClock: Sendable {
    private let current: Mutex<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        current = Mutex(start)
    }

    var now: Date { current.withLock { $0 } }

    func advance(seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}

/// A JWKS endpoint the test controls: the document it serves, and how often it was asked.
final class JWKSEndpoint: JWKSFetching {
    private let state = Mutex<(document: [UInt8]?, fetches: Int)>((nil, 0))

    init(_ document: [UInt8]?) {
        state.withLock { $0.document = document }
    }

    /// Serves `document` from now on (`nil` makes fetches fail).
    func serve(_ document: [UInt8]?) {
        state.withLock { $0.document = document }
    }

    var fetches: Int { state.withLock { $0.fetches } }

    func fetchJWKS() async throws -> [UInt8] {
        let document = state.withLock { state -> [UInt8]? in
            state.fetches += 1
            return state.document
        }
        guard let document else { throw OAuthFetchError("test endpoint is down") }
        return document
    }
}

/// A verifier wired to a controllable JWKS endpoint and clock.
struct Harness {
    static let issuer = "https://login.example.com/tenant-a/v2.0"
    static let resource = "https://warden.example.com/mcp"

    let clock: ManualClock
    let endpoint: JWKSEndpoint
    let cache: JWKSCache
    let verifier: AccessTokenVerifier
    let key: TestSigningKey

    init(
        key: TestSigningKey,
        jwks: [UInt8]? = nil,
        configure: (inout ResourceServerConfiguration) -> Void = { _ in }
    ) throws {
        var configuration = ResourceServerConfiguration(issuer: Self.issuer, resource: Self.resource)
        configure(&configuration)
        let clock = ManualClock()
        let endpoint = JWKSEndpoint(jwks ?? TokenForge.jwks([key.publicJWK]))
        let cache = JWKSCache(fetcher: endpoint, now: { clock.now })
        self.clock = clock
        self.endpoint = endpoint
        self.cache = cache
        self.key = key
        self.verifier = try AccessTokenVerifier(configuration: configuration, keys: cache, now: { clock.now })
    }

    /// Claims of a valid token for this server, as of the harness clock.
    func claims(_ changes: [String: JSONValue] = [:]) -> [String: JSONValue] {
        let now = clock.now.timeIntervalSince1970
        var claims: [String: JSONValue] = [
            "iss": .string(Self.issuer), "aud": .string(Self.resource), "sub": "agent-7",
            "exp": .double(now + 300), "iat": .double(now), "nbf": .double(now),
            "jti": "token-1", "client_id": "client-a", "roles": ["analyst"], "scope": "mcp.tools",
            "tid": "tenant-a",
        ]
        claims.merge(changes) { _, new in new }
        return claims
    }

    func token(_ changes: [String: JSONValue] = [:], header: [String: JSONValue] = [:]) -> String {
        TokenForge.token(key: key, claims: claims(changes), header: header)
    }

    func verify(_ token: String) async -> Result<VerifiedAccessToken, AccessTokenError> {
        await verifier.verify(authorizationHeader: "Bearer " + token)
    }

    func error(_ token: String) async -> AccessTokenError? {
        if case .failure(let error) = await verify(token) { return error }
        return nil
    }
}
