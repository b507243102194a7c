/// Why the vault file could not be read or written. No message ever carries secret material.
public enum VaultError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file was sealed under a different master key.
    case wrongMasterKey
    /// Authentication failed: some byte of the file was changed, or it was truncated.
    case tamperedOrCorrupt
    /// The header names a format version this build does not read.
    case unsupportedVersion(UInt8)
    /// The file does not start with the vault magic.
    case notAVaultFile
    /// The decrypted contents do not follow the entry encoding (only a writer bug can cause this).
    case malformedContents
    /// The vault file is accessible by group or others.
    case permissionsTooOpen(path: String, mode: UInt32)
    /// The vault file belongs to another user.
    case wrongOwner(path: String)
    case tooLarge(maximum: Int)
    case io(operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .wrongMasterKey: "vault file was sealed under a different master key; nothing was read"
        case .tamperedOrCorrupt: "vault file failed authentication (tampered or corrupt); nothing was read"
        case .unsupportedVersion(let version): "vault file format version \(version) is not supported"
        case .notAVaultFile: "file is not a Warden vault file"
        case .malformedContents: "vault contents are malformed; nothing was read"
        case .permissionsTooOpen(let path, let mode):
            "vault file \(path) has mode \(String(mode, radix: 8).leftPadded(to: 4)); it must not be accessible by "
                + "group or others (use chmod 600)"
        case .wrongOwner(let path): "vault file \(path) must be owned by the user running warden"
        case .tooLarge(let maximum): "vault file is larger than \(maximum) bytes"
        case .io(let operation, let code): "vault I/O failed: \(operation) (errno \(code))"
        }
    }
}
