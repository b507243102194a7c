/// Why a Merkle proof was refused or could not be built.
public enum MerkleProofError: Error, Equatable, Sendable, CustomStringConvertible {
    case indexOutOfRange(index: UInt64, size: UInt64)
    case sizesOutOfOrder(oldSize: UInt64, newSize: UInt64)
    case emptyOldTree
    case malformedHash(what: String, length: Int)
    case proofTooShort
    case proofTooLong
    case proofNotEmpty
    case emptyProof
    case rootMismatch(what: String)
    case missingNode(level: Int, index: UInt64)
    case checkpointMismatch(String)

    public var description: String {
        switch self {
        case .indexOutOfRange(let index, let size):
            "leaf index \(index) is outside a tree of size \(size)"
        case .sizesOutOfOrder(let oldSize, let newSize):
            "old tree size \(oldSize) is larger than new tree size \(newSize)"
        case .emptyOldTree:
            "a consistency proof from the empty tree proves nothing and is refused"
        case .malformedHash(let what, let length):
            "\(what) is \(length) bytes, not a 32-byte SHA-256 hash"
        case .proofTooShort:
            "proof has too few hashes for the tree sizes"
        case .proofTooLong:
            "proof has too many hashes for the tree sizes"
        case .proofNotEmpty:
            "proof must be empty when the tree sizes are equal"
        case .emptyProof:
            "proof is empty but the tree sizes differ"
        case .rootMismatch(let what):
            "\(what) does not match the root computed from the proof"
        case .missingNode(let level, let index):
            "tree hash at level \(level) index \(index) is not available"
        case .checkpointMismatch(let what):
            "proof does not belong to the checkpoint: \(what)"
        }
    }
}
