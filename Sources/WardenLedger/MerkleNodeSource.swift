import Foundation

/// Where proof generation gets the hashes of perfect subtrees from: tiles on disk, memory, or a test fixture.
///
/// `nodeHash(level:index:)` is the root of the perfect subtree of height `level` whose leftmost leaf is
/// `index << level`; level 0 is a leaf hash.
public protocol MerkleNodeSource {
    func nodeHash(level: Int, index: UInt64) throws -> TreeHash
}

extension MerkleNodeSource {
    /// The Merkle Tree Hash of leaves `[start, end)`, where `start` is aligned to the subtree the range sits in
    /// (true for every range RFC 6962 proofs use). The range splits into perfect subtrees by the set bits of
    /// its length, largest first, which are then folded right to left.
    public func rangeHash(start: UInt64, end: UInt64) throws -> TreeHash {
        guard start < end else { throw MerkleProofError.indexOutOfRange(index: start, size: end) }
        var parts: [TreeHash] = []
        var position = start
        var remaining = end - start
        while remaining > 0 {
            let level = 63 - remaining.leadingZeroBitCount
            parts.append(try nodeHash(level: level, index: position >> UInt64(level)))
            position += UInt64(1) << UInt64(level)
            remaining -= UInt64(1) << UInt64(level)
        }
        guard var hash = parts.popLast() else { return RFC6962.emptyRoot }
        for left in parts.reversed() {
            hash = RFC6962.nodeHash(left, hash)
        }
        return hash
    }

    /// The root of the tree of the first `size` leaves.
    public func rootHash(size: UInt64) throws -> TreeHash {
        size == 0 ? RFC6962.emptyRoot : try rangeHash(start: 0, end: size)
    }
}

/// A complete in-memory tree (every level kept). For tests, tools and small logs; the writer uses tiles instead.
public struct InMemoryMerkleTree: MerkleNodeSource, Sendable {
    private var levels: [[TreeHash]] = [[]]

    public init() {}

    /// Builds the tree over the given entries.
    public init(entries: [some DataProtocol]) {
        for entry in entries {
            append(leafHash: RFC6962.leafHash(entry))
        }
    }

    /// The number of leaves.
    public var size: UInt64 { UInt64(levels[0].count) }

    /// Appends a leaf hash, completing every perfect subtree it closes.
    public mutating func append(leafHash: TreeHash) {
        levels[0].append(leafHash)
        var level = 0
        while levels[level].count % 2 == 0 {
            let count = levels[level].count
            let parent = RFC6962.nodeHash(levels[level][count - 2], levels[level][count - 1])
            if levels.count == level + 1 { levels.append([]) }
            levels[level + 1].append(parent)
            level += 1
        }
    }

    public func nodeHash(level: Int, index: UInt64) throws -> TreeHash {
        guard level >= 0, level < levels.count, index < UInt64(levels[level].count) else {
            throw MerkleProofError.missingNode(level: level, index: index)
        }
        return levels[level][Int(index)]
    }
}
