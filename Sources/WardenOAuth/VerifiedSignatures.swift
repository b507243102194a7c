import Crypto
import Foundation
import WardenCore

/// Access tokens whose header rules and signature were already checked, keyed by the SHA-256 of the token's
/// bytes (the token itself is not kept). An agent presents the same token on every request; checking its
/// signature once per token instead of once per request takes a public-key operation off the call path.
///
/// What is remembered is only that *these bytes* carry a valid signature by *this key* (`kid`, algorithm and the
/// key's fingerprint): a hit is used only while the issuer's key set still holds that key unchanged, and the
/// claims are judged again on every request. Failed tokens are never remembered. Bounded: expired entries go
/// first when it is full, then everything (the next requests verify in full again).
final class VerifiedSignatures: Sendable {
    struct Entry: Sendable {
        var keyID: String
        var algorithm: JWSAlgorithm
        var keyFingerprint: String
        var payload: [String: JSONValue]
        var expiresAt: Date
    }

    static let capacity = 4096

    private let entries = Locked<[SHA256Digest: Entry]>([:])

    static func digest(of token: Substring) -> SHA256Digest {
        var token = token
        return token.withUTF8 { SHA256.hash(data: $0) }
    }

    func lookup(_ digest: SHA256Digest) -> Entry? {
        entries.withLock { $0[digest] }
    }

    func forget(_ digest: SHA256Digest) {
        entries.withLock { $0[digest] = nil }
    }

    func remember(_ digest: SHA256Digest, _ entry: Entry, now: Date) {
        entries.withLock { entries in
            if entries.count >= Self.capacity, entries[digest] == nil {
                entries = entries.filter { $0.value.expiresAt > now }
                if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            }
            entries[digest] = entry
        }
    }

    var count: Int { entries.withLock { $0.count } }
}
