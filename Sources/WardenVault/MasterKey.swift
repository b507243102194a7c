import Crypto
import Foundation

/// A 256-bit vault master key. It prints as its fingerprint only, never as key material.
public struct MasterKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Environment variable read by ``load(environment:keyFile:)``: base64 of exactly 32 bytes.
    public static let environmentVariable = "WARDEN_MASTER_KEY"
    /// Size of the key in bytes.
    public static let byteCount = 32

    let key: SymmetricKey

    /// Wraps 32 raw bytes.
    public init(rawBytes: [UInt8]) throws(MasterKeyError) {
        guard rawBytes.count == Self.byteCount else { throw .wrongLength(rawBytes.count) }
        self.key = SymmetricKey(data: rawBytes)
    }

    /// Decodes base64 text (surrounding whitespace, such as a key file's final newline, is ignored).
    public init(base64: String) throws(MasterKeyError) {
        let trimmed = base64.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let data = Data(base64Encoded: trimmed) else { throw .notBase64 }
        try self.init(rawBytes: Array(data))
    }

    /// A fresh random key.
    public static func generate() -> MasterKey {
        MasterKey(key: SymmetricKey(size: .bits256))
    }

    init(key: SymmetricKey) { self.key = key }

    /// The key as base64, for writing a key file or handing to an operator. Reveals the key.
    public var base64: String { key.withUnsafeBytes { Data($0).base64EncodedString() } }

    /// Short public identifier of this key (HMAC of a fixed label), safe to log and stored in the vault header so
    /// a wrong key is reported as such instead of as corruption.
    public var fingerprint: [UInt8] {
        Array(HMAC<SHA256>.authenticationCode(for: Array("warden/vault/key-check/v1".utf8), using: key).prefix(8))
    }

    public var description: String {
        "MasterKey(fingerprint: \(fingerprint.map { String($0, radix: 16).leftPadded(to: 2) }.joined()))"
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// Loads the master key from `WARDEN_MASTER_KEY` if set, otherwise from `keyFile` if given.
    ///
    /// A key file must be a regular file, owned by this user, and not readable or writable by group or others
    /// (mode 0600 or 0400); anything looser is refused rather than silently tightened, because a key that others
    /// could read must be treated as leaked.
    public static func load(environment: [String: String], keyFile: String?) throws(MasterKeyError) -> MasterKey {
        if let text = environment[environmentVariable] {
            return try MasterKey(base64: text)
        }
        guard let keyFile else { throw .noSource }
        let contents = try KeyFile.readProtected(path: keyFile)
        guard let text = String(validating: contents, as: UTF8.self) else { throw .notBase64 }
        return try MasterKey(base64: text)
    }

    /// Writes this key as base64 to a new file with mode 0600 (refuses to overwrite an existing file).
    public func writeKeyFile(path: String) throws(MasterKeyError) {
        try KeyFile.createProtected(path: path, contents: Array((base64 + "\n").utf8))
    }
}

/// Why a master key could not be loaded. Messages never contain key material.
public enum MasterKeyError: Error, Equatable, Sendable, CustomStringConvertible {
    case noSource
    case notBase64
    case wrongLength(Int)
    case keyFileUnreadable(path: String, errno: Int32)
    case keyFileNotRegular(path: String)
    case keyFilePermissionsTooOpen(path: String, mode: UInt32)
    case keyFileWrongOwner(path: String)
    case keyFileTooLarge(path: String, maximum: Int)
    case keyFileExists(path: String)
    case keyFileWriteFailed(path: String, errno: Int32)

    public var description: String {
        switch self {
        case .noSource:
            "no master key: set \(MasterKey.environmentVariable) (base64 of 32 bytes) or configure a key file"
        case .notBase64: "master key must be base64 text"
        case .wrongLength(let count): "master key must be exactly 32 bytes, got \(count)"
        case .keyFileUnreadable(let path, let code): "cannot read key file \(path) (errno \(code))"
        case .keyFileNotRegular(let path): "key file \(path) must be a regular file"
        case .keyFilePermissionsTooOpen(let path, let mode):
            "key file \(path) has mode \(String(mode, radix: 8).leftPadded(to: 4)); it must not be accessible by "
                + "group or others (use chmod 600)"
        case .keyFileWrongOwner(let path): "key file \(path) must be owned by the user running warden"
        case .keyFileTooLarge(let path, let maximum): "key file \(path) is larger than \(maximum) bytes"
        case .keyFileExists(let path): "key file \(path) already exists; refusing to overwrite it"
        case .keyFileWriteFailed(let path, let code): "cannot write key file \(path) (errno \(code))"
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
