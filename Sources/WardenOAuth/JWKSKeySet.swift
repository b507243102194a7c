import Foundation
import JWTKit
import Logging
import WardenCore

/// One public key from the issuer's JWKS, ready to verify signatures of exactly one algorithm.
struct VerificationKey: Sendable {
    let keyID: String
    let algorithm: JWSAlgorithm
    let verifier: any JWTAlgorithm
    /// SHA-256 of the key's canonical JWK: a key replaced under the same `kid` has another fingerprint.
    let fingerprint: String
}

/// A key from a JWKS that was skipped, and why (logged by key id; never fatal for the other keys).
struct SkippedKey: Error, Sendable, Equatable {
    let keyID: String?
    let reason: String
}

/// Turns a JWKS document into verification keys, one key at a time, so a bad key never rejects the others.
enum JWKSKeySet {
    /// Upper bound on keys considered from one document (bounds the work a hostile JWKS can cause).
    static let maximumKeys = 64

    struct Parsed: Sendable {
        var keys: [String: [VerificationKey]] = [:]
        var skipped: [SkippedKey] = []
        var count: Int { keys.values.reduce(0) { $0 + $1.count } }
    }

    /// Parses a JWKS document; `nil` when the document itself is not a JWKS (not JSON, no `keys` array).
    static func parse(_ document: [UInt8]) async -> Parsed? {
        guard case .object(let root)? = JSONValue.parse(document), case .array(let entries)? = root["keys"] else {
            return nil
        }
        var parsed = Parsed()
        for entry in entries.prefix(maximumKeys) {
            switch await makeKey(entry) {
            case .success(let key): parsed.keys[key.keyID, default: []].append(key)
            case .failure(let skipped): parsed.skipped.append(skipped)
            }
        }
        if entries.count > maximumKeys {
            parsed.skipped.append(SkippedKey(keyID: nil, reason: "more than \(maximumKeys) keys; the rest ignored"))
        }
        return parsed
    }

    /// Checks one JWK against our rules and builds its verifier through jwt-kit.
    static func makeKey(_ entry: JSONValue) async -> Result<VerificationKey, SkippedKey> {
        guard case .object(var members) = entry else {
            return .failure(SkippedKey(keyID: nil, reason: "not a JSON object"))
        }
        guard let kid = members["kid"]?.stringValue, !kid.isEmpty else {
            return .failure(SkippedKey(keyID: nil, reason: "no kid"))
        }
        let skip = { (reason: String) in
            Result<VerificationKey, SkippedKey>.failure(SkippedKey(keyID: kid, reason: reason))
        }
        guard let keyType = members["kty"]?.stringValue else { return skip("no kty") }
        if keyType == "oct" { return skip("symmetric keys are never used") }
        if let use = members["use"], use != .string("sig") { return skip("use is not sig") }
        if case .array(let operations)? = members["key_ops"], !operations.contains(.string("verify")) {
            return skip("key_ops does not include verify")
        }
        for privateMember in ["d", "p", "q", "dp", "dq", "qi", "k"] where members[privateMember] != nil {
            return skip("private key material in a public key set")
        }
        let curve = members["crv"]?.stringValue
        let algorithm: JWSAlgorithm
        if let declared = members["alg"] {
            guard let name = declared.stringValue, let named = JWSAlgorithm(rawValue: name) else {
                return skip("alg is not a supported signature algorithm")
            }
            algorithm = named
        } else {
            guard let implied = JWSAlgorithm.implied(keyType: keyType, curve: curve) else {
                return skip("unsupported kty/crv")
            }
            algorithm = implied
        }
        guard algorithm.keyType == keyType, algorithm.curve == nil || algorithm.curve == curve else {
            return skip("kty/crv do not fit alg \(algorithm.rawValue)")
        }
        // Pin the algorithm in the JWK so jwt-kit builds a verifier for exactly this algorithm.
        members["alg"] = .string(algorithm.rawValue)
        do {
            let encoded = try JSONEncoder().encode(JSONValue.object(members))
            let jwk = try JSONDecoder().decode(JWK.self, from: encoded)
            let collection = JWTKeyCollection()
            try await collection.add(jwk: jwk)
            let verifier = try await collection.getKey(for: JWKIdentifier(string: kid), alg: algorithm.rawValue)
            guard verifier.name == algorithm.rawValue else { return skip("verifier does not match alg") }
            return .success(
                VerificationKey(
                    keyID: kid, algorithm: algorithm, verifier: verifier,
                    fingerprint: CanonicalJSON.sha256Hex(.object(members))))
        } catch {
            return skip("key material is invalid")
        }
    }
}
