#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the ledger's files could not be read, written or trusted.
public enum LedgerStorageError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A system call failed.
    case system(operation: String, path: String, errno: Int32)
    /// A tile file does not hold the number of hashes its path promises.
    case malformedTile(path: String)
    /// The write-ahead log is damaged at a record that is not part of an unfinished last batch.
    case corruptLog(index: UInt64, offset: UInt64, reason: String)
    /// The write-ahead log does not start with the Warden ledger header.
    case notALedgerLog(path: String)
    /// The persisted checkpoint does not verify, does not parse, or names another origin.
    case checkpointRejected(reason: String)
    /// The persisted checkpoint covers more entries than the log holds: the log was truncated or rolled back.
    case checkpointAheadOfLog(checkpointSize: UInt64, logSize: UInt64)
    /// The log's root at the persisted checkpoint's size differs from the signed root: the log was rewritten.
    case checkpointRootMismatch(size: UInt64)
    /// A new checkpoint would not be consistent with the last signed one; it was not signed.
    case inconsistentCheckpoint(oldSize: UInt64, newSize: UInt64, reason: String)
    /// Another writer holds the log directory.
    case directoryLocked(path: String)
    /// An entry is larger than an entry bundle can carry.
    case entryTooLarge(size: Int, limit: Int)
    /// A batch is larger than one group commit may be; split it.
    case batchTooLarge(bytes: Int, limit: Int)
    /// A previous write or sync failed; the writer refuses further appends until it is reopened.
    case writerFailed(reason: String)
    /// The writer was closed.
    case writerClosed
    /// A requested entry or proof is outside the latest checkpoint.
    case outOfRange(String)
    /// A tile, bundle or checkpoint the request needs is not on disk.
    case missingResource(path: String)

    public var description: String {
        switch self {
        case .system(let operation, let path, let code):
            "\(operation) \(path) failed: \(String(cString: strerror(code)))"
        case .malformedTile(let path):
            "tile \(path) does not hold the hashes its path promises"
        case .corruptLog(let index, let offset, let reason):
            "ledger log damaged at entry \(index) (byte \(offset)): \(reason); refusing to repair beyond one batch"
        case .notALedgerLog(let path):
            "\(path) is not a Warden ledger log"
        case .checkpointRejected(let reason):
            "persisted checkpoint rejected: \(reason)"
        case .checkpointAheadOfLog(let checkpointSize, let logSize):
            "signed checkpoint covers \(checkpointSize) entries but the log holds \(logSize): log truncated or rolled back"
        case .checkpointRootMismatch(let size):
            "log root at size \(size) differs from the signed checkpoint: log rewritten"
        case .inconsistentCheckpoint(let oldSize, let newSize, let reason):
            "refusing to sign checkpoint \(newSize): not consistent with signed checkpoint \(oldSize) (\(reason))"
        case .directoryLocked(let path):
            "ledger directory \(path) is held by another writer"
        case .entryTooLarge(let size, let limit):
            "entry of \(size) bytes exceeds the limit of \(limit)"
        case .batchTooLarge(let bytes, let limit):
            "batch of \(bytes) bytes exceeds the commit limit of \(limit); split it"
        case .writerFailed(let reason):
            "ledger writer stopped after a storage failure: \(reason)"
        case .writerClosed:
            "ledger writer is closed"
        case .outOfRange(let what):
            "out of range: \(what)"
        case .missingResource(let path):
            "\(path) is missing from the ledger directory"
        }
    }
}
