import Crypto
import WardenRedaction
import WardenVault

/// How redacted values read in logs, ledger entries and spans: a label (`[REDACTED:email]`, the default) or a
/// label with a keyed hash (`[REDACTED:email:3f2a…]`), so an operator can see that two lines name the same
/// person without learning who. The key is the tenant keyring's `log-correlation` purpose key: an unkeyed hash
/// of a phone number could be reversed by enumeration; this one cannot without the key.
public enum RedactionMode: String, Sendable {
    case label
    case keyedHash = "keyed-hash"
}

/// HMAC-SHA256 under a purpose key, as the redactor's keyed hash.
struct HMACRedactionHasher: RedactionHasher {
    let key: SymmetricKey

    func keyedDigest(of value: [UInt8]) -> [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: value, using: key))
    }
}

extension Redactor {
    /// The cell's redactor for `mode`, keyed with the tenant's active `log-correlation` key when hashing.
    public static func cell(mode: RedactionMode, keyring: TenantKeyring) -> Redactor {
        switch mode {
        case .label:
            return Redactor()
        case .keyedHash:
            let key = keyring.activeKey(.logCorrelation).symmetricKey
            return Redactor(replacement: .keyedHash(HMACRedactionHasher(key: key)))
        }
    }
}
