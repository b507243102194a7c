import Crypto
import Foundation

/// Verifies signature lines of one key, identified by (name, key id).
public protocol NoteVerifier: Sendable {
    var name: String { get }
    var keyID: UInt32 { get }
    /// Whether `signature` (the bytes after the key id) is valid for the note text `message`.
    func verify(message: [UInt8], signature: [UInt8]) -> Bool
}

/// Produces signature lines over a note text.
public protocol NoteSigner: Sendable {
    var name: String { get }
    var keyID: UInt32 { get }
    func sign(text: String) throws(SignedNoteError) -> NoteSignature
}

/// Key names and key ids as the signed-note spec defines them.
public enum NoteKeyName {
    /// Signature type byte for plain Ed25519 note signatures.
    public static let ed25519Type: UInt8 = 0x01
    /// Signature type byte for timestamped Ed25519 witness cosignatures (tlog-cosignature).
    public static let cosignatureV1Type: UInt8 = 0x04

    /// A key name is non-empty, has no Unicode whitespace and no `+`.
    public static func isValid(_ name: String) -> Bool {
        !name.isEmpty
            && !name.unicodeScalars.contains { $0.properties.isWhitespace || $0 == "+" || $0.value < 0x20 }
    }

    /// key ID = SHA-256(name || 0x0A || type || public key)[:4], big-endian.
    public static func keyID(name: String, type: UInt8, publicKey: some DataProtocol) -> UInt32 {
        var hasher = SHA256()
        hasher.update(data: Data(name.utf8))
        hasher.update(data: [0x0a, type])
        hasher.update(data: publicKey)
        return hasher.finalize().prefix(4).reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
    }

    package static func hex8(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }

    /// Parses the `<hex key id>` and `<base64(type || key)>` fields shared by signer and verifier key strings.
    static func parseKeyFields(
        name: Substring, hash: Substring, key: Substring, type: UInt8
    ) throws(SignedNoteError) -> (name: String, keyID: UInt32, key: [UInt8]) {
        let name = String(name)
        guard isValid(name) else { throw .malformedKey("invalid key name") }
        guard hash.count == 8, hash.allSatisfy({ $0.isHexDigit && !$0.isUppercase }),
            let keyID = UInt32(hash, radix: 16)
        else { throw .malformedKey("key id is not 8 lower-case hex digits") }
        guard let blob = StrictBase64.decode(key), blob.first == type, blob.count == 33 else {
            throw .malformedKey("key is not canonical base64 of the type byte 0x0\(type) and 32 key bytes")
        }
        return (name, keyID, [UInt8](blob.dropFirst()))
    }
}

/// An Ed25519 note verifier (signature type 0x01), e.g. the tenant ledger's public key.
public struct Ed25519NoteVerifier: NoteVerifier, Equatable {
    public let name: String
    public let keyID: UInt32
    public let publicKey: Curve25519.Signing.PublicKey

    public init(name: String, publicKey: Curve25519.Signing.PublicKey) throws(SignedNoteError) {
        guard NoteKeyName.isValid(name) else { throw .malformedKey("invalid key name") }
        self.name = name
        self.publicKey = publicKey
        self.keyID = NoteKeyName.keyID(
            name: name, type: NoteKeyName.ed25519Type, publicKey: publicKey.rawRepresentation)
    }

    /// Parses `<name>+<hex key id>+<base64(0x01 || 32-byte public key)>`; the key id must match the key.
    public init(verifierKey: String) throws(SignedNoteError) {
        let fields = verifierKey.split(separator: "+", maxSplits: 2, omittingEmptySubsequences: false)
        guard fields.count == 3 else { throw .malformedKey("verifier key is not name+keyid+key") }
        let parsed = try NoteKeyName.parseKeyFields(
            name: fields[0], hash: fields[1], key: fields[2], type: NoteKeyName.ed25519Type)
        let publicKey: Curve25519.Signing.PublicKey
        do {
            publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: parsed.key)
        } catch {
            throw .malformedKey("not an Ed25519 public key")
        }
        try self.init(name: parsed.name, publicKey: publicKey)
        guard keyID == parsed.keyID else { throw .malformedKey("key id does not match the key") }
    }

    /// The verifier key string: `<name>+<hex key id>+<base64(0x01 || public key)>`.
    public var verifierKey: String {
        let blob = Data([NoteKeyName.ed25519Type]) + publicKey.rawRepresentation
        return "\(name)+\(NoteKeyName.hex8(keyID))+\(blob.base64EncodedString())"
    }

    public func verify(message: [UInt8], signature: [UInt8]) -> Bool {
        signature.count == 64 && publicKey.isValidSignature(signature, for: message)
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.name == rhs.name && lhs.publicKey.rawRepresentation == rhs.publicKey.rawRepresentation
    }
}

/// An Ed25519 note signer (signature type 0x01): the tenant ledger's checkpoint key.
///
/// Its description never shows key material; only `signerKey` reveals it, for storage in the tenant keyring.
public struct Ed25519NoteSigner: NoteSigner, CustomStringConvertible {
    public let name: String
    public let keyID: UInt32
    private let privateKey: Curve25519.Signing.PrivateKey

    public init(name: String, privateKey: Curve25519.Signing.PrivateKey) throws(SignedNoteError) {
        guard NoteKeyName.isValid(name) else { throw .malformedKey("invalid key name") }
        self.name = name
        self.privateKey = privateKey
        self.keyID = NoteKeyName.keyID(
            name: name, type: NoteKeyName.ed25519Type, publicKey: privateKey.publicKey.rawRepresentation)
    }

    /// Generates a fresh key pair for `name`.
    public static func generate(name: String) throws(SignedNoteError) -> Ed25519NoteSigner {
        try Ed25519NoteSigner(name: name, privateKey: Curve25519.Signing.PrivateKey())
    }

    /// Parses `PRIVATE+KEY+<name>+<hex key id>+<base64(0x01 || 32-byte seed)>`; the key id must match.
    public init(signerKey: String) throws(SignedNoteError) {
        let fields = signerKey.split(separator: "+", maxSplits: 4, omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0] == "PRIVATE", fields[1] == "KEY" else {
            throw .malformedKey("signer key is not PRIVATE+KEY+name+keyid+key")
        }
        let parsed = try NoteKeyName.parseKeyFields(
            name: fields[2], hash: fields[3], key: fields[4], type: NoteKeyName.ed25519Type)
        let privateKey: Curve25519.Signing.PrivateKey
        do {
            privateKey = try Curve25519.Signing.PrivateKey(rawRepresentation: parsed.key)
        } catch {
            throw .malformedKey("not an Ed25519 private key seed")
        }
        try self.init(name: parsed.name, privateKey: privateKey)
        guard keyID == parsed.keyID else { throw .malformedKey("key id does not match the key") }
    }

    /// The secret signer key string. Store it only in the tenant keyring; never log it.
    public var signerKey: String {
        let blob = Data([NoteKeyName.ed25519Type]) + privateKey.rawRepresentation
        return "PRIVATE+KEY+\(name)+\(NoteKeyName.hex8(keyID))+\(blob.base64EncodedString())"
    }

    /// The matching verifier.
    public var verifier: Ed25519NoteVerifier {
        // The name was validated at init, so this cannot fail; fall back to a hard failure rather than a guess.
        guard let verifier = try? Ed25519NoteVerifier(name: name, publicKey: privateKey.publicKey) else {
            preconditionFailure("validated key name rejected")
        }
        return verifier
    }

    public func sign(text: String) throws(SignedNoteError) -> NoteSignature {
        do {
            let signature = try privateKey.signature(for: Data(text.utf8))
            return NoteSignature(name: name, keyID: keyID, signature: [UInt8](signature))
        } catch {
            throw .signingFailed("Ed25519 signing failed")
        }
    }

    public var description: String {
        "Ed25519NoteSigner(\(name)+\(NoteKeyName.hex8(keyID)))"
    }
}
