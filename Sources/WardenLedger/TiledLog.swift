import Foundation

/// Read-only access to a ledger directory in the tlog-tiles layout: serving resources, reading entries and
/// building proofs. Safe to use while a `LedgerWriter` appends (files are replaced atomically).
///
/// Layout: `checkpoint`, `tile/<L>/<N>[.p/<W>]`, `tile/entries/<N>[.p/<W>]` as C2SP tlog-tiles specifies, plus
/// the writer's private `ledger.wal`, which is not a tlog-tiles resource and is never served.
public struct TiledLog: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// The file that holds `resource`.
    public func filePath(_ resource: LedgerResource) -> String {
        directory + "/" + resource.path
    }

    /// Reads a resource for serving; nil when it does not exist. A partial tile that was superseded by its
    /// full tile is served as the full tile's prefix, as clients may expect.
    public func read(_ resource: LedgerResource) throws(LedgerStorageError) -> Data? {
        if let data = try POSIXFiles.read(filePath(resource)) { return data }
        switch resource {
        case .checkpoint:
            return nil
        case .tile(let level, let index, let width):
            guard width < LedgerResource.fullWidth,
                let full = try POSIXFiles.read(filePath(.tile(level: level, index: index, width: 256)))
            else { return nil }
            return full.count == 256 * TreeHash.byteCount ? full.prefix(width * TreeHash.byteCount) : nil
        case .entryBundle(let index, let width):
            guard width < LedgerResource.fullWidth,
                let full = try POSIXFiles.read(filePath(.entryBundle(index: index, width: 256))),
                let entries = try? EntryBundle.decode(full), entries.count == 256
            else { return nil }
            return EntryBundle.encode(Array(entries.prefix(width)))
        }
    }

    /// Reads a resource by its request path; nil for paths that are not canonical ledger paths or do not exist.
    public func read(path: String) throws(LedgerStorageError) -> Data? {
        guard let resource = LedgerResource.parse(path: path) else { return nil }
        return try read(resource)
    }

    /// The latest checkpoint, verified against `verifiers` (and `origin` when given).
    public func checkpoint(verifiers: [any NoteVerifier], origin: String? = nil) throws -> SignedCheckpoint {
        guard let data = try read(.checkpoint) else {
            throw LedgerStorageError.missingResource(path: filePath(.checkpoint))
        }
        return try SignedCheckpoint.open(data, verifiers: verifiers, origin: origin)
    }

    /// Hash tiles for the tree of `treeSize` leaves, as a node source for proofs.
    public func nodeSource(treeSize: UInt64) -> TileNodeSource {
        TileNodeSource(treeSize: treeSize) { level, index, width in
            let resource = LedgerResource.tile(level: level, index: index, width: width)
            guard let data = try read(resource) else {
                throw LedgerStorageError.missingResource(path: resource.path)
            }
            return data
        }
    }

    /// The inclusion proof for entry `index` in the tree of `treeSize` leaves.
    public func inclusionProof(index: UInt64, treeSize: UInt64) throws -> InclusionProof {
        guard index < treeSize else { throw LedgerStorageError.outOfRange("entry \(index) of \(treeSize)") }
        let hashes = try MerkleProofs.inclusionProof(
            index: index, size: treeSize, source: nodeSource(treeSize: treeSize))
        return InclusionProof(index: index, treeSize: treeSize, hashes: hashes)
    }

    /// The consistency proof from `oldSize` to `newSize`.
    public func consistencyProof(oldSize: UInt64, newSize: UInt64) throws -> ConsistencyProof {
        guard oldSize <= newSize else { throw LedgerStorageError.outOfRange("sizes \(oldSize) > \(newSize)") }
        let hashes = try MerkleProofs.consistencyProof(
            oldSize: oldSize, newSize: newSize, source: nodeSource(treeSize: newSize))
        return ConsistencyProof(oldSize: oldSize, newSize: newSize, hashes: hashes)
    }

    /// The root hash of the tree of `treeSize` leaves, from the tiles.
    public func rootHash(treeSize: UInt64) throws -> TreeHash {
        try nodeSource(treeSize: treeSize).rootHash(size: treeSize)
    }

    /// The entry at `index`, read from its bundle as of `treeSize`.
    public func entry(index: UInt64, treeSize: UInt64) throws -> Data {
        guard index < treeSize else { throw LedgerStorageError.outOfRange("entry \(index) of \(treeSize)") }
        let bundle = index / 256
        let width = Int(min(256, treeSize - bundle * 256))
        let resource = LedgerResource.entryBundle(index: bundle, width: width)
        guard let data = try read(resource) else { throw LedgerStorageError.missingResource(path: resource.path) }
        let entries: [Data]
        do {
            entries = try EntryBundle.decode(data)
        } catch {
            throw LedgerStorageError.outOfRange("bundle \(resource.path) is malformed: \(error.reason)")
        }
        guard entries.count == width else {
            throw LedgerStorageError.outOfRange("bundle \(resource.path) holds \(entries.count) entries, not \(width)")
        }
        return entries[Int(index % 256)]
    }

    /// Writes tiles and bundles (temporary file + rename each), skipping files that already hold the same bytes and
    /// dropping a full tile's obsolete partial versions. Each file's data is fsynced and then every
    /// directory that gained or changed a name, up to the log directory, so a checkpoint signed after `store`
    /// returns never refers to a tile that a power loss could take away: the static files verify on their own,
    /// without the writer re-deriving them first.
    func store(_ files: [TileFile]) throws(LedgerStorageError) {
        var touched = Set<String>()
        for file in files {
            let path = filePath(file.resource)
            if let existing = try POSIXFiles.read(path), existing == file.contents { continue }
            try POSIXFiles.replace(path, with: file.contents, durable: false, syncData: true)
            var directory = (path as NSString).deletingLastPathComponent
            while directory.count > self.directory.count, touched.insert(directory).inserted {
                directory = (directory as NSString).deletingLastPathComponent
            }
            switch file.resource {
            case .tile(_, _, 256), .entryBundle(_, 256):
                POSIXFiles.removeFlatDirectory(path + ".p")
            default:
                break
            }
        }
        if !touched.isEmpty { touched.insert(directory) }
        // Deepest first, so a directory's own entry is synced after its contents.
        for path in touched.sorted(by: { $0.count > $1.count }) {
            try POSIXFiles.syncDirectory(path)
        }
    }
}
