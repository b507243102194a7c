/// The right edge of an append-only Merkle tree: one perfect-subtree hash per set bit of the tree size.
///
/// This is all the state needed to append a leaf and compute the root in O(log n) without keeping the tree,
/// which is how the writer tracks its head between checkpoints.
public struct CompactRange: Sendable, Equatable {
    /// Perfect-subtree roots, largest (leftmost) first.
    public private(set) var hashes: [TreeHash] = []
    /// The number of leaves covered.
    public private(set) var size: UInt64 = 0

    public init() {}

    /// Appends one leaf hash, merging equal-sized subtrees as a binary counter carries.
    public mutating func append(_ leafHash: TreeHash) {
        var carry = leafHash
        var bits = size
        while bits & 1 == 1 {
            guard let left = hashes.popLast() else { break }
            carry = RFC6962.nodeHash(left, carry)
            bits >>= 1
        }
        hashes.append(carry)
        size += 1
    }

    /// The RFC 6962 Merkle Tree Hash of the leaves appended so far.
    public var rootHash: TreeHash {
        guard var root = hashes.last else { return RFC6962.emptyRoot }
        for left in hashes.dropLast().reversed() {
            root = RFC6962.nodeHash(left, root)
        }
        return root
    }
}
