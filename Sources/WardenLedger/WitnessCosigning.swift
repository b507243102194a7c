import Foundation

/// The answer a witness gives to one `add-checkpoint` request (C2SP tlog-witness).
public enum AddCheckpointOutcome: Sendable, Equatable {
    /// 200: the checkpoint is consistent with what the witness saw; `cosignatures` are the response body lines.
    /// The caller MUST persist `checkpoint` as the origin's latest cosigned checkpoint, atomically with the
    /// lookup of the previous one, before responding.
    case cosigned(checkpoint: Checkpoint, cosignatures: [NoteSignature])
    /// Any refusal: the HTTP status, the reason (for logs) and, for 409 on a size mismatch, the
    /// `text/x.tlog.size` body.
    case refused(status: Int, reason: String, sizeBody: String?)

    /// The response body of a 200 answer.
    public var responseBody: Data? {
        guard case .cosigned(_, let cosignatures) = self else { return nil }
        return Data(cosignatures.map(\.line).joined().utf8)
    }
}

/// The decision logic of a tlog-witness (pure: the caller supplies the stored state and persists the result),
/// so `warden witness` can run one for a second party.
public struct WitnessCosigning: Sendable {
    public let cosigner: Ed25519Cosigner
    /// Trusted log keys per checkpoint origin.
    public let logs: [String: [Ed25519NoteVerifier]]

    public init(cosigner: Ed25519Cosigner, logs: [String: [Ed25519NoteVerifier]]) {
        self.cosigner = cosigner
        self.logs = logs
    }

    /// Decides an `add-checkpoint` request. `latest` returns the last checkpoint this witness cosigned for an
    /// origin (nil if none).
    public func addCheckpoint(_ body: Data, latest: (String) -> Checkpoint?) -> AddCheckpointOutcome {
        let request: AddCheckpointRequest
        let checkpoint: Checkpoint
        do {
            request = try WitnessProtocol.parseAddCheckpointRequest(body)
            checkpoint = try Checkpoint.parse(noteText: request.checkpoint.text)
        } catch {
            return .refused(status: 400, reason: error.description, sizeBody: nil)
        }
        guard let keys = logs[checkpoint.origin] else {
            return .refused(status: 404, reason: "unknown log origin", sizeBody: nil)
        }
        do {
            _ = try request.checkpoint.verifiedSignatures(by: keys)
        } catch {
            return .refused(status: 403, reason: error.description, sizeBody: nil)
        }
        guard request.oldSize <= checkpoint.size else {
            return .refused(status: 400, reason: "old size exceeds checkpoint size", sizeBody: nil)
        }
        let previous = latest(checkpoint.origin)
        let previousSize = previous?.size ?? 0
        guard request.oldSize == previousSize else {
            return .refused(
                status: 409, reason: "old size does not match the latest cosigned size", sizeBody: "\(previousSize)\n")
        }
        guard checkpoint.size > 0 || checkpoint.rootHash == RFC6962.emptyRoot else {
            return .refused(
                status: 400, reason: "a checkpoint of size 0 must carry the empty tree's root", sizeBody: nil)
        }
        if let previous, previous.size == checkpoint.size {
            // Same size: nothing to prove; a proof here is malformed, and a different root is a fork.
            guard request.consistencyProof.isEmpty else {
                return .refused(status: 400, reason: "a proof was sent for an unchanged size", sizeBody: nil)
            }
            guard previous.rootHash == checkpoint.rootHash else {
                return .refused(status: 409, reason: "same size, different root", sizeBody: nil)
            }
        } else if let previous, previous.size > 0 {
            do {
                try MerkleVerification.verifyConsistency(
                    oldSize: previous.size, newSize: checkpoint.size, oldRoot: previous.rootHash,
                    newRoot: checkpoint.rootHash, proof: request.consistencyProof)
            } catch {
                return .refused(status: 422, reason: String(describing: error), sizeBody: nil)
            }
        } else if !request.consistencyProof.isEmpty {
            return .refused(status: 422, reason: "the proof must be empty when the old size is zero", sizeBody: nil)
        }
        do {
            return .cosigned(checkpoint: checkpoint, cosignatures: [try cosigner.sign(text: request.checkpoint.text)])
        } catch {
            return .refused(status: 500, reason: error.description, sizeBody: nil)
        }
    }
}
