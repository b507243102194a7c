import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few POSIX file operations the ledger needs, with durability explicit: `fsync` of the file and of the
/// directory that names it. Foundation's atomic writes do not fsync, so they are not used here.
enum POSIXFiles {
    static func fail(_ operation: String, _ path: String) -> LedgerStorageError {
        .system(operation: operation, path: path, errno: errno)
    }

    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(LedgerStorageError) -> Int32 {
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw fail("open", path) }
        }
    }

    static func writeAll(_ fd: Int32, _ data: Data, path: String) throws(LedgerStorageError) {
        let result: LedgerStorageError? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return nil }
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(fd, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return fail("write", path)
                }
                offset += written
            }
            return nil
        }
        if let result { throw result }
    }

    static func sync(_ fd: Int32, path: String, dataOnly: Bool = false) throws(LedgerStorageError) {
        let result = dataOnly ? fdatasync(fd) : fsync(fd)
        if result != 0 { throw fail(dataOnly ? "fdatasync" : "fsync", path) }
    }

    static func syncDirectory(_ path: String) throws(LedgerStorageError) {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { Glibc.close(fd) }
        try sync(fd, path: path)
    }

    /// Reads a whole file; nil when it does not exist.
    static func read(_ path: String) throws(LedgerStorageError) -> Data? {
        let fd: Int32
        do {
            fd = try open(path, O_RDONLY)
        } catch {
            if case .system(_, _, let code) = error, code == ENOENT { return nil }
            throw error
        }
        defer { Glibc.close(fd) }
        var out = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw fail("read", path)
            }
            if count == 0 { return out }
            out.append(contentsOf: buffer[..<count])
        }
    }

    static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Creates `path` and its missing parents.
    static func makeDirectories(_ path: String) throws(LedgerStorageError) {
        if exists(path) { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try makeDirectories(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw fail("mkdir", path) }
    }

    /// Writes a file by write-to-temporary then rename, so readers see the old or the new contents, never a mix.
    /// With `durable`, the temporary file is fsynced before the rename and the directory after it, so the new
    /// contents survive a crash once this returns.
    /// Replaces `path` atomically. `durable` syncs the data and the directory entry; `syncData` only the data
    /// (the caller syncs directories itself, once for many files).
    static func replace(_ path: String, with data: Data, durable: Bool, syncData: Bool = false)
        throws(LedgerStorageError)
    {
        let directory = (path as NSString).deletingLastPathComponent
        try makeDirectories(directory)
        let temporary = path + ".tmp-\(getpid())"
        let fd = try open(temporary, O_WRONLY | O_CREAT | O_TRUNC)
        do {
            try writeAll(fd, data, path: temporary)
            if durable || syncData { try sync(fd, path: temporary) }
        } catch {
            Glibc.close(fd)
            unlink(temporary)
            throw error
        }
        Glibc.close(fd)
        if rename(temporary, path) != 0 {
            let failure = fail("rename", path)
            unlink(temporary)
            throw failure
        }
        if durable { try syncDirectory(directory) }
    }

    /// Removes a directory of plain files (an obsolete `<N>.p` partial-tile directory); missing is fine.
    static func removeFlatDirectory(_ path: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names {
            unlink(path + "/" + name)
        }
        rmdir(path)
    }
}
