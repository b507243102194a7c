import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An error type that can say which system call failed on which path, so the file operations below throw
/// each module's own error (the ledger's `LedgerStorageError`, the witness's `WitnessError`).
package protocol SystemCallFailure: Error {
    static func system(operation: String, path: String, errno: Int32) -> Self
}

extension LedgerStorageError: SystemCallFailure {}

/// The ledger's file operations, throwing `LedgerStorageError`.
typealias POSIXFiles = POSIXFileSystem<LedgerStorageError>

/// The few POSIX file operations the ledger and the witness need, with durability explicit: `fsync` of the
/// file and of the directory that names it. Foundation's atomic writes do not fsync, so they are not used here.
package enum POSIXFileSystem<Failure: SystemCallFailure> {
    package static func fail(_ operation: String, _ path: String) -> Failure {
        .system(operation: operation, path: path, errno: errno)
    }

    /// Opens `path`, retrying on `EINTR`; -1 with `errno` set on failure.
    private static func openRetrying(_ path: String, _ flags: Int32, mode: mode_t) -> Int32 {
        while true {
            let fd = Glibc.open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 || errno != EINTR { return fd }
        }
    }

    package static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o644) throws(Failure) -> Int32 {
        let fd = openRetrying(path, flags, mode: mode)
        if fd < 0 { throw fail("open", path) }
        return fd
    }

    package static func writeAll(_ fd: Int32, _ data: Data, path: String) throws(Failure) {
        let result: Failure? = data.withUnsafeBytes { raw in
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

    package static func sync(_ fd: Int32, path: String, dataOnly: Bool = false) throws(Failure) {
        let result = dataOnly ? fdatasync(fd) : fsync(fd)
        if result != 0 { throw fail(dataOnly ? "fdatasync" : "fsync", path) }
    }

    package static func syncDirectory(_ path: String) throws(Failure) {
        let fd = try open(path, O_RDONLY | O_DIRECTORY)
        defer { Glibc.close(fd) }
        try sync(fd, path: path)
    }

    /// The directory that names `path` ("." for a bare file name).
    package static func directory(of path: String) -> String {
        let directory = (path as NSString).deletingLastPathComponent
        return directory.isEmpty ? "." : directory
    }

    /// Reads a whole file; nil when it does not exist. Stops once more than `limit` bytes are read, so a
    /// caller that bounds a file sees `count > limit` without reading all of a large one.
    package static func read(_ path: String, limit: Int = .max) throws(Failure) -> Data? {
        let fd = openRetrying(path, O_RDONLY, mode: 0)
        if fd < 0 {
            if errno == ENOENT { return nil }
            throw fail("open", path)
        }
        defer { Glibc.close(fd) }
        var out = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while out.count <= limit {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw fail("read", path)
            }
            if count == 0 { break }
            out.append(contentsOf: buffer[..<count])
        }
        return out
    }

    package static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Creates `path` and its missing parents with `mode`. With `durable`, each new directory's parent is
    /// fsynced, so the new names survive a crash once this returns.
    package static func makeDirectories(_ path: String, mode: mode_t = 0o755, durable: Bool = false) throws(Failure) {
        if exists(path) { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try makeDirectories(parent, mode: mode, durable: durable) }
        if mkdir(path, mode) != 0 && errno != EEXIST { throw fail("mkdir", path) }
        if durable { try syncDirectory(parent.isEmpty ? "." : parent) }
    }

    /// Writes `data` to the new file `fd` names (fsynced with `sync`) and closes it; on failure the file is
    /// removed, so no partial file is left behind.
    private static func fill(_ fd: Int32, at path: String, with data: Data, sync shouldSync: Bool) throws(Failure) {
        do {
            try writeAll(fd, data, path: path)
            if shouldSync { try sync(fd, path: path) }
        } catch {
            Glibc.close(fd)
            unlink(path)
            throw error
        }
        Glibc.close(fd)
    }

    /// Writes a file by write-to-temporary then rename, so readers see the old or the new contents, never a mix,
    /// creating its directory first. `durable` syncs the data and the directory entry, so the new contents
    /// survive a crash once this returns; `syncData` only the data (the caller syncs directories itself, once
    /// for many files).
    package static func replace(_ path: String, with data: Data, durable: Bool, syncData: Bool = false)
        throws(Failure)
    {
        try makeDirectories(directory(of: path))
        try replaceInDirectory(path, with: data, durable: durable, syncData: syncData)
    }

    /// `replace` in a directory that must exist already; the temporary file is created with `mode`.
    package static func replaceInDirectory(
        _ path: String, with data: Data, durable: Bool, syncData: Bool = false, mode: mode_t = 0o644
    ) throws(Failure) {
        let temporary = path + ".tmp-\(getpid())"
        let fd = try open(temporary, O_WRONLY | O_CREAT | O_TRUNC, mode: mode)
        try fill(fd, at: temporary, with: data, sync: durable || syncData)
        if rename(temporary, path) != 0 {
            let failure = fail("rename", path)
            unlink(temporary)
            throw failure
        }
        if durable { try syncDirectory(directory(of: path)) }
    }

    /// Creates the new file `path` with `mode` (never replacing one) and writes `data` durably: file and
    /// directory fsynced. Returns false, writing nothing, when `path` already exists.
    package static func createNewDurably(_ path: String, with data: Data, mode: mode_t) throws(Failure) -> Bool {
        let fd = openRetrying(path, O_WRONLY | O_CREAT | O_EXCL, mode: mode)
        if fd < 0 {
            if errno == EEXIST { return false }
            throw fail("open", path)
        }
        try fill(fd, at: path, with: data, sync: true)
        try syncDirectory(directory(of: path))
        return true
    }

    /// Removes a directory of plain files (an obsolete `<N>.p` partial-tile directory); missing is fine.
    package static func removeFlatDirectory(_ path: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names {
            unlink(path + "/" + name)
        }
        rmdir(path)
    }
}
