import Foundation
import Testing

@testable import WardenLedger

@Suite("tlog-tiles layout, tiles and entry bundles")
struct TileTests {
    @Test("tile paths use x-prefixed 3-digit groups and .p/<W> for partial tiles")
    func tilePaths() {
        #expect(LedgerResource.tile(level: 0, index: 1_234_067, width: 256).path == "tile/0/x001/x234/067")
        #expect(LedgerResource.tile(level: 2, index: 0, width: 17).path == "tile/2/000.p/17")
        #expect(LedgerResource.entryBundle(index: 1000, width: 256).path == "tile/entries/x001/000")
        #expect(LedgerResource.entryBundle(index: 5, width: 1).path == "tile/entries/005.p/1")
        #expect(LedgerResource.checkpoint.path == "checkpoint")
    }

    @Test("canonical resource paths parse back to the same resource")
    func pathsRoundTrip() {
        let resources: [LedgerResource] = [
            .checkpoint, .tile(level: 0, index: 0, width: 256), .tile(level: 63, index: 999, width: 255),
            .tile(level: 1, index: 1_234_067, width: 3), .entryBundle(index: 18_446_744_073_709_551_615, width: 256),
            .entryBundle(index: 1000, width: 1),
        ]
        for resource in resources {
            #expect(LedgerResource.parse(path: resource.path) == resource, "\(resource.path)")
        }
    }

    @Test("non-canonical or escaping paths are refused")
    func badPathsRefused() {
        let bad = [
            "", "/checkpoint", "checkpoint/", "tile/0/1", "tile/0/0001", "tile/00/000", "tile/64/000",
            "tile/0/x000/001", "tile/0/000.p/256", "tile/0/000.p/0", "tile/0/000.p/017", "tile/0/../000",
            "tile/entries/../../etc/passwd", "tile/0/x001", "tile/0/001/x234", "tile/entries/000.p/", "tile/-1/000",
            "tile/0/000/", "tile/0//000", "tile/entries/x1000/000",
        ]
        for path in bad {
            #expect(LedgerResource.parse(path: path) == nil, "\(path)")
        }
    }

    @Test("a tree of 70000 leaves has the tiles the tlog-tiles spec lists for it")
    func seventyThousandLeaves() {
        var builder = TileBuilder()
        var full: [LedgerResource] = []
        for index in 0..<70000 {
            let entry = Data("\(index)".utf8)
            builder.append(entry: entry, leafHash: RFC6962.leafHash(entry))
            full += builder.drainCompleted().map(\.resource)
        }
        let fullTiles = full.filter { if case .tile = $0 { true } else { false } }
        #expect(fullTiles.filter { if case .tile(0, _, 256) = $0 { true } else { false } }.count == 273)
        #expect(fullTiles.filter { if case .tile(1, _, 256) = $0 { true } else { false } }.count == 1)
        #expect(full.filter { if case .entryBundle = $0 { true } else { false } }.count == 273)
        let partial = Set(builder.partialFiles().map(\.resource))
        #expect(
            partial == [
                .tile(level: 0, index: 273, width: 112), .tile(level: 1, index: 1, width: 17),
                .tile(level: 2, index: 0, width: 1), .entryBundle(index: 273, width: 112),
            ])
    }

    @Test("proofs computed from tiles equal proofs computed from the full tree")
    func tileProofsMatchTree() throws {
        let count = 256 * 3 + 77
        let entries = (0..<count).map { Data("entry \($0)".utf8) }
        var builder = TileBuilder()
        var files: [LedgerResource: Data] = [:]
        for entry in entries {
            builder.append(entry: entry, leafHash: RFC6962.leafHash(entry))
        }
        for file in builder.drainCompleted() + builder.partialFiles() {
            files[file.resource] = file.contents
        }
        let tree = InMemoryMerkleTree(entries: entries)
        let size = UInt64(count)
        let tiles = TileNodeSource(treeSize: size) { level, index, width in
            try #require(files[.tile(level: level, index: index, width: width)])
        }
        #expect(try tiles.rootHash(size: size) == tree.rootHash(size: size))
        for index in stride(from: UInt64(0), to: size, by: 37) {
            #expect(
                try MerkleProofs.inclusionProof(index: index, size: size, source: tiles)
                    == MerkleProofs.inclusionProof(index: index, size: size, source: tree))
        }
        let fullSource = TileNodeSource(treeSize: 768) { level, index, width in
            try #require(files[.tile(level: level, index: index, width: width)])
        }
        for oldSize in [UInt64(1), 200, 256, 511, 700] {
            #expect(
                try MerkleProofs.consistencyProof(oldSize: oldSize, newSize: 768, source: fullSource)
                    == MerkleProofs.consistencyProof(oldSize: oldSize, newSize: 768, source: tree))
        }
    }

    @Test("entry bundles round-trip and refuse truncated records")
    func entryBundles() throws {
        let entries = [Data(), Data("a".utf8), Data(repeating: 7, count: 300), Data(repeating: 1, count: 65535)]
        let bundle = EntryBundle.encode(entries)
        #expect(bundle.prefix(5) == Data([0, 0, 0, 1, 0x61]))
        #expect(try EntryBundle.decode(bundle) == entries)
        #expect(throws: EntryBundle.DecodingError.self) { try EntryBundle.decode(bundle.dropLast()) }
        #expect(throws: EntryBundle.DecodingError.self) { try EntryBundle.decode(Data([0])) }
    }
}
