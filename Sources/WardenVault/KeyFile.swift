#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reading and creating small files that hold key material, with the permission rules enforced on the open file
/// descriptor (not on the path, so a swap between check and read cannot slip a different file in).
enum KeyFile {
    static let maximumSize = 4096

    static func readProtected(path: String) throws(MasterKeyError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { throw .keyFileUnreadable(path: path, errno: errno) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .keyFileUnreadable(path: path, errno: errno) }
        guard (UInt32(info.st_mode) & UInt32(S_IFMT)) == UInt32(S_IFREG) else { throw .keyFileNotRegular(path: path) }
        let mode = UInt32(info.st_mode) & 0o7777
        guard mode & 0o077 == 0 else { throw .keyFilePermissionsTooOpen(path: path, mode: mode) }
        guard info.st_uid == geteuid() else { throw .keyFileWrongOwner(path: path) }
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw .keyFileUnreadable(path: path, errno: errno)
            }
            if count == 0 { break }
            result.append(contentsOf: buffer[0..<count])
            if result.count > maximumSize { throw .keyFileTooLarge(path: path, maximum: maximumSize) }
        }
        return result
    }

    static func createProtected(path: String, contents: [UInt8]) throws(MasterKeyError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            if errno == EEXIST { throw .keyFileExists(path: path) }
            throw .keyFileWriteFailed(path: path, errno: errno)
        }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o600) == 0, FileIO.writeAll(descriptor, contents), fsync(descriptor) == 0 else {
            throw .keyFileWriteFailed(path: path, errno: errno)
        }
    }
}
