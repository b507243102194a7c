import Foundation
import Testing

@testable import WardenLedger

/// Each test damages a verified ledger the way an attacker (or a broken disk) would and checks that
/// `LedgerVerifier` refuses it, naming the first bad entry where there is one.
@Suite("Ledger tamper detection")
struct LedgerTamperTests {
    static let count = 600

    static func ledger() async throws -> (TemporaryDirectory, Ed25519NoteSigner, SignedCheckpoint) {
        let signer = try LedgerFixture.signer()
        let directory = try TemporaryDirectory()
        let checkpoint = try await LedgerFixture.write(count, to: directory.path, signer: signer)
        #expect(try LedgerVerifier(directory: directory.path, verifiers: [signer.verifier]).verify().entries == 600)
        return (directory, signer, checkpoint)
    }

    static func rewriteBundle(_ directory: String, index: UInt64, _ change: (inout [Data]) -> Void) throws {
        let log = TiledLog(directory: directory)
        let path = log.filePath(.entryBundle(index: index, width: 256))
        var entries = try EntryBundle.decode(try Data(contentsOf: URL(fileURLWithPath: path)))
        change(&entries)
        try EntryBundle.encode(entries).write(to: URL(fileURLWithPath: path))
    }

    static func failure(
        _ directory: String, _ signer: Ed25519NoteSigner, trusted: SignedCheckpoint? = nil
    ) -> LedgerVerificationError? {
        do {
            _ = try LedgerVerifier(directory: directory, verifiers: [signer.verifier]).verify(trusted: trusted)
            return nil
        } catch {
            return error
        }
    }

    @Test("changing one byte of an entry is detected at that entry")
    func changedByte() async throws {
        let (directory, signer, _) = try await Self.ledger()
        defer { directory.remove() }
        try Self.rewriteBundle(directory.path, index: 1) { entries in
            var entry = entries[44]
            entry[entry.startIndex + 3] ^= 0x20
            entries[44] = entry
        }
        let failure = Self.failure(directory.path, signer)
        #expect(failure == .entryMismatch(index: 300))
        #expect(failure?.firstBadIndex == 300)
    }

    @Test("deleting an entry is detected at the deleted position")
    func deletedEntry() async throws {
        let (directory, signer, _) = try await Self.ledger()
        defer { directory.remove() }
        try Self.rewriteBundle(directory.path, index: 0) { $0.remove(at: 17) }
        #expect(Self.failure(directory.path, signer) == .entryMismatch(index: 17))
    }

    @Test("swapping two entries is detected at the first of them")
    func swappedEntries() async throws {
        let (directory, signer, _) = try await Self.ledger()
        defer { directory.remove() }
        try Self.rewriteBundle(directory.path, index: 1) { $0.swapAt(3, 9) }
        #expect(Self.failure(directory.path, signer) == .entryMismatch(index: 259))
    }

    @Test("truncating the last entry bundle is detected at the first entry cut off")
    func truncatedBundle() async throws {
        let (directory, signer, _) = try await Self.ledger()
        defer { directory.remove() }
        let path = TiledLog(directory: directory.path).filePath(.entryBundle(index: 2, width: 88))
        try LedgerFixture.truncate(path, to: try LedgerFixture.fileSize(path) - 5)
        #expect(Self.failure(directory.path, signer)?.firstBadIndex == 599)
    }

    @Test("removing the newest entries is detected at the first missing entry")
    func truncatedLog() async throws {
        let (directory, signer, _) = try await Self.ledger()
        defer { directory.remove() }
        let log = TiledLog(directory: directory.path)
        try FileManager.default.removeItem(atPath: log.filePath(.entryBundle(index: 2, width: 88)))
        #expect(Self.failure(directory.path, signer) == .entryBundleMissing(index: 512))
    }

    @Test("a checkpoint replaced by one under another key, or edited, is refused")
    func replacedCheckpoint() async throws {
        let (directory, signer, checkpoint) = try await Self.ledger()
        defer { directory.remove() }
        let path = directory.path + "/checkpoint"
        let forger = try Ed25519NoteSigner.generate(name: LedgerFixture.origin)
        try SignedCheckpoint.sign(checkpoint.checkpoint, signer: forger).serialized.write(
            to: URL(fileURLWithPath: path))
        guard case .checkpointInvalid = Self.failure(directory.path, signer) else {
            Issue.record("checkpoint under another key was accepted")
            return
        }
        let edited = String(decoding: checkpoint.serialized, as: UTF8.self)
            .replacingOccurrences(of: "\n600\n", with: "\n599\n")
        try Data(edited.utf8).write(to: URL(fileURLWithPath: path))
        guard case .checkpointInvalid = Self.failure(directory.path, signer) else {
            Issue.record("edited checkpoint was accepted")
            return
        }
        try FileManager.default.removeItem(atPath: path)
        #expect(Self.failure(directory.path, signer) == .checkpointMissing)
    }

    @Test("rolling back to an older valid state after a newer checkpoint was seen is detected")
    func rollback() async throws {
        let signer = try LedgerFixture.signer()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try await LedgerFixture.write(300, to: directory.path, signer: signer)
        let older = try directory.copy()
        defer { older.remove() }
        let newer = try await LedgerFixture.write(300, to: directory.path, signer: signer, startingAt: 300)
        #expect(Self.failure(directory.path, signer, trusted: newer) == nil)
        // The older state verifies on its own; only the newer checkpoint exposes the rollback.
        #expect(Self.failure(older.path, signer) == nil)
        let failure = Self.failure(older.path, signer, trusted: newer)
        #expect(failure == .rolledBack(trustedSize: 600, currentSize: 300))
        #expect(failure?.firstBadIndex == 300)
    }

    @Test("a history rewritten and re-signed with the log key is caught by a previously seen checkpoint")
    func rewrittenHistory() async throws {
        let signer = try LedgerFixture.signer()
        let honest = try TemporaryDirectory()
        let forged = try TemporaryDirectory()
        defer {
            honest.remove()
            forged.remove()
        }
        let seen = try await LedgerFixture.write(300, to: honest.path, signer: signer)
        _ = try await LedgerFixture.write(10, to: forged.path, signer: signer)
        _ = try await LedgerFixture.write(500, to: forged.path, signer: signer, startingAt: 11)
        #expect(Self.failure(forged.path, signer) == nil)
        #expect(Self.failure(forged.path, signer, trusted: seen) == .inconsistentWithTrusted(trustedSize: 300))
    }

    @Test("an entry changed together with its leaf hash is caught by the tile above or the root")
    func entryAndTileChanged() async throws {
        let (directory, signer, _) = try await Self.ledger()
        defer { directory.remove() }
        try Self.rewriteBundle(directory.path, index: 1) { $0[0] = Data("forged".utf8) }
        let tilePath = TiledLog(directory: directory.path).filePath(.tile(level: 0, index: 1, width: 256))
        var tile = try Data(contentsOf: URL(fileURLWithPath: tilePath))
        tile.replaceSubrange(0..<32, with: RFC6962.leafHash(Data("forged".utf8)).data)
        try tile.write(to: URL(fileURLWithPath: tilePath))
        // The writer's log still holds the original entry...
        #expect(Self.failure(directory.path, signer)?.firstBadIndex == 256)
        // ...and without it (a published copy of the tiles), the level-1 tile no longer matches.
        try FileManager.default.removeItem(atPath: LedgerFixture.walPath(directory.path))
        #expect(Self.failure(directory.path, signer) == .tileMismatch(path: "tile/1/000.p/2", index: 256))
    }

    @Test("a changed hash tile is detected at the first entry it misdescribes")
    func changedTile() async throws {
        let (directory, signer, _) = try await Self.ledger()
        defer { directory.remove() }
        let tilePath = TiledLog(directory: directory.path).filePath(.tile(level: 0, index: 0, width: 256))
        var tile = try Data(contentsOf: URL(fileURLWithPath: tilePath))
        tile[32 * 70 + 5] ^= 0xff
        try tile.write(to: URL(fileURLWithPath: tilePath))
        #expect(Self.failure(directory.path, signer) == .entryMismatch(index: 70))
    }

    @Test("a change to the writer's private log is detected at that entry")
    func changedWriterLog() async throws {
        let (directory, signer, _) = try await Self.ledger()
        defer { directory.remove() }
        let wal = LedgerFixture.walPath(directory.path)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: wal))
        let recordSize = 4 + LedgerFixture.entry(0).count + 32
        bytes[8 + recordSize * 5 + 10] ^= 0x01  // entry 5 (entries 0-9 have the same length)
        try bytes.write(to: URL(fileURLWithPath: wal))
        #expect(Self.failure(directory.path, signer)?.firstBadIndex == 5)
    }

    @Test("the verifier reports progress up to the checkpoint size")
    func progressReported() async throws {
        let (directory, signer, _) = try await Self.ledger()
        defer { directory.remove() }
        var reports: [UInt64] = []
        _ = try LedgerVerifier(directory: directory.path, verifiers: [signer.verifier]).verify { progress in
            reports.append(progress.verifiedEntries)
            #expect(progress.totalEntries == 600)
        }
        #expect(reports == [256, 512, 600])
    }
}
