/// What a derived key is for. The label is bound into the HKDF info, so a key derived for one purpose is useless
/// for any other (a leaked session-cookie key cannot mint grants).
public enum KeyPurpose: String, CaseIterable, Sendable, Hashable, Comparable {
    /// HMAC-SHA256 keys for send grants.
    case grants = "grants"
    /// 32-byte seeds of the Ed25519 keys that sign ledger checkpoints.
    case ledgerSigning = "ledger-signing"
    /// Keys that authenticate web inbox session cookies.
    case sessionCookies = "session-cookies"
    /// Keys that encrypt tenant data at rest.
    case vaultData = "vault-data"
    /// HMAC keys for keyed hashes of redacted values, so equal values correlate in logs without being revealed.
    case logCorrelation = "log-correlation"

    public static func < (lhs: KeyPurpose, rhs: KeyPurpose) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Where a key version stands in its life.
public enum KeyStatus: String, Sendable, Hashable {
    /// Used to sign/mint/encrypt, and to verify. Exactly one version per purpose is active.
    case active
    /// No longer used to create, still accepted when verifying (until retired).
    case verifyOnly = "verify-only"
    /// Refused everywhere.
    case retired
}
