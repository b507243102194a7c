import Crypto
import Foundation

/// RFC 6962 section 2.1 hashing: SHA-256 with a 0x00 prefix for leaves and 0x01 for interior nodes.
///
/// The prefixes give domain separation, so a leaf can never be passed off as an interior node (second-preimage
/// attack on the tree).
public enum RFC6962 {
    /// The root of the empty tree: SHA-256 of the empty string.
    public static let emptyRoot: TreeHash = digestHash(SHA256.hash(data: Data()))

    /// The leaf hash of one log entry: SHA-256(0x00 || entry).
    public static func leafHash(_ entry: some DataProtocol) -> TreeHash {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) }
        hasher.update(data: entry)
        return digestHash(hasher.finalize())
    }

    /// `leafHash` over raw bytes, for hot loops that walk a buffer without making `Data` slices.
    static func leafHash(bufferPointer entry: UnsafeRawBufferPointer) -> TreeHash {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) }
        hasher.update(bufferPointer: entry)
        return digestHash(hasher.finalize())
    }

    /// The hash of an interior node: SHA-256(0x01 || left || right).
    public static func nodeHash(_ left: TreeHash, _ right: TreeHash) -> TreeHash {
        var hasher = SHA256()
        withUnsafeBytes(of: UInt8(1)) { hasher.update(bufferPointer: $0) }
        left.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        right.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return digestHash(hasher.finalize())
    }

    /// The Merkle Tree Hash of a whole list of leaf hashes (reference implementation, linear in the list).
    public static func rootHash(leafHashes: [TreeHash]) -> TreeHash {
        var range = CompactRange()
        for leaf in leafHashes {
            range.append(leaf)
        }
        return range.rootHash
    }

    static func digestHash(_ digest: SHA256.Digest) -> TreeHash {
        var storage = SIMD32<UInt8>()
        digest.withUnsafeBytes { raw in
            Swift.withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: raw) }
        }
        return TreeHash(storage: storage)
    }
}

/// Tree-shape arithmetic shared by proof generation and verification.
enum TreeMath {
    /// The largest power of two strictly smaller than `n` (n must be at least 2): the split point `k` of RFC 6962.
    static func splitPoint(_ n: UInt64) -> UInt64 {
        precondition(n >= 2, "split point needs at least two leaves")
        return UInt64(1) << UInt64(63 - (n - 1).leadingZeroBitCount)
    }
}
