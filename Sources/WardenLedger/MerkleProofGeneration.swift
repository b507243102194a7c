/// Inclusion and consistency proofs (RFC 6962 section 2.1.1 PATH and 2.1.2 PROOF/SUBPROOF), computed from any
/// source of perfect-subtree hashes.
public enum MerkleProofs {
    /// The audit path for leaf `index` in the tree of `size` leaves, leaf-side hash first.
    public static func inclusionProof(
        index: UInt64, size: UInt64, source: some MerkleNodeSource
    ) throws -> [TreeHash] {
        guard index < size else { throw MerkleProofError.indexOutOfRange(index: index, size: size) }
        var proof: [TreeHash] = []
        try path(index: index, start: 0, count: size, source: source, into: &proof)
        return proof
    }

    /// The proof that the tree of `oldSize` leaves is a prefix of the tree of `newSize` leaves.
    /// Empty when the sizes are equal or the old tree is empty.
    public static func consistencyProof(
        oldSize: UInt64, newSize: UInt64, source: some MerkleNodeSource
    ) throws -> [TreeHash] {
        guard oldSize <= newSize else {
            throw MerkleProofError.sizesOutOfOrder(oldSize: oldSize, newSize: newSize)
        }
        guard oldSize > 0, oldSize < newSize else { return [] }
        var proof: [TreeHash] = []
        try subproof(old: oldSize, start: 0, count: newSize, includeOld: true, source: source, into: &proof)
        return proof
    }

    private static func path(
        index: UInt64, start: UInt64, count: UInt64, source: some MerkleNodeSource, into proof: inout [TreeHash]
    ) throws {
        guard count > 1 else { return }
        let split = TreeMath.splitPoint(count)
        if index < split {
            try path(index: index, start: start, count: split, source: source, into: &proof)
            proof.append(try source.rangeHash(start: start + split, end: start + count))
        } else {
            try path(index: index - split, start: start + split, count: count - split, source: source, into: &proof)
            proof.append(try source.rangeHash(start: start, end: start + split))
        }
    }

    private static func subproof(
        old: UInt64, start: UInt64, count: UInt64, includeOld: Bool, source: some MerkleNodeSource,
        into proof: inout [TreeHash]
    ) throws {
        if old == count {
            if !includeOld { proof.append(try source.rangeHash(start: start, end: start + count)) }
            return
        }
        let split = TreeMath.splitPoint(count)
        if old <= split {
            try subproof(old: old, start: start, count: split, includeOld: includeOld, source: source, into: &proof)
            proof.append(try source.rangeHash(start: start + split, end: start + count))
        } else {
            try subproof(
                old: old - split, start: start + split, count: count - split, includeOld: false, source: source,
                into: &proof)
            proof.append(try source.rangeHash(start: start, end: start + split))
        }
    }
}
