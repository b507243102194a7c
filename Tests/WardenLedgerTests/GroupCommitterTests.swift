import Foundation
import Testing

@testable import WardenLedger

@Suite("Group commit: durable appends in order, one sync for many, fail closed")
struct GroupCommitterTests {
    static func openLog(_ directory: TemporaryDirectory) throws -> WriteAheadLog {
        try WriteAheadLog.open(path: directory.path + "/ledger.wal") { _, _ in }.0
    }

    @Test("one append alone is written and synced by its caller and gets the next index")
    func leaderAppends() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let committer = GroupCommitter(wal: try Self.openLog(directory), builder: TileBuilder(), range: CompactRange())
        for index in 0..<5 {
            let entry = LedgerFixture.entry(index)
            let first = try await committer.append([entry], bytes: entry.count + WriteAheadLogFormat.overhead)
            #expect(first == UInt64(index))
        }
        #expect(committer.size == 5)
        #expect(committer.commits == 5)
        await committer.close()
    }

    @Test("a leader alone stops yielding before its sync once yields find nobody, and looks again now and then")
    func aloneLeadersSkipTheYield() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let committer = GroupCommitter(wal: try Self.openLog(directory), builder: TileBuilder(), range: CompactRange())
        let appends = GroupCommitter.idleYieldLimit + 2 * GroupCommitter.yieldProbe
        for index in 0..<appends {
            let entry = LedgerFixture.entry(index)
            _ = try await committer.append([entry], bytes: entry.count + WriteAheadLogFormat.overhead)
        }
        // The first append grows the fresh log (the storage thread's work); of the leaders after it, the first
        // `idleYieldLimit` yield and find nobody, then every one skips its yield except the one look at the
        // `yieldProbe`th.
        let leaders = appends - 1
        let looks = (leaders - GroupCommitter.idleYieldLimit) / GroupCommitter.yieldProbe
        #expect(committer.skippedYields == leaders - GroupCommitter.idleYieldLimit - looks)
        #expect(committer.commits == appends)
        await committer.close()
    }

    @Test("appends that arrive while a commit is in flight share syncs, and each gets its own index")
    func concurrentAppendsShareSyncs() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let wal = try Self.openLog(directory)
        let committer = GroupCommitter(wal: wal, builder: TileBuilder(), range: CompactRange())
        let count = 256
        let indices = try await withThrowingTaskGroup(of: (Int, UInt64).self) { group in
            for task in 0..<count {
                group.addTask {
                    let entry = LedgerFixture.entry(task)
                    return (
                        task, try await committer.append([entry], bytes: entry.count + WriteAheadLogFormat.overhead)
                    )
                }
            }
            var indices: [Int: UInt64] = [:]
            for try await (task, index) in group { indices[task] = index }
            return indices
        }
        #expect(Set(indices.values) == Set((0..<UInt64(count))))
        #expect(committer.commits < count, "group commit: \(committer.commits) syncs for \(count) appends")
        await committer.close()
        wal.close()
        // The log holds each entry at the index its caller was given.
        var replayed: [Data] = []
        _ = try WriteAheadLog.open(path: directory.path + "/ledger.wal") { entry, _ in replayed.append(entry) }
        for (task, index) in indices {
            #expect(replayed[Int(index)] == LedgerFixture.entry(task))
        }
    }

    @Test("a failed write fails its append and every later one; nothing is acknowledged after it")
    func failedWriteFailsClosed() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let wal = try Self.openLog(directory)
        let committer = GroupCommitter(wal: wal, builder: TileBuilder(), range: CompactRange())
        let entry = LedgerFixture.entry(0)
        let bytes = entry.count + WriteAheadLogFormat.overhead
        #expect(try await committer.append([entry], bytes: bytes) == 0)
        wal.close()  // the descriptor is gone: the next write fails
        await #expect(throws: LedgerStorageError.self) { _ = try await committer.append([entry], bytes: bytes) }
        #expect(committer.failure != nil)
        await #expect(throws: LedgerStorageError.self) { _ = try await committer.append([entry], bytes: bytes) }
        #expect(committer.size == 1)
    }

    @Test("a second writer on an open log is refused; once the first closes, the log opens again")
    func oneWriterAtATime() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let signer = try LedgerFixture.signer()
        let writer = try await LedgerWriter.open(
            directory: directory.path, origin: LedgerFixture.origin, signer: signer)
        await #expect(throws: LedgerStorageError.directoryLocked(path: directory.path + "/ledger.wal")) {
            _ = try await LedgerWriter.open(directory: directory.path, origin: LedgerFixture.origin, signer: signer)
        }
        try await writer.close()
        let again = try await LedgerWriter.open(directory: directory.path, origin: LedgerFixture.origin, signer: signer)
        try await again.close()
    }

    @Test("after close an append is refused")
    func closedRefuses() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let committer = GroupCommitter(wal: try Self.openLog(directory), builder: TileBuilder(), range: CompactRange())
        await committer.close()
        let entry = LedgerFixture.entry(0)
        await #expect(throws: LedgerStorageError.writerClosed) {
            _ = try await committer.append([entry], bytes: entry.count + WriteAheadLogFormat.overhead)
        }
    }
}
