/// Why a grant did not authorise a send. Every case names one rule; ``code`` is a stable identifier for the
/// ledger and for tool errors.
public enum GrantRefusal: Error, Hashable, Sendable, CustomStringConvertible {
    /// The send presented no grant at all.
    case missing
    /// The token does not follow the `wg1` format.
    case malformed(GrantMalformation)
    /// No verifying key has this id in this cell (never existed here, or retired).
    case unknownKey(keyID: String)
    /// The tag does not match the payload under the named key: tampered payload or tag, or a forged token.
    case badSignature
    /// The grant is for another tenant.
    case wrongTenant
    /// The grant is for another tool.
    case wrongTool
    /// The grant is bound to another agent than the one sending.
    case wrongAgent
    /// The grant's not-before time is in the future.
    case notYetValid
    /// The grant's expiry has passed.
    case expired
    /// The send has no recipient to check (a send must name at least one).
    case sendHasNoRecipients
    /// A recipient of the send is not in the grant; the whole send is refused.
    case recipientNotCovered(Recipient)
    /// The grant binds a content digest and the send's content differs (or carries none).
    case contentMismatch
    /// The grant's nonce was already consumed: single use.
    case replayed

    /// Stable machine-readable rule name, e.g. `grant.expired`.
    public var code: String {
        switch self {
        case .missing: "grant.missing"
        case .malformed: "grant.malformed"
        case .unknownKey: "grant.unknown_key"
        case .badSignature: "grant.bad_signature"
        case .wrongTenant: "grant.wrong_tenant"
        case .wrongTool: "grant.wrong_tool"
        case .wrongAgent: "grant.wrong_agent"
        case .notYetValid: "grant.not_yet_valid"
        case .expired: "grant.expired"
        case .sendHasNoRecipients: "grant.send_has_no_recipients"
        case .recipientNotCovered: "grant.recipient_not_covered"
        case .contentMismatch: "grant.content_mismatch"
        case .replayed: "grant.replayed"
        }
    }

    public var description: String {
        switch self {
        case .missing: "send refused: no grant presented; every external send needs a signed grant"
        case .malformed(let reason): "send refused: grant is malformed (\(reason))"
        case .unknownKey(let keyID): "send refused: grant key id \(keyID) is unknown or retired in this cell"
        case .badSignature: "send refused: grant signature does not verify (tampered or forged)"
        case .wrongTenant: "send refused: grant belongs to another tenant"
        case .wrongTool: "send refused: grant was minted for another tool"
        case .wrongAgent: "send refused: grant was minted for another agent"
        case .notYetValid: "send refused: grant is not valid yet"
        case .expired: "send refused: grant has expired"
        case .sendHasNoRecipients: "send refused: the send names no recipient to check against the grant"
        case .recipientNotCovered(let recipient):
            "send refused: recipient \(recipient) is not covered by the grant"
        case .contentMismatch: "send refused: content digest differs from the one the grant is bound to"
        case .replayed: "send refused: grant was already used (single use)"
        }
    }
}

/// The structural rule a malformed token broke.
public enum GrantMalformation: Error, Hashable, Sendable, CustomStringConvertible {
    case tooLong
    case wrongPrefix
    case wrongShape
    case badBase64
    case wrongTagLength
    case unsupportedPayloadVersion
    case truncated
    case trailingBytes
    case fieldOutOfBounds(String)
    case invalidFlag(String)
    case recipientsNotCanonical
    case invalidTimes

    public var description: String {
        switch self {
        case .tooLong: "token exceeds the maximum length"
        case .wrongPrefix: "token must start with 'wg1.'"
        case .wrongShape: "token must be 'wg1.<payload>.<tag>'"
        case .badBase64: "payload or tag is not canonical unpadded base64url"
        case .wrongTagLength: "tag must be 32 bytes"
        case .unsupportedPayloadVersion: "payload version is not 1"
        case .truncated: "payload ends early"
        case .trailingBytes: "payload has bytes after the last field"
        case .fieldOutOfBounds(let field): "field \(field) is empty or too long"
        case .invalidFlag(let field): "flag of \(field) must be 0 or 1"
        case .recipientsNotCanonical: "recipients must be sorted, unique and at least one"
        case .invalidTimes: "expiry must be after not-before"
        }
    }
}
