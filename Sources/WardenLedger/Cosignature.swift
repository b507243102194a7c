import Crypto
import Foundation

/// The message an Ed25519 tlog-cosignature/v1 signs: `cosignature/v1\ntime <t>\n` followed by the note text.
enum CosignatureMessage {
    static func bytes(timestamp: UInt64, noteText: String) -> [UInt8] {
        Array("cosignature/v1\ntime \(timestamp)\n\(noteText)".utf8)
    }
}

/// Verifies Ed25519 witness cosignatures (signature type 0x04): 8-byte big-endian timestamp then the signature.
public struct Ed25519CosignatureVerifier: NoteVerifier {
    public let name: String
    public let keyID: UInt32
    public let publicKey: Curve25519.Signing.PublicKey

    public init(name: String, publicKey: Curve25519.Signing.PublicKey) throws(SignedNoteError) {
        guard NoteKeyName.isValid(name) else { throw .malformedKey("invalid key name") }
        self.name = name
        self.publicKey = publicKey
        self.keyID = NoteKeyName.keyID(
            name: name, type: NoteKeyName.cosignatureV1Type, publicKey: publicKey.rawRepresentation)
    }

    /// Parses a vkey `<name>+<hex key id>+<base64(0x04 || 32-byte public key)>`.
    public init(verifierKey: String) throws(SignedNoteError) {
        let fields = verifierKey.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3 else { throw .malformedKey("verifier key is not name+keyid+key") }
        let parsed = try NoteKeyName.parseKeyFields(
            name: fields[0], hash: fields[1], key: fields[2], type: NoteKeyName.cosignatureV1Type)
        let publicKey: Curve25519.Signing.PublicKey
        do {
            publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: parsed.key)
        } catch {
            throw .malformedKey("not an Ed25519 public key")
        }
        try self.init(name: parsed.name, publicKey: publicKey)
        guard keyID == parsed.keyID else { throw .malformedKey("key id does not match the key") }
    }

    /// The vkey string for this cosigner.
    public var verifierKey: String {
        let blob = Data([NoteKeyName.cosignatureV1Type]) + publicKey.rawRepresentation
        return "\(name)+\(NoteKeyName.hex8(keyID))+\(blob.base64EncodedString())"
    }

    public func verify(message: [UInt8], signature: [UInt8]) -> Bool {
        guard let timestamp = Self.timestamp(of: signature), timestamp <= UInt64(Int64.max) else { return false }
        let signed = CosignatureMessage.bytes(timestamp: timestamp, noteText: String(decoding: message, as: UTF8.self))
        return publicKey.isValidSignature(signature[8...], for: signed)
    }

    /// The POSIX timestamp a cosignature carries, or nil if the signature is not 8 + 64 bytes.
    public static func timestamp(of signature: [UInt8]) -> UInt64? {
        guard signature.count == 72 else { return nil }
        return signature.prefix(8).reduce(UInt64(0)) { ($0 << 8) | UInt64($1) }
    }
}

/// Signs Ed25519 cosignatures as a witness does (used by `warden witness` and by tests of the client side).
public struct Ed25519Cosigner: NoteSigner, CustomStringConvertible {
    public let name: String
    public let keyID: UInt32
    private let privateKey: Curve25519.Signing.PrivateKey
    private let clock: @Sendable () -> UInt64

    public init(
        name: String, privateKey: Curve25519.Signing.PrivateKey,
        clock: @escaping @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970)) }
    ) throws(SignedNoteError) {
        guard NoteKeyName.isValid(name) else { throw .malformedKey("invalid key name") }
        self.name = name
        self.privateKey = privateKey
        self.clock = clock
        self.keyID = NoteKeyName.keyID(
            name: name, type: NoteKeyName.cosignatureV1Type, publicKey: privateKey.publicKey.rawRepresentation)
    }

    /// Generates a fresh cosigner key for `name`.
    public static func generate(
        name: String, clock: @escaping @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970)) }
    ) throws(SignedNoteError) -> Ed25519Cosigner {
        try Ed25519Cosigner(name: name, privateKey: Curve25519.Signing.PrivateKey(), clock: clock)
    }

    /// Parses `PRIVATE+KEY+<name>+<hex key id>+<base64(0x04 || 32-byte seed)>`; the key id must match the key.
    ///
    /// The type byte 0x04 (tlog-cosignature) keeps a witness key from being loaded as a log signing key and the
    /// other way round.
    public init(
        signerKey: String,
        clock: @escaping @Sendable () -> UInt64 = { UInt64(max(0, Date().timeIntervalSince1970)) }
    ) throws(SignedNoteError) {
        let fields = signerKey.split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0] == "PRIVATE", fields[1] == "KEY" else {
            throw .malformedKey("cosigner key is not PRIVATE+KEY+name+keyid+key")
        }
        let parsed = try NoteKeyName.parseKeyFields(
            name: fields[2], hash: fields[3], key: fields[4], type: NoteKeyName.cosignatureV1Type)
        let privateKey: Curve25519.Signing.PrivateKey
        do {
            privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: parsed.key)
        } catch {
            throw .malformedKey("not an Ed25519 private key seed")
        }
        try self.init(name: parsed.name, privateKey: privateKey, clock: clock)
        guard keyID == parsed.keyID else { throw .malformedKey("key id does not match the key") }
    }

    /// The secret cosigner key string. Store it only in the witness key file; never log it.
    public var signerKey: String {
        let blob = Data([NoteKeyName.cosignatureV1Type]) + privateKey.rawRepresentation
        return "PRIVATE+KEY+\(name)+\(NoteKeyName.hex8(keyID))+\(blob.base64EncodedString())"
    }

    /// The matching cosignature verifier.
    public var verifier: Ed25519CosignatureVerifier {
        guard let verifier = try? Ed25519CosignatureVerifier(name: name, publicKey: privateKey.publicKey) else {
            preconditionFailure("validated key name rejected")
        }
        return verifier
    }

    public func sign(text: String) throws(SignedNoteError) -> NoteSignature {
        let timestamp = clock()
        do {
            let signature = try privateKey.signature(
                for: CosignatureMessage.bytes(timestamp: timestamp, noteText: text))
            var blob = [UInt8]()
            withUnsafeBytes(of: timestamp.bigEndian) { blob.append(contentsOf: $0) }
            blob.append(contentsOf: signature)
            return NoteSignature(name: name, keyID: keyID, signature: blob)
        } catch {
            throw .signingFailed("Ed25519 cosigning failed")
        }
    }

    public var description: String {
        "Ed25519Cosigner(\(name)+\(NoteKeyName.hex8(keyID)))"
    }
}
