import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The ledger's durable, append-only entry log: the single source of truth from which tiles are derived.
///
/// Used by one committer at a time (hence `@unchecked Sendable`): `GroupCommitter` hands it to whoever holds its
/// `committing` flag, under its lock. One file descriptor, appended with one `write` and one `fdatasync` per group
/// commit, and exclusively locked with `flock` so a second writer cannot open the same directory.
///
/// The file is kept ahead of the log by up to `preallocation` bytes of zeros, written and synced beforehand, so a
/// commit's `fdatasync` changes no file size and needs no metadata journal commit (as PostgreSQL keeps its WAL
/// segments zero-filled). Zeros after the last record are the preallocated end, not damage; a clean close cuts them.
final class WriteAheadLog: @unchecked Sendable {
    /// The writer never leaves more than this many bytes unsynced (one group commit).
    static let maximumBatchBytes = 4 * 1024 * 1024
    /// Recovery truncates at most this much damaged tail; more damage than a batch is not a torn write.
    static let maximumTornTail = 2 * maximumBatchBytes
    /// How far ahead the file is filled with zeros.
    static let preallocation = 1 << 20

    let path: String
    private var fd: Int32
    private(set) var byteSize: UInt64
    /// The file's size: `byteSize` plus the zeros ahead of it.
    private(set) var allocated: UInt64

    private init(path: String, fd: Int32, byteSize: UInt64) {
        self.path = path
        self.fd = fd
        self.byteSize = byteSize
        self.allocated = byteSize
    }

    deinit {
        close()
    }

    /// Cuts the zeros ahead of the log (best effort: recovery accepts them too), then closes the file, releasing the
    /// directory lock. Idempotent.
    func close() {
        if fd >= 0 {
            if allocated > byteSize, ftruncate(fd, off_t(byteSize)) == 0 {
                _ = fsync(fd)
                allocated = byteSize
            }
            Glibc.close(fd)
            fd = -1
        }
    }

    /// What recovery found.
    struct Recovery {
        var entryCount: UInt64
        var truncatedBytes: UInt64
    }

    /// Opens (creating if needed) and recovers the log: replays every complete record through `replay` and
    /// truncates a torn tail. Damage larger than one batch is refused rather than repaired.
    static func open(
        path: String, replay: (Data, TreeHash) throws -> Void
    ) throws -> (WriteAheadLog, Recovery) {
        if !POSIXFiles.exists(path) {
            try POSIXFiles.replace(path, with: WriteAheadLogFormat.header, durable: true)
        }
        let fd = try POSIXFiles.open(path, O_RDWR)
        guard lockExclusively(fd) else {
            Glibc.close(fd)
            throw LedgerStorageError.directoryLocked(path: path)
        }
        let log = WriteAheadLog(path: path, fd: fd, byteSize: 0)
        let recovery = try log.recover(replay: replay)
        return (log, recovery)
    }

    /// Takes the log's exclusive lock, trying for up to a second. A writer of this process that just closed the log
    /// may still have its lock referenced for a moment by a child being spawned (between fork and exec the child
    /// holds every open file); a second writer holds it for good and is refused after the second.
    static func lockExclusively(_ fd: Int32) -> Bool {
        for attempt in 0..<100 {
            if flock(fd, LOCK_EX | LOCK_NB) == 0 { return true }
            guard errno == EWOULDBLOCK || errno == EINTR, attempt < 99 else { return false }
            usleep(10_000)
        }
        return false
    }

    private func recover(replay: (Data, TreeHash) throws -> Void) throws -> Recovery {
        let fileSize = UInt64(max(0, lseek(fd, 0, SEEK_END)))
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw POSIXFiles.fail("lseek", path) }
        var reader = ChunkReader(fd: fd, path: path)
        let header = WriteAheadLogFormat.header
        try reader.fill(atLeast: header.count)
        var validEnd: UInt64 = 0
        var count: UInt64 = 0
        var damage: String?
        if reader.available < header.count {
            // A short header can only come from a crash while the file was being created.
            guard header.starts(with: reader.remaining) else { throw LedgerStorageError.notALedgerLog(path: path) }
            damage = "header incomplete"
        } else {
            guard reader.remaining.prefix(header.count) == header else {
                throw LedgerStorageError.notALedgerLog(path: path)
            }
            reader.consume(header.count)
            validEnd = UInt64(header.count)
            let largestRecord = WriteAheadLogFormat.overhead + EntryBundle.maximumEntrySize
            while true {
                try reader.fill(atLeast: largestRecord)
                if reader.available == 0 { break }
                switch WriteAheadLogFormat.decode(reader.buffer, at: reader.position) {
                case .record(let entry, let leafHash, let length):
                    try replay(entry, leafHash)
                    count += 1
                    reader.consume(length)
                    validEnd += UInt64(length)
                    continue
                case .incomplete:
                    damage = "last record incomplete"
                case .corrupt(let reason):
                    damage = reason
                }
                break
            }
        }
        var truncated: UInt64 = 0
        // Zeros no longer than what the writer preallocates (plus one batch written into them) are its end; a longer
        // run of zeros is damage (storage that lost acknowledged blocks), refused or reported as before.
        let preallocatedEnd = UInt64(Self.preallocation + Self.maximumBatchBytes)
        if damage != nil, fileSize - validEnd <= preallocatedEnd,
            try Self.onlyZeros(fd: fd, from: validEnd, to: fileSize, path: path)
        {
            // The preallocated end (or a crash before a record was written into it): nothing was lost.
            damage = nil
            allocated = fileSize
        }
        if let damage {
            truncated = fileSize - validEnd
            guard truncated <= UInt64(Self.maximumTornTail) else {
                throw LedgerStorageError.corruptLog(index: count, offset: validEnd, reason: damage)
            }
            guard ftruncate(fd, off_t(validEnd)) == 0 else { throw POSIXFiles.fail("ftruncate", path) }
            if validEnd == 0 {
                guard lseek(fd, 0, SEEK_SET) == 0 else { throw POSIXFiles.fail("lseek", path) }
                try POSIXFiles.writeAll(fd, header, path: path)
                validEnd = UInt64(header.count)
            }
            try POSIXFiles.sync(fd, path: path)
        }
        guard lseek(fd, off_t(validEnd), SEEK_SET) == off_t(validEnd) else { throw POSIXFiles.fail("lseek", path) }
        byteSize = validEnd
        allocated = max(allocated, validEnd)
        return Recovery(entryCount: count, truncatedBytes: truncated)
    }

    /// Whether the file holds only zero bytes in `start..<end`.
    private static func onlyZeros(fd: Int32, from start: UInt64, to end: UInt64, path: String) throws -> Bool {
        guard end > start else { return true }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var offset = start
        while offset < end {
            let wanted = Int(min(UInt64(chunk.count), end - offset))
            let read = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, wanted, off_t(offset)) }
            if read < 0 {
                if errno == EINTR { continue }
                throw POSIXFiles.fail("pread", path)
            }
            if read == 0 { return true }
            if chunk[..<read].contains(where: { $0 != 0 }) { return false }
            offset += UInt64(read)
        }
        return true
    }

    /// Sequential, unlocked, read-only access to the records of a log file (for verification).
    struct RecordReader {
        private var reader: ChunkReader
        private let fd: Int32

        init(path: String) throws {
            fd = try POSIXFiles.open(path, O_RDONLY)
            reader = ChunkReader(fd: fd, path: path)
            let header = WriteAheadLogFormat.header
            try reader.fill(atLeast: header.count)
            guard reader.available >= header.count, reader.remaining.prefix(header.count) == header else {
                Glibc.close(fd)
                throw LedgerStorageError.notALedgerLog(path: path)
            }
            reader.consume(header.count)
        }

        func close() {
            Glibc.close(fd)
        }

        /// The next record's entry and stored leaf hash (unchecked), or nil at the end or at a damaged record.
        mutating func next() throws -> (entry: Data, storedHash: Data)? {
            try reader.fill(atLeast: WriteAheadLogFormat.overhead + EntryBundle.maximumEntrySize)
            guard let record = WriteAheadLogFormat.split(reader.buffer, at: reader.position) else { return nil }
            // The preallocated end: zeros are no record.
            if record.entry.isEmpty && record.storedHash.allSatisfy({ $0 == 0 }) { return nil }
            reader.consume(record.length)
            return (record.entry, record.storedHash)
        }
    }

    /// Appends encoded records and makes them durable before returning.
    /// Whether `bytes` more fit in the zeros already synced ahead (no file growth, no full sync).
    func hasRoom(for bytes: Int) -> Bool {
        byteSize + UInt64(bytes) <= allocated
    }

    func appendDurably(_ records: Data) throws {
        let end = byteSize + UInt64(records.count)
        if end > allocated { try preallocate(through: end) }
        try POSIXFiles.writeAll(fd, records, path: path)
        try POSIXFiles.sync(fd, path: path, dataOnly: true)
        byteSize = end
    }

    /// Fills the file with synced zeros past `end` (the file offset stays at the log's end).
    private func preallocate(through end: UInt64) throws {
        let target = end + UInt64(Self.preallocation)
        let zeros = [UInt8](repeating: 0, count: 64 * 1024)
        var offset = allocated
        while offset < target {
            let count = Int(min(UInt64(zeros.count), target - offset))
            let written = zeros.withUnsafeBytes { pwrite(fd, $0.baseAddress, count, off_t(offset)) }
            if written < 0 {
                if errno == EINTR { continue }
                throw POSIXFiles.fail("pwrite", path)
            }
            offset += UInt64(written)
        }
        // The size changed: a full sync, once per `preallocation` bytes of log.
        try POSIXFiles.sync(fd, path: path)
        allocated = target
    }
}

/// Sequential buffered reading of the log: keeps enough bytes ahead to decode the largest record.
struct ChunkReader {
    let fd: Int32
    let path: String
    private(set) var buffer = Data()
    private(set) var position = 0
    private var endOfFile = false

    init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    var available: Int { buffer.count - position }
    var remaining: Data { buffer.subdata(in: position..<buffer.count) }

    mutating func consume(_ count: Int) {
        position += count
    }

    /// Reads until at least `count` unconsumed bytes are buffered or the file ends.
    mutating func fill(atLeast count: Int) throws {
        guard available < count, !endOfFile else { return }
        if position > 0 {
            buffer = buffer.subdata(in: position..<buffer.count)
            position = 0
        }
        var chunk = [UInt8](repeating: 0, count: max(count, 1 << 20))
        while available < count {
            let read = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if read < 0 {
                if errno == EINTR { continue }
                throw POSIXFiles.fail("read", path)
            }
            if read == 0 {
                endOfFile = true
                return
            }
            buffer.append(contentsOf: chunk[..<read])
        }
    }
}
