import Foundation

/// Serves perfect-subtree hashes for a tree of a given size out of tlog-tiles hash tiles, fetched through a
/// closure (disk, HTTP, memory), hashing inside a tile for levels between tile boundaries.
public final class TileNodeSource: MerkleNodeSource {
    /// Fetches the tile at (level, index) with exactly `width` hashes (256 for a full tile).
    public typealias Fetch = (_ level: Int, _ index: UInt64, _ width: Int) throws -> Data

    public let treeSize: UInt64
    private let fetch: Fetch
    private var cache: [TileKey: [TreeHash]] = [:]

    private struct TileKey: Hashable {
        var level: Int
        var index: UInt64
    }

    public init(treeSize: UInt64, fetch: @escaping Fetch) {
        self.treeSize = treeSize
        self.fetch = fetch
    }

    public func nodeHash(level: Int, index: UInt64) throws -> TreeHash {
        guard level >= 0, level < 64 else { throw MerkleProofError.missingNode(level: level, index: index) }
        let tileLevel = level / 8
        let levelInTile = level % 8
        guard index < (UInt64.max >> UInt64(levelInTile)) else {
            throw MerkleProofError.missingNode(level: level, index: index)
        }
        let first = index << UInt64(levelInTile)
        let count = 1 << levelInTile
        let tileIndex = first / 256
        let offset = Int(first % 256)
        let hashesAtLevel = tileLevel >= 8 ? 0 : treeSize >> UInt64(8 * tileLevel)
        guard hashesAtLevel > tileIndex * 256 else { throw MerkleProofError.missingNode(level: level, index: index) }
        let width = Int(min(256, hashesAtLevel - tileIndex * 256))
        guard offset + count <= width else { throw MerkleProofError.missingNode(level: level, index: index) }
        let tile = try hashes(level: tileLevel, index: tileIndex, width: width)
        return count == 1 ? tile[offset] : TileCodec.subtreeRoot(tile[offset..<(offset + count)])
    }

    private func hashes(level: Int, index: UInt64, width: Int) throws -> [TreeHash] {
        let key = TileKey(level: level, index: index)
        if let cached = cache[key] { return cached }
        let data = try fetch(level, index, width)
        guard let hashes = TileCodec.decode(data, width: width) else {
            throw LedgerStorageError.malformedTile(
                path: LedgerResource.tile(level: level, index: index, width: width).path)
        }
        cache[key] = hashes
        return hashes
    }
}
