/// A keyed one-way function for correlating redacted values without revealing them.
///
/// The gateway implements this with HMAC-SHA256 under a per-tenant purpose key (swift-crypto); this module stays
/// free of crypto dependencies. An unkeyed hash must not be used: a phone number or card number has so little
/// entropy that its plain hash is reversible by enumeration.
///
/// With swift-crypto:
///
/// ```swift
/// struct HMACRedactionHasher: RedactionHasher {
///     let key: SymmetricKey  // e.g. the tenant keyring's "log-correlation" purpose key
///     func keyedDigest(of value: [UInt8]) -> [UInt8] {
///         Array(HMAC<SHA256>.authenticationCode(for: value, using: key))
///     }
/// }
/// ```
public protocol RedactionHasher: Sendable {
    /// The keyed digest (MAC) of `value`. Only its first six bytes appear in redacted text.
    func keyedDigest(of value: [UInt8]) -> [UInt8]
}
