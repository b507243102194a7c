import Foundation
import WardenLedger

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension WitnessError: SystemCallFailure {}

/// The witness's file operations: the ledger's POSIX operations throwing `WitnessError`, plus the few only the
/// witness needs. A record is replaced by writing a temporary file, `fsync`, `rename`, then `fsync` of the
/// directory, so after a crash the old or the new record is on disk, never a mix and never neither. Everything
/// the witness creates is private to its user (files 0600, directories 0700).
typealias WitnessFiles = POSIXFileSystem<WitnessError>

extension POSIXFileSystem where Failure == WitnessError {
    /// Reads a whole file of at most `limit` bytes; nil when it does not exist.
    static func contents(of path: String, limit: Int) throws(WitnessError) -> Data? {
        guard let data = try read(path, limit: limit) else { return nil }
        if data.count > limit { throw .corruptState(path: path, reason: "larger than \(limit) bytes") }
        return data
    }

    /// Creates `path` (mode 0700) and its missing parents, and makes the new names durable.
    static func makeDirectory(_ path: String) throws(WitnessError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .invalidConfiguration("\(path) is not a directory") }
            return
        }
        try makeDirectories(path, mode: 0o700, durable: true)
    }

    /// Durably replaces `path` with `data`: temporary file, fsync, rename, directory fsync.
    static func replaceDurably(_ path: String, with data: Data) throws(WitnessError) {
        try replaceInDirectory(path, with: data, durable: true, mode: 0o600)
    }

    /// Creates a new file (never replacing one) with `mode`, writes `data` durably.
    static func createDurably(_ path: String, with data: Data, mode: mode_t) throws(WitnessError) {
        guard try createNewDurably(path, with: data, mode: mode) else { throw .keyFileExists(path: path) }
    }

    /// Takes an exclusive `flock` on `path` (created if missing); returns the descriptor that holds it.
    static func lockExclusively(_ path: String, directory: String) throws(WitnessError) -> Int32 {
        let fd = try open(path, O_RDWR | O_CREAT, mode: 0o600)
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
