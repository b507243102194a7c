/// Inclusion and consistency proof verification, following RFC 9162 section 2.1.3.2 and 2.1.4.2.
///
/// The functions take raw bytes rather than `TreeHash` so that third parties can pass what they received off
/// the wire unchanged; every hash that feeds a computation must be exactly 32 bytes. They are pure and throw a
/// `MerkleProofError` naming what failed.
public enum MerkleVerification {
    /// Checks that `leafHash` sits at `index` in the tree of `size` leaves whose root is `root`.
    public static func verifyInclusion(
        leafHash: [UInt8], index: UInt64, size: UInt64, proof: [[UInt8]], root: [UInt8]
    ) throws {
        let computed = try rootFromInclusionProof(leafHash: leafHash, index: index, size: size, proof: proof)
        guard computed.bytes == root else { throw MerkleProofError.rootMismatch(what: "tree root") }
    }

    /// `verifyInclusion` for values already typed as hashes.
    public static func verifyInclusion(
        leafHash: TreeHash, index: UInt64, size: UInt64, proof: [TreeHash], root: TreeHash
    ) throws {
        try verifyInclusion(
            leafHash: leafHash.bytes, index: index, size: size, proof: proof.map(\.bytes), root: root.bytes)
    }

    /// Recomputes the root implied by an inclusion proof.
    public static func rootFromInclusionProof(
        leafHash: [UInt8], index: UInt64, size: UInt64, proof: [[UInt8]]
    ) throws -> TreeHash {
        guard index < size else { throw MerkleProofError.indexOutOfRange(index: index, size: size) }
        var hash = try typed(leafHash, what: "leaf hash")
        var fn = index
        var sn = size - 1
        for element in proof {
            let sibling = try typed(element, what: "proof hash")
            guard sn != 0 else { throw MerkleProofError.proofTooLong }
            if fn & 1 == 1 || fn == sn {
                hash = RFC6962.nodeHash(sibling, hash)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                hash = RFC6962.nodeHash(hash, sibling)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw MerkleProofError.proofTooShort }
        return hash
    }

    /// Checks that the tree of `oldSize` leaves with root `oldRoot` is a prefix of the tree of `newSize` leaves
    /// with root `newRoot`.
    ///
    /// An old size of zero is refused: every tree extends the empty tree, so such a "proof" shows nothing about
    /// the log, and accepting it would let a caller skip the check it meant to make.
    public static func verifyConsistency(
        oldSize: UInt64, newSize: UInt64, oldRoot: [UInt8], newRoot: [UInt8], proof: [[UInt8]]
    ) throws {
        guard oldSize <= newSize else {
            throw MerkleProofError.sizesOutOfOrder(oldSize: oldSize, newSize: newSize)
        }
        guard oldSize > 0 else { throw MerkleProofError.emptyOldTree }
        if oldSize == newSize {
            guard proof.isEmpty else { throw MerkleProofError.proofNotEmpty }
            guard oldRoot == newRoot else { throw MerkleProofError.rootMismatch(what: "new root") }
            return
        }
        guard !proof.isEmpty else { throw MerkleProofError.emptyProof }
        let expectedOld = try typed(oldRoot, what: "old root")
        let expectedNew = try typed(newRoot, what: "new root")
        var path = try proof.map { try typed($0, what: "proof hash") }
        if oldSize & (oldSize - 1) == 0 {
            path.insert(expectedOld, at: 0)
        }
        var fn = oldSize - 1
        var sn = newSize - 1
        while fn & 1 == 1 {
            fn >>= 1
            sn >>= 1
        }
        var oldHash = path[0]
        var newHash = path[0]
        for sibling in path.dropFirst() {
            guard sn != 0 else { throw MerkleProofError.proofTooLong }
            if fn & 1 == 1 || fn == sn {
                oldHash = RFC6962.nodeHash(sibling, oldHash)
                newHash = RFC6962.nodeHash(sibling, newHash)
                while fn & 1 == 0 && fn != 0 {
                    fn >>= 1
                    sn >>= 1
                }
            } else {
                newHash = RFC6962.nodeHash(newHash, sibling)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw MerkleProofError.proofTooShort }
        guard oldHash == expectedOld else { throw MerkleProofError.rootMismatch(what: "old root") }
        guard newHash == expectedNew else { throw MerkleProofError.rootMismatch(what: "new root") }
    }

    /// `verifyConsistency` for values already typed as hashes.
    public static func verifyConsistency(
        oldSize: UInt64, newSize: UInt64, oldRoot: TreeHash, newRoot: TreeHash, proof: [TreeHash]
    ) throws {
        try verifyConsistency(
            oldSize: oldSize, newSize: newSize, oldRoot: oldRoot.bytes, newRoot: newRoot.bytes,
            proof: proof.map(\.bytes))
    }

    private static func typed(_ bytes: [UInt8], what: String) throws -> TreeHash {
        guard let hash = TreeHash(bytes) else {
            throw MerkleProofError.malformedHash(what: what, length: bytes.count)
        }
        return hash
    }
}
