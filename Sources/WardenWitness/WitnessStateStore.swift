import Foundation
import WardenLedger

/// What the witness decided for one `add-checkpoint` request, with the facts worth logging.
public struct WitnessDecision: Sendable, Equatable {
    /// The answer to send (status, body).
    public var outcome: AddCheckpointOutcome
    /// The checkpoint origin, only when it is a trusted log's (an unknown origin is attacker-chosen text).
    public var origin: String?
    /// The old size the client claimed (trusted origins only).
    public var oldSize: UInt64?
    /// The submitted checkpoint size (trusted origins only).
    public var size: UInt64?
    /// Where the request was kept as evidence of log misbehaviour, if it was.
    public var evidencePath: String?
    /// Operator detail of a 500 (paths, errno) for the log; never sent to the client.
    public var internalError: String?

    /// The HTTP status of the answer.
    public var status: Int {
        if case .refused(let status, _, _) = outcome { return status }
        return 200
    }
}

/// The witness's durable record: per log origin, the latest checkpoint it cosigned, kept as the full note
/// (the log's verified signatures and this witness's cosignature) so it can be shown to an auditor.
///
/// One file per origin, named by the lower-case hex SHA-256 of the origin, replaced durably (temporary file,
/// fsync, rename, directory fsync). The directory is locked with `flock` so only one witness process uses it.
///
/// ## Why check-and-persist is atomic
/// `addCheckpoint` runs the whole decision (look up the stored size, verify, cosign, persist) inside this
/// actor without suspending, so no other request for any origin can run between the lookup and the write:
/// two concurrent requests with the same old size cannot both succeed (the spec's rollback race). Witness
/// traffic is one request per log checkpoint, so serializing all origins costs nothing that matters.
///
/// ## Fails closed
/// Every state file is parsed and its cosignature verified when the store opens; a file that does not is an
/// error naming the file, not an empty record (an empty record would let the witness cosign a rolled-back
/// log). After a failed write the store refuses every further `add-checkpoint` until it is reopened.
public actor WitnessStateStore {
    /// State files are single checkpoint notes.
    static let maximumFileSize = SignedNote.maximumSize
    static let lockFileName = "witness.lock"
    /// Sub-directory for log-signed requests that contradict the cosigned state.
    public static let evidenceDirectoryName = "evidence"
    /// At most this many evidence files are kept (only a holder of a trusted log key can produce them).
    public static let maximumEvidenceFiles = 256

    /// The state directory.
    public nonisolated let directory: String
    private var notes: [String: SignedNote]
    /// The checkpoint of each stored note, parsed once (when loaded or written), so no request re-parses state.
    private var checkpoints: [String: Checkpoint]
    private var lockDescriptor: Int32?
    private var failure: WitnessError?
    private var evidenceCount: Int

    private init(
        directory: String, notes: [String: SignedNote], checkpoints: [String: Checkpoint], lock: Int32,
        evidenceCount: Int
    ) {
        self.directory = directory
        self.notes = notes
        self.checkpoints = checkpoints
        self.lockDescriptor = lock
        self.evidenceCount = evidenceCount
    }

    /// Opens (creating if needed) the state directory, locks it, and loads and verifies every state file.
    /// `verifier` is this witness's own cosignature key: each stored note must carry a valid cosignature by it.
    public static func open(directory: String, verifier: Ed25519CosignatureVerifier) throws -> WitnessStateStore {
        try WitnessFiles.makeDirectory(directory)
        let lock = try WitnessFiles.lockExclusively(directory + "/" + lockFileName, directory: directory)
        do {
            var notes: [String: SignedNote] = [:]
            var checkpoints: [String: Checkpoint] = [:]
            for name in try WitnessFiles.names(in: directory) where isStateFileName(name) {
                let path = directory + "/" + name
                guard let data = try WitnessFiles.contents(of: path, limit: maximumFileSize) else { continue }
                (notes[name], checkpoints[name]) = try verifiedState(
                    data, fileName: name, path: path, verifier: verifier)
            }
            let evidence = try WitnessFiles.names(in: directory + "/" + evidenceDirectoryName, missingIsEmpty: true)
            return WitnessStateStore(
                directory: directory, notes: notes, checkpoints: checkpoints, lock: lock, evidenceCount: evidence.count)
        } catch {
            WitnessFiles.unlock(lock)
            throw error
        }
    }

    /// The state file name of `origin`: lower-case hex SHA-256 of its UTF-8 bytes.
    public static func fileName(origin: String) -> String {
        WitnessProtocol.sha256Hex(Data(origin.utf8))
    }

    /// Whether `name` is a state file name (64 lower-case hex digits).
    public static func isStateFileName(_ name: some StringProtocol) -> Bool {
        name.utf8.count == 64 && name.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    private static func verifiedState(
        _ data: Data, fileName: String, path: String, verifier: Ed25519CosignatureVerifier
    ) throws -> (SignedNote, Checkpoint) {
        let note: SignedNote
        let checkpoint: Checkpoint
        do {
            note = try SignedNote.parse(data)
            _ = try note.verifiedSignatures(by: [verifier])
            checkpoint = try Checkpoint.parse(noteText: note.text)
        } catch {
            throw WitnessError.corruptState(path: path, reason: error.description)
        }
        guard Self.fileName(origin: checkpoint.origin) == fileName else {
            throw WitnessError.corruptState(path: path, reason: "file name is not the SHA-256 of its origin")
        }
        return (note, checkpoint)
    }

    /// The latest cosigned note for the origin whose state file name is `originHash`, or nil.
    public func cosignedNote(originHash: String) -> SignedNote? {
        notes[originHash]
    }

    /// The latest checkpoint cosigned for `origin`, or nil.
    public func cosignedCheckpoint(origin: String) -> Checkpoint? {
        checkpoints[Self.fileName(origin: origin)]
    }

    /// Decides one `add-checkpoint` request and, when it is cosigned, persists the new state before returning.
    public func addCheckpoint(_ body: Data, witness: WitnessCosigning) -> WitnessDecision {
        let request = try? WitnessProtocol.parseAddCheckpointRequest(body)
        let submitted = request.flatMap { try? Checkpoint.parse(noteText: $0.checkpoint.text) }
        let trusted = submitted.flatMap { witness.logs[$0.origin] != nil ? $0 : nil }
        var decision = WitnessDecision(
            outcome: .refused(status: 500, reason: "internal error", sizeBody: nil), origin: trusted?.origin,
            oldSize: trusted == nil ? nil : request?.oldSize, size: trusted?.size)
        if let failure {
            decision.outcome = .refused(status: 500, reason: "witness state unavailable", sizeBody: nil)
            decision.internalError = failure.description
            return decision
        }
        let previous = trusted.flatMap { cosignedCheckpoint(origin: $0.origin) }
        let outcome = witness.addCheckpoint(body) { origin in origin == trusted?.origin ? previous : nil }
        guard case .cosigned(let checkpoint, let cosignatures) = outcome else {
            decision.outcome = outcome
            if let trusted, Self.isEvidence(outcome) {
                decision.evidencePath = keepEvidence(body, origin: trusted.origin, size: trusted.size)
            }
            return decision
        }
        // Only the log's verified signatures are stored next to the cosignature (never unverified lines).
        guard let request, let keys = witness.logs[checkpoint.origin],
            let logSignatures = try? request.checkpoint.verifiedSignatures(by: keys)
        else {
            decision.internalError = "the cosigned checkpoint did not re-verify"
            return decision
        }
        if previous == checkpoint {
            // Already the stored state: answer with a fresh cosignature without rewriting (and fsyncing) it, so
            // replaying the current checkpoint costs a signature, not disk writes.
            decision.outcome = outcome
            return decision
        }
        let note = SignedNote(text: request.checkpoint.text, signatures: logSignatures + cosignatures)
        let name = Self.fileName(origin: checkpoint.origin)
        do {
            guard lockDescriptor != nil else { throw WitnessError.storeUnavailable("closed") }
            try WitnessFiles.replaceDurably(directory + "/" + name, with: note.serialized)
        } catch {
            // The file may or may not hold the new note now; refuse everything until a reopen reads the truth.
            let reason = (error as? WitnessError)?.description ?? String(describing: error)
            failure = .storeUnavailable("a state write failed: \(reason)")
            decision.outcome = .refused(status: 500, reason: "could not persist the witness state", sizeBody: nil)
            decision.internalError = failure?.description
            return decision
        }
        notes[name] = note
        checkpoints[name] = checkpoint
        decision.outcome = outcome
        return decision
    }

    /// A refusal that only a log contradicting its own cosigned history earns (the signature was verified
    /// before either is decided): a proof that fails (422), or the cosigned size with another root (409
    /// without a size body).
    static func isEvidence(_ outcome: AddCheckpointOutcome) -> Bool {
        guard case .refused(let status, _, let sizeBody) = outcome else { return false }
        return status == 422 || (status == 409 && sizeBody == nil)
    }

    /// Keeps a log-signed request that contradicts the cosigned state, as the spec allows: it may be proof of
    /// log misbehaviour. Best effort (a failure does not change the answer), capped in number.
    private func keepEvidence(_ body: Data, origin: String, size: UInt64) -> String? {
        guard evidenceCount < Self.maximumEvidenceFiles else { return nil }
        let evidence = directory + "/" + Self.evidenceDirectoryName
        // One file per contradicting checkpoint (origin, size, root), however many junk proofs arrive with it.
        let checkpointText = (try? WitnessProtocol.parseAddCheckpointRequest(body))?.checkpoint.text ?? ""
        let digest = WitnessProtocol.sha256Hex(Data(checkpointText.utf8)).prefix(16)
        let path = evidence + "/" + Self.fileName(origin: origin) + "-\(size)-" + digest + ".request"
        if FileManager.default.fileExists(atPath: path) { return path }
        do {
            try WitnessFiles.makeDirectory(evidence)
            try WitnessFiles.replaceDurably(path, with: body)
        } catch {
            return nil
        }
        evidenceCount += 1
        return path
    }

    /// Releases the directory lock; later requests are refused.
    public func close() {
        if let lockDescriptor { WitnessFiles.unlock(lockDescriptor) }
        lockDescriptor = nil
        failure = failure ?? .storeUnavailable("closed")
    }
}
