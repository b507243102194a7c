import Foundation

/// One tile or entry bundle to store, with its contents.
public struct TileFile: Sendable, Equatable {
    public var resource: LedgerResource
    public var contents: Data
}

/// Builds tlog-tiles hash tiles and entry bundles as leaves are appended (pure: no I/O).
///
/// It keeps only the right edge (the partial tile of every level and the partial bundle), hands out each full
/// tile and bundle once, and can describe the partial tiles for the current size whenever a checkpoint needs
/// them.
struct TileBuilder: Sendable {
    private(set) var size: UInt64 = 0
    private var partialTiles: [[TreeHash]] = [[]]
    private var partialBundle: [Data] = []
    private var completed: [TileFile] = []

    /// Full tiles and bundles produced since the last drain.
    var completedCount: Int { completed.count }

    mutating func append(entry: Data, leafHash: TreeHash) {
        size += 1
        partialBundle.append(entry)
        if partialBundle.count == LedgerResource.fullWidth {
            let index = size / UInt64(LedgerResource.fullWidth) - 1
            completed.append(
                TileFile(resource: .entryBundle(index: index, width: 256), contents: EntryBundle.encode(partialBundle)))
            partialBundle.removeAll(keepingCapacity: true)
        }
        var carry = leafHash
        var level = 0
        while true {
            if partialTiles.count == level { partialTiles.append([]) }
            partialTiles[level].append(carry)
            guard partialTiles[level].count == LedgerResource.fullWidth else { break }
            let hashesAtLevel = size >> UInt64(8 * level)
            let index = hashesAtLevel / UInt64(LedgerResource.fullWidth) - 1
            let tile = partialTiles[level]
            completed.append(
                TileFile(resource: .tile(level: level, index: index, width: 256), contents: TileCodec.encode(tile)))
            carry = TileCodec.fullTileRoot(tile)
            partialTiles[level].removeAll(keepingCapacity: true)
            level += 1
        }
    }

    /// Returns and forgets the full tiles and bundles completed so far.
    mutating func drainCompleted() -> [TileFile] {
        defer { completed.removeAll() }
        return completed
    }

    /// The partial tiles and partial bundle that the current size needs (none at a multiple of 256 on level 0).
    func partialFiles() -> [TileFile] {
        var files: [TileFile] = []
        if !partialBundle.isEmpty {
            files.append(
                TileFile(
                    resource: .entryBundle(index: size / 256, width: partialBundle.count),
                    contents: EntryBundle.encode(partialBundle)))
        }
        for (level, hashes) in partialTiles.enumerated() where !hashes.isEmpty {
            let index = (size >> UInt64(8 * level)) / 256
            files.append(
                TileFile(
                    resource: .tile(level: level, index: index, width: hashes.count), contents: TileCodec.encode(hashes)
                ))
        }
        return files
    }
}
