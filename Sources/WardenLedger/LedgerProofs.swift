import Foundation

/// An inclusion proof for one entry against a checkpoint size, as a third party receives it.
public struct InclusionProof: Sendable, Equatable {
    public var index: UInt64
    public var treeSize: UInt64
    public var hashes: [TreeHash]

    public init(index: UInt64, treeSize: UInt64, hashes: [TreeHash]) {
        self.index = index
        self.treeSize = treeSize
        self.hashes = hashes
    }

    /// Checks that `entry` is the entry at `index` of the log whose signed checkpoint is `checkpoint`.
    /// (Verify the checkpoint's signature first, with `SignedCheckpoint.open`.)
    public func verify(entry: some DataProtocol, against checkpoint: Checkpoint) throws(MerkleProofError) {
        guard checkpoint.size == treeSize else {
            throw .checkpointMismatch("proof is for size \(treeSize), checkpoint has size \(checkpoint.size)")
        }
        do {
            try MerkleVerification.verifyInclusion(
                leafHash: RFC6962.leafHash(entry), index: index, size: treeSize, proof: hashes,
                root: checkpoint.rootHash)
        } catch let error as MerkleProofError {
            throw error
        } catch {
            throw .rootMismatch(what: "tree root")
        }
    }
}

/// A consistency proof between two sizes of one log.
public struct ConsistencyProof: Sendable, Equatable {
    public var oldSize: UInt64
    public var newSize: UInt64
    public var hashes: [TreeHash]

    public init(oldSize: UInt64, newSize: UInt64, hashes: [TreeHash]) {
        self.oldSize = oldSize
        self.newSize = newSize
        self.hashes = hashes
    }

    /// Checks that `new` extends `old` (same origin, append-only). Verify both signatures first.
    public func verify(old: Checkpoint, new: Checkpoint) throws(MerkleProofError) {
        guard old.origin == new.origin else { throw .checkpointMismatch("checkpoints name different origins") }
        guard old.size == oldSize, new.size == newSize else {
            throw .checkpointMismatch(
                "proof is for sizes \(oldSize)->\(newSize), checkpoints are \(old.size)->\(new.size)")
        }
        do {
            try MerkleVerification.verifyConsistency(
                oldSize: oldSize, newSize: newSize, oldRoot: old.rootHash, newRoot: new.rootHash, proof: hashes)
        } catch let error as MerkleProofError {
            throw error
        } catch {
            throw .rootMismatch(what: "new root")
        }
    }
}
