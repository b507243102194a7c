import Crypto
import Foundation

/// One grant key: its id and its HMAC-SHA256 key.
///
/// HMAC (RFC 2104) is computed here from two SHA-256 states prepared once per key — the hash of `key ⊕ ipad`
/// and of `key ⊕ opad` — so verifying a grant costs only the message blocks plus one outer block, through the
/// concrete `SHA256` type (Crypto's generic `HMAC.update(data:)` costs runtime generic-metadata lookups per
/// call on the hot path). Tests check every tag against Crypto's `HMAC<SHA256>`.
public struct GrantKey: Sendable, CustomStringConvertible {
    public let keyID: String
    private let inner: SHA256
    private let outer: SHA256

    public init(keyID: String, key: SymmetricKey) {
        self.keyID = keyID
        var block = [UInt8](repeating: 0, count: SHA256.blockByteCount)
        key.withUnsafeBytes { raw in
            if raw.count > SHA256.blockByteCount {
                let digest = SHA256.hash(data: raw)
                digest.withUnsafeBytes { for (index, byte) in $0.enumerated() { block[index] = byte } }
            } else {
                for (index, byte) in raw.enumerated() { block[index] = byte }
            }
        }
        var inner = SHA256()
        var outer = SHA256()
        block.map { $0 ^ 0x36 }.withUnsafeBytes { inner.update(bufferPointer: $0) }
        block.map { $0 ^ 0x5C }.withUnsafeBytes { outer.update(bufferPointer: $0) }
        for index in block.indices { block[index] = 0 }
        self.inner = inner
        self.outer = outer
    }

    /// HMAC-SHA256 of `message` ("wg1." ‖ payload) under this key.
    func tag(_ message: UnsafeRawBufferPointer) -> SHA256.Digest {
        var innerHash = inner
        innerHash.update(bufferPointer: message)
        let innerDigest = innerHash.finalize()
        var outerHash = outer
        innerDigest.withUnsafeBytes { outerHash.update(bufferPointer: $0) }
        return outerHash.finalize()
    }

    public var description: String { "GrantKey(\(keyID))" }
}

/// Where grant keys come from. WardenGrants does not know the keyring: the gateway adapts the tenant keyring's
/// `grants` purpose keys to this protocol. Lookups are synchronous because they sit on the verify hot path.
public protocol GrantKeyProvider: Sendable {
    /// The key new grants are minted with.
    func activeGrantKey() -> GrantKey
    /// The key with this id if it still verifies; nil when unknown or retired.
    func verificationKey(keyID: String) -> GrantKey?
}

/// A fixed set of grant keys: one active, plus older ones that still verify. Rebuild it when the keyring rotates
/// or retires a key (a retired key is simply left out).
public struct GrantKeySet: GrantKeyProvider {
    private let active: GrantKey
    private let byID: [String: GrantKey]

    /// `active` mints and verifies; `verifyOnly` keys only verify.
    public init(active: GrantKey, verifyOnly: [GrantKey] = []) {
        self.active = active
        var byID: [String: GrantKey] = [:]
        for key in verifyOnly { byID[key.keyID] = key }
        byID[active.keyID] = active
        self.byID = byID
    }

    public func activeGrantKey() -> GrantKey { active }
    public func verificationKey(keyID: String) -> GrantKey? { byID[keyID] }
}
