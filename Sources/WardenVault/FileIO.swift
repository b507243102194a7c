#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// The few POSIX file operations the vault needs, with the durability steps spelled out.
enum FileIO {
    /// Writes every byte, retrying short writes and EINTR.
    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }

    /// Replaces `path` with `bytes` so that a reader (or a crash) sees either the old file or the new one, never a
    /// mix: write a temporary file in the same directory with mode 0600, fsync it, rename it over the target,
    /// then fsync the directory so the rename itself is durable.
    static func replaceAtomically(path: String, bytes: [UInt8]) throws(VaultError) {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw .io(operation: "create \(temporary)", errno: errno) }
        var success = false
        defer {
            if !success { unlink(temporary) }
        }
        let wrote = fchmod(descriptor, 0o600) == 0 && writeAll(descriptor, bytes) && fsync(descriptor) == 0
        let writeErrno = errno
        close(descriptor)
        guard wrote else { throw .io(operation: "write \(temporary)", errno: writeErrno) }
        guard rename(temporary, path) == 0 else { throw .io(operation: "rename to \(path)", errno: errno) }
        success = true
        let directory = directoryName(of: path)
        let directoryDescriptor = open(directory, O_RDONLY | O_CLOEXEC)
        if directoryDescriptor >= 0 {
            defer { close(directoryDescriptor) }
            guard fsync(directoryDescriptor) == 0 else { throw .io(operation: "fsync \(directory)", errno: errno) }
        }
    }

    /// Reads a whole file, or nil if it does not exist. Refuses files that group or others can access.
    static func readProtected(path: String, maximumSize: Int) throws(VaultError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw .io(operation: "open \(path)", errno: errno)
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .io(operation: "stat \(path)", errno: errno) }
        guard (UInt32(info.st_mode) & UInt32(S_IFMT)) == UInt32(S_IFREG) else { throw .notAVaultFile }
        let mode = UInt32(info.st_mode) & 0o7777
        guard mode & 0o077 == 0 else { throw .permissionsTooOpen(path: path, mode: mode) }
        guard info.st_uid == geteuid() else { throw .wrongOwner(path: path) }
        guard Int(info.st_size) <= maximumSize else { throw .tooLarge(maximum: maximumSize) }
        var result: [UInt8] = []
        result.reserveCapacity(Int(info.st_size))
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "read \(path)", errno: errno)
            }
            if count == 0 { break }
            result.append(contentsOf: buffer[0..<count])
            if result.count > maximumSize { throw .tooLarge(maximum: maximumSize) }
        }
        return result
    }

    static func directoryName(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// An exclusive advisory lock (flock) on `<vault>.lock`, held while a change is read, modified and written, so
/// `warden secret set` and a running cell cannot lose each other's writes.
struct FileLock {
    private let descriptor: Int32

    static func acquire(path: String) throws(VaultError) -> FileLock {
        let lockPath = path + ".lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else { throw .io(operation: "open \(lockPath)", errno: errno) }
        while flock(descriptor, LOCK_EX) != 0 {
            if errno == EINTR { continue }
            let code = errno
            close(descriptor)
            throw .io(operation: "lock \(lockPath)", errno: code)
        }
        return FileLock(descriptor: descriptor)
    }

    func release() {
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
