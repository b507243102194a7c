import Crypto

/// The on-disk format of the vault file, as a pure seal/open pair (no I/O).
///
/// ```
/// offset size  field
///      0    6  magic "WVAULT"
///      6    1  format version (1)
///      7    1  cipher (1 = AES-256-GCM)
///      8    8  master key fingerprint (HMAC-SHA256(master, "warden/vault/key-check/v1")[0..<8])
///     16   32  salt (random per write)
///     48   12  AES-GCM nonce (random per write)
///     60    n  ciphertext of the entry table
///   60+n   16  AES-GCM tag
/// ```
///
/// The whole file is one AES-GCM message whose additional data is the 60-byte header, so any change to any byte
/// (header included) or a truncation fails authentication, and nothing is returned: there is no partial read.
/// The data key is HKDF-SHA256(master key, salt, "warden/vault-file/v1"); a fresh salt per write means a fresh
/// key per write, so nonce reuse cannot happen however many times the file is rewritten.
///
/// Entry table (plaintext): `u32 count`, then per entry in strictly increasing byte order of name:
/// `u16 nameLength, name, u32 valueLength, value` (big-endian), with no trailing bytes.
public enum VaultFileFormat {
    static let magic: [UInt8] = Array("WVAULT".utf8)
    static let version: UInt8 = 1
    static let cipherAESGCM: UInt8 = 1
    static let headerSize = 60
    static let tagSize = 16
    static let dataKeyInfo = Array("warden/vault-file/v1".utf8)

    /// Encrypts `entries` under `masterKey`.
    public static func seal(_ entries: [String: SecretValue], masterKey: MasterKey) throws -> [UInt8] {
        var header = magic
        header.append(version)
        header.append(cipherAESGCM)
        header.append(contentsOf: masterKey.fingerprint)
        let salt = randomBytes(32)
        header.append(contentsOf: salt)
        let nonce = try AES.GCM.Nonce(data: randomBytes(12))
        header.append(contentsOf: nonce)
        let dataKey = deriveDataKey(masterKey: masterKey, salt: salt)
        let sealed = try AES.GCM.seal(encodeEntries(entries), using: dataKey, nonce: nonce, authenticating: header)
        return header + Array(sealed.ciphertext) + Array(sealed.tag)
    }

    /// Decrypts and decodes a vault file, or throws without returning any entry.
    public static func open(_ file: [UInt8], masterKey: MasterKey) throws(VaultError) -> [String: SecretValue] {
        guard file.count >= magic.count, Array(file[0..<magic.count]) == magic else { throw .notAVaultFile }
        guard file.count >= headerSize + tagSize else { throw .tamperedOrCorrupt }
        guard file[6] == version else { throw .unsupportedVersion(file[6]) }
        guard file[7] == cipherAESGCM else { throw .tamperedOrCorrupt }
        guard ConstantTime.equal(Array(file[8..<16]), masterKey.fingerprint) else { throw .wrongMasterKey }
        let header = Array(file[0..<headerSize])
        let salt = Array(file[16..<48])
        let plaintext: [UInt8]
        do {
            let box = try AES.GCM.SealedBox(
                nonce: AES.GCM.Nonce(data: file[48..<60]),
                ciphertext: file[headerSize..<(file.count - tagSize)],
                tag: file[(file.count - tagSize)...]
            )
            plaintext = Array(
                try AES.GCM.open(box, using: deriveDataKey(masterKey: masterKey, salt: salt), authenticating: header)
            )
        } catch {
            throw .tamperedOrCorrupt
        }
        return try decodeEntries(plaintext)
    }

    static func deriveDataKey(masterKey: MasterKey, salt: [UInt8]) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: masterKey.key, salt: salt, info: dataKeyInfo, outputByteCount: 32)
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    static func encodeEntries(_ entries: [String: SecretValue]) -> [UInt8] {
        var out: [UInt8] = []
        out.appendBigEndian(UInt32(entries.count))
        for name in entries.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let nameBytes = Array(name.utf8)
            out.appendBigEndian(UInt16(nameBytes.count))
            out.append(contentsOf: nameBytes)
            let value = entries[name]?.bytes ?? []
            out.appendBigEndian(UInt32(value.count))
            out.append(contentsOf: value)
        }
        return out
    }

    static func decodeEntries(_ bytes: [UInt8]) throws(VaultError) -> [String: SecretValue] {
        var reader = ByteReader(bytes)
        guard let count = reader.readUInt32() else { throw .malformedContents }
        var entries: [String: SecretValue] = [:]
        var previous: [UInt8]? = nil
        for _ in 0..<count {
            guard let nameLength = reader.readUInt16(), let name = reader.read(Int(nameLength)),
                let valueLength = reader.readUInt32(), let value = reader.read(Int(valueLength))
            else { throw .malformedContents }
            if let previous, !previous.lexicographicallyPrecedes(name) { throw .malformedContents }
            guard let text = String(validating: name, as: UTF8.self), (try? SecretReference(name: text)) != nil
            else { throw .malformedContents }
            entries[text] = SecretValue(bytes: value)
            previous = name
        }
        guard reader.isAtEnd else { throw .malformedContents }
        return entries
    }
}

struct ByteReader {
    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { offset == bytes.count }

    mutating func read(_ count: Int) -> [UInt8]? {
        guard count >= 0, bytes.count - offset >= count else { return nil }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    mutating func readUInt16() -> UInt16? {
        read(2).map { UInt16($0[0]) << 8 | UInt16($0[1]) }
    }

    mutating func readUInt32() -> UInt32? {
        read(4).map { $0.reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }
    }
}

extension [UInt8] {
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        var bigEndian = value.bigEndian
        Swift.withUnsafeBytes(of: &bigEndian) { append(contentsOf: $0) }
    }
}
