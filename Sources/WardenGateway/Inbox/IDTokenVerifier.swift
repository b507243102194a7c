import Foundation
import JWTKit
import WardenCore

/// A person signed in to the inbox: who the identity provider says they are, and their roles.
struct InboxPerson: Sendable, Equatable {
    /// The ID token's `sub`: the approver recorded with every decision.
    var subject: String
    var email: String?
    var name: String?
    var username: String?
    var roles: Set<String>

    /// How the person is shown: the subject, with name and e-mail when the provider gave them.
    var display: String {
        var extras: [String] = []
        if let name { extras.append(name) }
        if let email { extras.append(email) }
        return extras.isEmpty ? subject : "\(extras.joined(separator: " · ")) (\(subject))"
    }
}

/// Verifies an OpenID Connect ID token: an asymmetric signature by one of the provider's JWKS keys, then `iss`,
/// `aud` (the client id), `exp`, `iat`/`nbf`, the login's `nonce` and `sub`.
///
/// Some providers sign without a `kid` (and some publish keys without one), so every usable key of the right type
/// is tried; a key whose `kid` differs from the token's is skipped.
struct IDTokenVerifier: Sendable {
    static let algorithms: Set<String> = [
        "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA",
    ]
    static let maximumBytes = 16 * 1024
    static let maximumKeys = 32
    let issuer: String
    let clientID: String
    let roleClaim: String
    var skew: TimeInterval = 60

    func verify(_ token: String, jwks: [UInt8], nonce: String, now: Date) async throws(InboxRefusal) -> InboxPerson {
        guard token.utf8.count <= Self.maximumBytes else { throw .tokenInvalid }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerBytes = InboxTokens.decodeBase64URL(parts[0]),
            case .object(let header)? = (try? StrictJSONParser().parse(headerBytes)),
            let payloadBytes = InboxTokens.decodeBase64URL(parts[1]),
            let signature = InboxTokens.decodeBase64URL(parts[2]), !signature.isEmpty,
            let algorithm = header["alg"]?.stringValue, Self.algorithms.contains(algorithm), header["crit"] == nil
        else { throw .tokenInvalid }
        let signingInput = Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        guard
            await Self.signatureVerifies(
                signature, input: signingInput, algorithm: algorithm, keyID: header["kid"]?.stringValue, jwks: jwks)
        else { throw .tokenInvalid }
        guard case .object(let claims)? = (try? StrictJSONParser().parse(payloadBytes)) else { throw .tokenInvalid }
        try check(claims, nonce: nonce, now: now)
        guard let subject = claims["sub"]?.stringValue, !subject.isEmpty, subject.utf8.count <= 256 else {
            throw .tokenInvalid
        }
        return InboxPerson(
            subject: subject, email: claims["email"]?.stringValue, name: claims["name"]?.stringValue,
            username: claims["preferred_username"]?.stringValue, roles: Self.roles(in: .object(claims), at: roleClaim))
    }

    private func check(_ claims: [String: JSONValue], nonce: String, now: Date) throws(InboxRefusal) {
        guard claims["iss"]?.stringValue == issuer else { throw .tokenInvalid }
        switch claims["aud"] {
        case .string(let audience)?:
            guard audience == clientID else { throw .tokenInvalid }
        case .array(let audiences)?:
            guard audiences.contains(.string(clientID)) else { throw .tokenInvalid }
            // OIDC Core §3.1.3.7: with several audiences, the token must be issued to this client.
            if audiences.count > 1 { guard claims["azp"]?.stringValue == clientID else { throw .tokenInvalid } }
        default: throw .tokenInvalid
        }
        let current = now.timeIntervalSince1970
        guard let expiry = Self.seconds(claims["exp"]), expiry > current - skew else { throw .tokenInvalid }
        if let claim = claims["iat"] {
            guard let issued = Self.seconds(claim), issued <= current + skew else { throw .tokenInvalid }
        }
        if let claim = claims["nbf"] {
            guard let notBefore = Self.seconds(claim), notBefore <= current + skew else { throw .tokenInvalid }
        }
        guard let presented = claims["nonce"]?.stringValue, InboxTokens.equal(presented, nonce) else {
            throw .tokenInvalid
        }
    }

    static func seconds(_ value: JSONValue?) -> TimeInterval? {
        switch value {
        case .integer(let n)?: TimeInterval(n)
        case .double(let d)? where d.isFinite: d
        default: nil
        }
    }

    /// The person's roles: a list of strings, or one string that is one role (never split: "Not an approver" is
    /// not the role `approver`), at a dotted claim path.
    static func roles(in claims: JSONValue, at path: String) -> Set<String> {
        var node: JSONValue? = claims
        for part in path.split(separator: ".") { node = node?[String(part)] }
        switch node {
        case .array(let values)?: return Set(values.compactMap(\.stringValue))
        case .string(let text)?: return [text]
        default: return []
        }
    }

    /// Whether any usable key of the JWKS verifies the signature for `algorithm`.
    static func signatureVerifies(
        _ signature: [UInt8], input: [UInt8], algorithm: String, keyID: String?, jwks: [UInt8]
    ) async -> Bool {
        guard case .object(let root)? = (try? StrictJSONParser().parse(jwks)), case .array(let entries)? = root["keys"]
        else {
            return false
        }
        for entry in entries.prefix(maximumKeys) {
            guard let verifier = await verifier(entry, algorithm: algorithm, keyID: keyID) else { continue }
            if (try? verifier.verify(signature, signs: input)) == true { return true }
        }
        return false
    }

    /// A verifier for one JWK, or nil when the key cannot verify `algorithm` (wrong type, private, not for signing).
    static func verifier(_ entry: JSONValue, algorithm: String, keyID: String?) async -> (any JWTAlgorithm)? {
        guard case .object(var members) = entry, let keyType = members["kty"]?.stringValue else { return nil }
        if let keyID, let own = members["kid"]?.stringValue, own != keyID { return nil }
        if let use = members["use"], use != .string("sig") { return nil }
        if let declared = members["alg"]?.stringValue, declared != algorithm { return nil }
        for privateMember in ["d", "p", "q", "dp", "dq", "qi", "k"] where members[privateMember] != nil { return nil }
        let expected: (type: String, curve: String?) =
            switch algorithm {
            case "ES256": ("EC", "P-256")
            case "ES384": ("EC", "P-384")
            case "EdDSA": ("OKP", "Ed25519")
            default: ("RSA", nil)
            }
        guard keyType == expected.type, expected.curve == nil || members["crv"]?.stringValue == expected.curve else {
            return nil
        }
        members["alg"] = .string(algorithm)
        members["kid"] = .string("inbox-candidate")
        do {
            let jwk = try JSONDecoder().decode(JWK.self, from: JSONEncoder().encode(JSONValue.object(members)))
            let collection = JWTKeyCollection()
            try await collection.add(jwk: jwk)
            return try await collection.getKey(for: JWKIdentifier(string: "inbox-candidate"), alg: algorithm)
        } catch {
            return nil
        }
    }
}
