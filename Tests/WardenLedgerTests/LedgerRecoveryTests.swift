import Foundation
import Testing

@testable import WardenLedger

@Suite("Ledger crash recovery")
struct LedgerRecoveryTests {
    /// A log of 300 entries with a checkpoint at 300, and one more durable entry written after it but not yet
    /// checkpointed (as if the process died between the sync and the next checkpoint).
    static func crashedLog(signer: Ed25519NoteSigner) async throws -> (TemporaryDirectory, Int, Int) {
        let directory = try TemporaryDirectory()
        _ = try await LedgerFixture.write(300, to: directory.path, signer: signer)
        let checkpointPath = directory.path + "/checkpoint"
        let checkpoint = try Data(contentsOf: URL(fileURLWithPath: checkpointPath))
        let before = try LedgerFixture.fileSize(LedgerFixture.walPath(directory.path))
        _ = try await LedgerFixture.write(1, to: directory.path, signer: signer, startingAt: 300)
        let after = try LedgerFixture.fileSize(LedgerFixture.walPath(directory.path))
        try checkpoint.write(to: URL(fileURLWithPath: checkpointPath))
        return (directory, before, after)
    }

    @Test("a log cut at every byte offset of its last record recovers to the last complete entry and continues")
    func tornTailAtEveryOffset() async throws {
        let signer = try LedgerFixture.signer()
        let (directory, before, after) = try await Self.crashedLog(signer: signer)
        defer { directory.remove() }
        #expect(after > before)
        for cut in before...after {
            let copy = try directory.copy()
            defer { copy.remove() }
            try LedgerFixture.truncate(LedgerFixture.walPath(copy.path), to: cut)
            // A tail of zeros is indistinguishable from the preallocated end: nothing to report as torn.
            let tail = try Data(contentsOf: URL(fileURLWithPath: LedgerFixture.walPath(copy.path)))[before...]
            let writer = try await LedgerWriter.open(directory: copy.path, origin: LedgerFixture.origin, signer: signer)
            let expected: UInt64 = cut == after ? 301 : 300
            #expect(await writer.size == expected, "cut at byte \(cut)")
            let torn = cut == after || tail.allSatisfy { $0 == 0 } ? 0 : cut - before
            #expect(writer.recoveredTornBytes == UInt64(torn))
            #expect(try await writer.append(Data("after restart".utf8)) == expected)
            try await writer.close()
            #expect(try LedgerFixture.fileSize(LedgerFixture.walPath(copy.path)) > (cut == after ? after : before))
            let report = try LedgerVerifier(directory: copy.path, verifiers: [signer.verifier]).verify()
            #expect(report.entries == expected + 1)
            #expect(
                try TiledLog(directory: copy.path).entry(index: expected, treeSize: expected + 1)
                    == Data("after restart".utf8))
        }
    }

    @Test("zero-filled or garbage bytes after the last record are removed on open")
    func garbageTailRemoved() async throws {
        let signer = try LedgerFixture.signer()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try await LedgerFixture.write(20, to: directory.path, signer: signer)
        let wal = LedgerFixture.walPath(directory.path)
        let size = try LedgerFixture.fileSize(wal)
        for tail in [Data(count: 4096), Data((0..<333).map { UInt8($0 % 251) }), Data([0, 0, 0, 5, 1, 2, 3, 4, 5])] {
            let handle = try #require(FileHandle(forWritingAtPath: wal))
            try handle.seekToEnd()
            try handle.write(contentsOf: tail)
            try handle.close()
            let writer = try await LedgerWriter.open(
                directory: directory.path, origin: LedgerFixture.origin, signer: signer)
            #expect(await writer.size == 20)
            try await writer.close()
            #expect(try LedgerFixture.fileSize(wal) == size)
        }
    }

    @Test("the log runs ahead of itself in synced zeros; they are its end after a crash, and a clean close cuts them")
    func preallocatedZerosAreTheEnd() async throws {
        let signer = try LedgerFixture.signer()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let wal = LedgerFixture.walPath(directory.path)
        let writer = try await LedgerWriter.open(
            directory: directory.path, origin: LedgerFixture.origin, signer: signer)
        for index in 0..<10 { _ = try await writer.append(Data("entry \(index)".utf8)) }
        // While open, the file is longer than the log: zeros follow the last record.
        let open = try Data(contentsOf: URL(fileURLWithPath: wal))
        #expect(open.count >= WriteAheadLog.preallocation)
        #expect(open.suffix(1024).allSatisfy { $0 == 0 })
        // A crash now (the file copied as it is, zeros and all) loses nothing and reports nothing torn.
        let crashed = try directory.copy()
        defer { crashed.remove() }
        let reopened = try await LedgerWriter.open(
            directory: crashed.path, origin: LedgerFixture.origin, signer: signer)
        #expect(await reopened.size == 10)
        #expect(reopened.recoveredTornBytes == 0)
        #expect(try await reopened.append(Data("after the crash".utf8)) == 10)
        try await reopened.close()
        #expect(try LedgerVerifier(directory: crashed.path, verifiers: [signer.verifier]).verify().entries == 11)
        // A clean close leaves exactly the records.
        try await writer.close()
        let closed = try LedgerFixture.fileSize(wal)
        #expect(closed < WriteAheadLog.preallocation)
        #expect(try LedgerVerifier(directory: directory.path, verifiers: [signer.verifier]).verify().entries == 10)
    }

    @Test("a run of zeros longer than the writer ever preallocates is damage, reported as torn, not its end")
    func longZeroTailIsDamage() async throws {
        let signer = try LedgerFixture.signer()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try await LedgerFixture.write(20, to: directory.path, signer: signer)
        let wal = LedgerFixture.walPath(directory.path)
        let zeros = WriteAheadLog.preallocation + WriteAheadLog.maximumBatchBytes + 1
        let handle = try #require(FileHandle(forWritingAtPath: wal))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(count: zeros))
        try handle.close()
        let writer = try await LedgerWriter.open(
            directory: directory.path, origin: LedgerFixture.origin, signer: signer)
        #expect(await writer.size == 20)
        #expect(writer.recoveredTornBytes == UInt64(zeros))
        try await writer.close()
    }

    @Test("damage larger than one batch is refused, not truncated away")
    func largeDamageRefused() async throws {
        let signer = try LedgerFixture.signer()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try await LedgerFixture.write(20, to: directory.path, signer: signer)
        let wal = LedgerFixture.walPath(directory.path)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: wal))
        bytes[20] ^= 0x01  // inside entry 0
        bytes.append(Data(count: WriteAheadLog.maximumTornTail + 1))
        try bytes.write(to: URL(fileURLWithPath: wal))
        await #expect(throws: LedgerStorageError.self) {
            _ = try await LedgerWriter.open(directory: directory.path, origin: LedgerFixture.origin, signer: signer)
        }
        do {
            _ = try await LedgerWriter.open(directory: directory.path, origin: LedgerFixture.origin, signer: signer)
        } catch let error as LedgerStorageError {
            guard case .corruptLog(let index, _, _) = error else {
                Issue.record("expected corruptLog, got \(error)")
                return
            }
            #expect(index == 0)
        }
    }

    @Test("a log truncated below its signed checkpoint is refused on open")
    func truncatedBelowCheckpointRefused() async throws {
        let signer = try LedgerFixture.signer()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try await LedgerFixture.write(50, to: directory.path, signer: signer)
        let wal = LedgerFixture.walPath(directory.path)
        try LedgerFixture.truncate(wal, to: try LedgerFixture.fileSize(wal) - 200)
        await #expect(throws: LedgerStorageError.checkpointAheadOfLog(checkpointSize: 50, logSize: 48)) {
            _ = try await LedgerWriter.open(directory: directory.path, origin: LedgerFixture.origin, signer: signer)
        }
    }

    @Test("a file that is not a ledger log is refused")
    func foreignFileRefused() async throws {
        let signer = try LedgerFixture.signer()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Data("not a ledger at all".utf8).write(to: URL(fileURLWithPath: LedgerFixture.walPath(directory.path)))
        await #expect(throws: LedgerStorageError.notALedgerLog(path: LedgerFixture.walPath(directory.path))) {
            _ = try await LedgerWriter.open(directory: directory.path, origin: LedgerFixture.origin, signer: signer)
        }
    }
}
