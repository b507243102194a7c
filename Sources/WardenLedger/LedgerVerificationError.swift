/// What `LedgerVerifier` found wrong, with the first bad entry index where one can be named.
public enum LedgerVerificationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// There is no checkpoint file.
    case checkpointMissing
    /// The checkpoint does not parse, does not carry a valid signature by the given key, or names another origin.
    case checkpointInvalid(String)
    /// A previously seen (trusted) checkpoint is larger than the current one: the log was rolled back.
    case rolledBack(trustedSize: UInt64, currentSize: UInt64)
    /// The log at a previously seen checkpoint's size has a different root: history was rewritten.
    case inconsistentWithTrusted(trustedSize: UInt64)
    /// The entry bundle holding `index` is missing.
    case entryBundleMissing(index: UInt64)
    /// The entry bundle holding `index` cannot be decoded or holds the wrong number of entries.
    case entryBundleMalformed(index: UInt64, reason: String)
    /// Entry `index` does not hash to the level-0 tile hash recorded for it (changed, removed or reordered).
    case entryMismatch(index: UInt64)
    /// A hash tile is missing; `index` is the first entry it covers.
    case tileMissing(path: String, index: UInt64)
    /// A hash tile differs from the one recomputed from the entries; `index` is the first entry of the first
    /// differing hash.
    case tileMismatch(path: String, index: UInt64)
    /// The root recomputed from all entries differs from the signed checkpoint root.
    case rootMismatch(size: UInt64)
    /// The writer's log disagrees with the served entries at `index`.
    case logMismatch(index: UInt64, reason: String)
    /// A file could not be read.
    case unreadable(String)

    /// The first entry index that is wrong, when the failure can be pinned to one.
    public var firstBadIndex: UInt64? {
        switch self {
        case .entryBundleMissing(let index), .entryBundleMalformed(let index, _), .entryMismatch(let index),
            .tileMissing(_, let index), .tileMismatch(_, let index), .logMismatch(let index, _):
            index
        case .rolledBack(_, let currentSize):
            currentSize
        default:
            nil
        }
    }

    public var description: String {
        switch self {
        case .checkpointMissing:
            "no checkpoint in the ledger directory"
        case .checkpointInvalid(let reason):
            "checkpoint rejected: \(reason)"
        case .rolledBack(let trustedSize, let currentSize):
            "log rolled back: a checkpoint of size \(trustedSize) was seen, the log now has \(currentSize) entries"
        case .inconsistentWithTrusted(let trustedSize):
            "log rewritten: its root at size \(trustedSize) differs from the previously seen checkpoint"
        case .entryBundleMissing(let index):
            "entry \(index): its entry bundle is missing"
        case .entryBundleMalformed(let index, let reason):
            "entry \(index): entry bundle malformed (\(reason))"
        case .entryMismatch(let index):
            "entry \(index): does not match its recorded leaf hash (changed, deleted or reordered)"
        case .tileMissing(let path, let index):
            "entry \(index): hash tile \(path) is missing"
        case .tileMismatch(let path, let index):
            "entry \(index): hash tile \(path) differs from the tile recomputed from the entries"
        case .rootMismatch(let size):
            "root recomputed over \(size) entries differs from the signed checkpoint"
        case .logMismatch(let index, let reason):
            "entry \(index): writer log disagrees with the served entries (\(reason))"
        case .unreadable(let reason):
            "cannot read ledger: \(reason)"
        }
    }
}
