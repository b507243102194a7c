import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The POSIX file operations the witness needs, with durability explicit: a record is replaced by writing a
/// temporary file, `fsync`, `rename`, then `fsync` of the directory, so after a crash the old or the new record
/// is on disk, never a mix and never neither. (Foundation's atomic writes do not fsync.)
enum WitnessFiles {
    static func failure(_ operation: String, _ path: String) -> WitnessError {
        .system(operation: operation, path: path, errno: errno)
    }

    static func openFile(_ path: String, _ flags: Int32, mode: mode_t = 0o600) throws(WitnessError) -> Int32 {
        while true {
            let fd = open(path, flags | O_CLOEXEC, mode)
            if fd >= 0 { return fd }
            if errno != EINTR { throw failure("open", path) }
        }
    }

    static func writeAll(_ fd: Int32, _ data: Data, path: String) throws(WitnessError) {
        let result: WitnessError? = data.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return nil }
            var offset = 0
            while offset < raw.count {
                let written = write(fd, base + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return failure("write", path)
                }
                offset += written
            }
            return nil
        }
        if let result { throw result }
    }

    static func syncFile(_ fd: Int32, path: String) throws(WitnessError) {
        if fsync(fd) != 0 { throw failure("fsync", path) }
    }

    static func syncDirectory(_ path: String) throws(WitnessError) {
        let fd = try openFile(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        try syncFile(fd, path: path)
    }

    /// Reads a whole file of at most `limit` bytes; nil when it does not exist.
    static func contents(of path: String, limit: Int) throws(WitnessError) -> Data? {
        let fd: Int32
        do {
            fd = try openFile(path, O_RDONLY)
        } catch {
            if case .system(_, _, let code) = error, code == ENOENT { return nil }
            throw error
        }
        defer { close(fd) }
        var out = Data()
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure("read", path)
            }
            if count == 0 { return out }
            out.append(contentsOf: buffer[..<count])
            if out.count > limit { throw .corruptState(path: path, reason: "larger than \(limit) bytes") }
        }
    }

    /// Creates `path` (mode 0700) and its missing parents, and makes the new names durable.
    static func makeDirectory(_ path: String) throws(WitnessError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .invalidConfiguration("\(path) is not a directory") }
            return
        }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty && parent != path { try makeDirectory(parent) }
        if mkdir(path, 0o700) != 0 && errno != EEXIST { throw failure("mkdir", path) }
        try syncDirectory(parent.isEmpty ? "." : parent)
    }

    /// Durably replaces `path` with `data`: temporary file, fsync, rename, directory fsync.
    static func replaceDurably(_ path: String, with data: Data) throws(WitnessError) {
        let directory = (path as NSString).deletingLastPathComponent
        let temporary = path + ".tmp-\(getpid())"
        let fd = try openFile(temporary, O_WRONLY | O_CREAT | O_TRUNC)
        do {
            try writeAll(fd, data, path: temporary)
            try syncFile(fd, path: temporary)
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        close(fd)
        if rename(temporary, path) != 0 {
            let error = failure("rename", path)
            unlink(temporary)
            throw error
        }
        try syncDirectory(directory.isEmpty ? "." : directory)
    }

    /// Creates a new file (never replacing one) with `mode`, writes `data` durably.
    static func createDurably(_ path: String, with data: Data, mode: mode_t) throws(WitnessError) {
        let fd: Int32
        do {
            fd = try openFile(path, O_WRONLY | O_CREAT | O_EXCL, mode: mode)
        } catch {
            if case .system(_, _, let code) = error, code == EEXIST { throw .keyFileExists(path: path) }
            throw error
        }
        do {
            try writeAll(fd, data, path: path)
            try syncFile(fd, path: path)
        } catch {
            close(fd)
            unlink(path)
            throw error
        }
        close(fd)
        let directory = (path as NSString).deletingLastPathComponent
        try syncDirectory(directory.isEmpty ? "." : directory)
    }

    /// Takes an exclusive `flock` on `path` (created if missing); returns the descriptor that holds it.
    static func lockExclusively(_ path: String, directory: String) throws(WitnessError) -> Int32 {
        let fd = try openFile(path, O_RDWR | O_CREAT)
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let code = errno
            close(fd)
            if code == EWOULDBLOCK { throw .stateDirectoryLocked(path: directory) }
            throw .system(operation: "flock", path: path, errno: code)
        }
        return fd
    }

    static func unlock(_ fd: Int32) {
        close(fd)
    }

    /// Names in a directory; with `missingIsEmpty`, a directory that does not exist has none.
    static func names(in directory: String, missingIsEmpty: Bool = false) throws(WitnessError) -> [String] {
        if missingIsEmpty && !FileManager.default.fileExists(atPath: directory) { return [] }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw .system(operation: "list", path: directory, errno: ENOENT)
        }
    }
}
