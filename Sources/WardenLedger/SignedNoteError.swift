/// Why a signed note, checkpoint or note key was refused.
public enum SignedNoteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The note text or signature block breaks the signed-note grammar.
    case malformedNote(String)
    /// A verifier or signer key string breaks the key grammar or its key id does not match the key.
    case malformedKey(String)
    /// The checkpoint body breaks the tlog-checkpoint grammar.
    case malformedCheckpoint(String)
    /// A signature from a trusted key (name and key id match) did not verify: the whole note is rejected.
    case invalidSignature(keyName: String)
    /// No signature from a trusted key was present.
    case noTrustedSignature
    /// The signing operation itself failed.
    case signingFailed(String)

    public var description: String {
        switch self {
        case .malformedNote(let reason): "malformed signed note: \(reason)"
        case .malformedKey(let reason): "malformed note key: \(reason)"
        case .malformedCheckpoint(let reason): "malformed checkpoint: \(reason)"
        case .invalidSignature(let keyName): "signature by trusted key \(keyName) does not verify"
        case .noTrustedSignature: "note carries no signature from a trusted key"
        case .signingFailed(let reason): "signing failed: \(reason)"
        }
    }
}
