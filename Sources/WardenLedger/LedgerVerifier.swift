import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Progress of a verification run, reported after each entry bundle.
public struct LedgerVerificationProgress: Sendable {
    public var verifiedEntries: UInt64
    public var totalEntries: UInt64
}

/// What a successful verification established.
public struct LedgerVerificationReport: Sendable {
    /// The checkpoint whose signature and root were verified.
    public var checkpoint: SignedCheckpoint
    /// Entries recomputed.
    public var entries: UInt64
    /// Hash tiles compared.
    public var tiles: Int
}

/// Verifies a ledger directory offline with nothing but the log's verifier key: the checkpoint signature, every
/// entry against every hash tile, every tile recomputed from the entries, the root against the checkpoint, and
/// (when given) that a previously seen checkpoint is still contained in the log.
///
/// Memory stays bounded by one tile per level; the first problem found is reported with its entry index.
public struct LedgerVerifier: Sendable {
    public let log: TiledLog
    public let verifiers: [any NoteVerifier]
    public let origin: String?

    /// `origin` nil accepts any origin the key signed.
    public init(directory: String, verifiers: [any NoteVerifier], origin: String? = nil) {
        self.log = TiledLog(directory: directory)
        self.verifiers = verifiers
        self.origin = origin
    }

    /// Runs the verification. `trusted` is a checkpoint seen earlier (e.g. cosigned by a witness): the log
    /// must still contain it. `progress` is called after every entry bundle.
    public func verify(
        trusted: SignedCheckpoint? = nil, progress: (LedgerVerificationProgress) -> Void = { _ in }
    ) throws(LedgerVerificationError) -> LedgerVerificationReport {
        let signed = try readCheckpoint()
        let size = signed.checkpoint.size
        if let trusted {
            let seen = trusted.checkpoint
            guard seen.origin == signed.checkpoint.origin else {
                throw .checkpointInvalid("trusted checkpoint names origin \(seen.origin)")
            }
            do {
                _ = try trusted.note.verifiedSignatures(by: verifiers)
            } catch {
                throw .checkpointInvalid("trusted checkpoint: \(error.description)")
            }
            guard seen.size <= size else { throw .rolledBack(trustedSize: seen.size, currentSize: size) }
        }
        var tiles = TileRecomputation(log: log, treeSize: size)
        // The writer's private log, when present, must hold the same entries: it is what a restarted writer
        // trusts, so a change there would otherwise surface only later. Compared byte for byte in the same pass.
        var writerLog = try openWriterLog()
        defer { writerLog?.close() }
        var bundle: UInt64 = 0
        while bundle * 256 < size {
            let firstIndex = bundle * 256
            let width = Int(min(256, size - firstIndex))
            let data = try readBundle(index: bundle, width: width)
            let stored = try tiles.storedTile(level: 0, index: bundle, width: width)
            var count = 0
            var failure: LedgerVerificationError?
            data.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let index = firstIndex + UInt64(count)
                    guard raw.count - offset >= 2 else {
                        failure = .entryBundleMalformed(index: index, reason: "truncated length prefix")
                        return
                    }
                    let length = Int(raw[offset]) << 8 | Int(raw[offset + 1])
                    offset += 2
                    guard raw.count - offset >= length else {
                        failure = .entryBundleMalformed(index: index, reason: "entry runs past the end of the bundle")
                        return
                    }
                    let entry = UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + length)])
                    let leafHash = RFC6962.leafHash(bufferPointer: entry)
                    guard count < width, leafHash == stored[count] else {
                        failure = .entryMismatch(index: index)
                        return
                    }
                    if writerLog != nil {
                        do {
                            try compareWriterLog(&writerLog, index: index, entry: entry, leafHash: leafHash)
                        } catch let error as LedgerVerificationError {
                            failure = error
                            return
                        } catch {
                            failure = .logMismatch(index: index, reason: String(describing: error))
                            return
                        }
                    }
                    offset += length
                    count += 1
                }
            }
            if let failure { throw failure }
            guard count == width else {
                throw .entryBundleMalformed(
                    index: firstIndex + UInt64(count),
                    reason: "bundle holds \(count) entries, the checkpoint needs \(width)")
            }
            try tiles.addLevelZero(index: bundle, hashes: stored)
            bundle += 1
            progress(LedgerVerificationProgress(verifiedEntries: firstIndex + UInt64(width), totalEntries: size))
        }
        try tiles.finish()
        // Every tile now matches the entries, so roots computed from the tiles are roots of the entries.
        let tree = log.nodeSource(treeSize: size)
        if let trusted, trusted.checkpoint.size > 0 {
            guard (try? tree.rootHash(size: trusted.checkpoint.size)) == trusted.checkpoint.rootHash else {
                throw .inconsistentWithTrusted(trustedSize: trusted.checkpoint.size)
            }
        }
        guard (try? tree.rootHash(size: size)) == signed.checkpoint.rootHash else { throw .rootMismatch(size: size) }
        return LedgerVerificationReport(checkpoint: signed, entries: size, tiles: tiles.compared)
    }

    private func openWriterLog() throws(LedgerVerificationError) -> WriteAheadLog.RecordReader? {
        let path = log.directory + "/ledger.wal"
        guard POSIXFiles.exists(path) else { return nil }
        do {
            return try WriteAheadLog.RecordReader(path: path)
        } catch {
            throw .logMismatch(index: 0, reason: String(describing: error))
        }
    }

    private func compareWriterLog(
        _ writerLog: inout WriteAheadLog.RecordReader?, index: UInt64, entry: UnsafeRawBufferPointer, leafHash: TreeHash
    ) throws(LedgerVerificationError) {
        let record: (entry: Data, storedHash: Data)?
        do {
            record = try writerLog?.next()
        } catch {
            throw .logMismatch(index: index, reason: String(describing: error))
        }
        guard let record else {
            throw .logMismatch(index: index, reason: "log ends or is damaged before the checkpoint size")
        }
        let sameEntry = record.entry.withUnsafeBytes { logged in
            guard logged.count == entry.count else { return false }
            guard let left = logged.baseAddress, let right = entry.baseAddress else { return entry.isEmpty }
            return memcmp(left, right, entry.count) == 0
        }
        guard sameEntry, leafHash.withUnsafeBytes({ $0.elementsEqual(record.storedHash) }) else {
            throw .logMismatch(index: index, reason: "entry differs from the served entry")
        }
    }

    private func readCheckpoint() throws(LedgerVerificationError) -> SignedCheckpoint {
        let data: Data?
        do {
            data = try log.read(.checkpoint)
        } catch {
            throw .unreadable(error.description)
        }
        guard let data else { throw .checkpointMissing }
        do {
            return try SignedCheckpoint.open(data, verifiers: verifiers, origin: origin)
        } catch {
            throw .checkpointInvalid(error.description)
        }
    }

    private func readBundle(index: UInt64, width: Int) throws(LedgerVerificationError) -> Data {
        let data: Data?
        do {
            data = try log.read(.entryBundle(index: index, width: width))
        } catch {
            throw .unreadable(error.description)
        }
        guard let data else { throw .entryBundleMissing(index: index * 256) }
        return data
    }
}

/// Recomputes hash tiles level by level from the leaf tiles and compares them with the stored ones.
private struct TileRecomputation {
    let log: TiledLog
    let treeSize: UInt64
    /// Recomputed hashes of the current (not yet compared) tile of each level above 0.
    var pending: [[TreeHash]] = [[]]
    /// Full tiles already compared on each level (tiles complete left to right).
    var completedTiles: [UInt64] = [0]
    var compared = 0

    init(log: TiledLog, treeSize: UInt64) {
        self.log = log
        self.treeSize = treeSize
    }

    mutating func storedTile(level: Int, index: UInt64, width: Int) throws(LedgerVerificationError) -> [TreeHash] {
        let resource = LedgerResource.tile(level: level, index: index, width: width)
        let firstEntry = index << UInt64(8 * (level + 1))
        let data: Data?
        do {
            data = try log.read(resource)
        } catch {
            throw .unreadable(error.description)
        }
        guard let data else { throw .tileMissing(path: resource.path, index: firstEntry) }
        guard let hashes = TileCodec.decode(data, width: width) else {
            throw .tileMismatch(path: resource.path, index: firstEntry)
        }
        compared += 1
        return hashes
    }

    /// Feeds a verified level-0 tile; full tiles roll up into the level above.
    mutating func addLevelZero(index: UInt64, hashes: [TreeHash]) throws(LedgerVerificationError) {
        guard hashes.count == 256 else { return }
        try push(level: 1, hash: TileCodec.fullTileRoot(hashes))
    }

    private mutating func push(level: Int, hash: TreeHash) throws(LedgerVerificationError) {
        while pending.count <= level {
            pending.append([])
            completedTiles.append(0)
        }
        pending[level].append(hash)
        guard pending[level].count == 256 else { return }
        try compare(level: level, index: completedTiles[level], recomputed: pending[level])
        completedTiles[level] += 1
        let root = TileCodec.fullTileRoot(pending[level])
        pending[level] = []
        try push(level: level + 1, hash: root)
    }

    private mutating func compare(level: Int, index: UInt64, recomputed: [TreeHash]) throws(LedgerVerificationError) {
        let stored = try storedTile(level: level, index: index, width: recomputed.count)
        if let position = recomputed.indices.first(where: { stored[$0] != recomputed[$0] }) {
            let firstEntry = (index * 256 + UInt64(position)) << UInt64(8 * level)
            throw .tileMismatch(
                path: LedgerResource.tile(level: level, index: index, width: recomputed.count).path, index: firstEntry)
        }
    }

    /// Compares the partial tiles of every level above 0 that the tree size requires.
    mutating func finish() throws(LedgerVerificationError) {
        for level in 1..<pending.count where !pending[level].isEmpty {
            try compare(level: level, index: completedTiles[level], recomputed: pending[level])
        }
    }
}
