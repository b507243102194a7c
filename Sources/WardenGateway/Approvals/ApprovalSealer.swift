import Crypto
import Foundation
import WardenCore
import WardenVault

/// Encrypts the full action of an approval request at rest (AES-GCM under the tenant's `vault-data` key).
///
/// An approver must see everything they approve (tool, canonical arguments, recipients), and the approvals
/// database must not become a plain-text copy of every held payment and e-mail. The ciphertext is bound to the
/// request id and action digest, so a sealed action cannot be moved to another request.
public struct ApprovalSealer: Sendable {
    let keyring: TenantKeyring

    public init(keyring: TenantKeyring) {
        self.keyring = keyring
    }

    public struct Sealed: Sendable {
        public var keyID: String
        public var bytes: Data
    }

    func associatedData(id: String, actionDigest: String) -> Data {
        Data("warden-approval-action\n\(id)\n\(actionDigest)".utf8)
    }

    public func seal(_ action: JSONValue, id: String, actionDigest: String) throws -> Sealed {
        let key = keyring.activeKey(.vaultData)
        let box = try AES.GCM.seal(
            CanonicalJSON.encode(action), using: key.symmetricKey,
            authenticating: associatedData(id: id, actionDigest: actionDigest))
        guard let combined = box.combined else { throw ApprovalError.actionUnreadable(id) }
        return Sealed(keyID: key.keyID, bytes: combined)
    }

    /// The action, or nil when it cannot be opened (unknown key, tampered bytes): never shown as something else.
    public func open(_ sealed: Sealed, id: String, actionDigest: String) -> JSONValue? {
        guard let key = keyring.key(.vaultData, keyID: sealed.keyID),
            let box = try? AES.GCM.SealedBox(combined: sealed.bytes),
            let plain = try? AES.GCM.open(
                box, using: key.symmetricKey, authenticating: associatedData(id: id, actionDigest: actionDigest)),
            let action = try? StrictJSONParser().parse(Array(plain)),
            CanonicalJSON.sha256Hex(action.withoutRecipients) == actionDigest
        else { return nil }
        return action
    }
}

extension JSONValue {
    /// `{"tool", "arguments"}` of a sealed action: what the action digest covers.
    var withoutRecipients: JSONValue {
        .object(["tool": self["tool"] ?? .null, "arguments": self["arguments"] ?? .null])
    }
}
