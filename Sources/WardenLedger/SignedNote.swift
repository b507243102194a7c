import Foundation

/// One signature line of a signed note: `— <name> base64(keyID || signature)`.
public struct NoteSignature: Sendable, Equatable {
    /// The key name on the line.
    public var name: String
    /// The big-endian key id carried in the first four signature bytes.
    public var keyID: UInt32
    /// The signature bytes after the key id.
    public var signature: [UInt8]

    public init(name: String, keyID: UInt32, signature: [UInt8]) {
        self.name = name
        self.keyID = keyID
        self.signature = signature
    }

    /// The line as it appears in a note, with its final newline.
    public var line: String {
        var blob = [UInt8]()
        blob.reserveCapacity(4 + signature.count)
        withUnsafeBytes(of: keyID.bigEndian) { blob.append(contentsOf: $0) }
        blob.append(contentsOf: signature)
        return "\u{2014} \(name) \(Data(blob).base64EncodedString())\n"
    }
}

/// A C2SP signed note: a text ending in a newline, a blank line, and one or more signature lines.
///
/// Parsing is strict (valid UTF-8, no control characters but newline, canonical base64, well-formed names) so
/// that one note has one byte form; the text must be treated as untrusted until `verifiedSignatures` succeeds.
public struct SignedNote: Sendable, Equatable {
    /// Notes larger than this are refused before parsing (room for 16 post-quantum signatures).
    public static let maximumSize = 256 * 1024
    /// More signature lines than this are refused.
    public static let maximumSignatures = 64

    /// The signed text, including its final newline.
    public var text: String
    /// The signature lines in order.
    public var signatures: [NoteSignature]

    public init(text: String, signatures: [NoteSignature]) {
        self.text = text
        self.signatures = signatures
    }

    /// The note as bytes: text, blank line, signature lines.
    public var serialized: Data {
        Data((text + "\n" + signatures.map(\.line).joined()).utf8)
    }

    /// Parses a note without verifying any signature.
    public static func parse(_ data: Data) throws(SignedNoteError) -> SignedNote {
        guard data.count <= maximumSize else { throw .malformedNote("note exceeds \(maximumSize) bytes") }
        guard let whole = String(validating: data, as: UTF8.self) else {
            throw .malformedNote("note is not valid UTF-8")
        }
        for scalar in whole.unicodeScalars where scalar.value < 0x20 && scalar != "\n" {
            throw .malformedNote("note contains control character U+\(String(scalar.value, radix: 16))")
        }
        let bytes = [UInt8](data)
        guard bytes.last == 0x0a else { throw .malformedNote("note does not end in a newline") }
        guard let separator = lastBlankLine(in: bytes) else {
            throw .malformedNote("note has no blank line before its signatures")
        }
        let text = String(decoding: bytes[...separator], as: UTF8.self)
        let block = bytes[(separator + 2)...]
        var signatures: [NoteSignature] = []
        for line in block.split(separator: 0x0a, omittingEmptySubsequences: false).dropLast() {
            guard signatures.count < maximumSignatures else {
                throw .malformedNote("more than \(maximumSignatures) signatures")
            }
            signatures.append(try parseSignatureLine(String(decoding: line, as: UTF8.self)))
        }
        guard !signatures.isEmpty else { throw .malformedNote("note has no signature lines") }
        return SignedNote(text: text, signatures: signatures)
    }

    /// Verifies the note against trusted keys and returns the signatures that verified.
    ///
    /// Signatures whose (name, key id) pair matches no trusted key are ignored, as the spec requires. A signature
    /// from a trusted key that fails to verify rejects the whole note; so do two lines from one trusted key and a
    /// note with no trusted signature.
    public func verifiedSignatures(by verifiers: [any NoteVerifier]) throws(SignedNoteError) -> [NoteSignature] {
        let message = [UInt8](text.utf8)
        var verified: [NoteSignature] = []
        for signature in signatures {
            let matching = verifiers.filter { $0.name == signature.name && $0.keyID == signature.keyID }
            guard !matching.isEmpty else { continue }
            guard !verified.contains(where: { $0.name == signature.name && $0.keyID == signature.keyID }) else {
                throw .malformedNote("trusted key \(signature.name) signed more than once")
            }
            guard matching.contains(where: { $0.verify(message: message, signature: signature.signature) }) else {
                throw .invalidSignature(keyName: signature.name)
            }
            verified.append(signature)
        }
        guard !verified.isEmpty else { throw .noTrustedSignature }
        return verified
    }

    /// Returns a copy of the note with one more signature by `signer` over the text.
    public func adding(signatureBy signer: any NoteSigner) throws(SignedNoteError) -> SignedNote {
        var copy = self
        copy.signatures.append(try signer.sign(text: text))
        return copy
    }

    /// Signs `text` (which must end in a newline and contain no control characters but newline).
    public static func sign(text: String, signer: any NoteSigner) throws(SignedNoteError) -> SignedNote {
        try validateText(text)
        return SignedNote(text: text, signatures: [try signer.sign(text: text)])
    }

    static func validateText(_ text: String) throws(SignedNoteError) {
        guard text.hasSuffix("\n") else { throw .malformedNote("note text does not end in a newline") }
        for scalar in text.unicodeScalars where scalar.value < 0x20 && scalar != "\n" {
            throw .malformedNote("note text contains a control character")
        }
    }

    private static func lastBlankLine(in bytes: [UInt8]) -> Int? {
        var index = bytes.count - 2
        while index >= 0 {
            if bytes[index] == 0x0a && bytes[index + 1] == 0x0a { return index }
            index -= 1
        }
        return nil
    }

    private static func parseSignatureLine(_ line: String) throws(SignedNoteError) -> NoteSignature {
        let prefix = "\u{2014} "
        guard line.hasPrefix(prefix) else { throw .malformedNote("signature line does not start with an em dash") }
        let fields = line.dropFirst(prefix.count).split(separator: " ", omittingEmptySubsequences: false)
        guard fields.count == 2 else { throw .malformedNote("signature line is not `name signature`") }
        let name = String(fields[0])
        guard NoteKeyName.isValid(name) else { throw .malformedNote("invalid key name in signature line") }
        guard let blob = StrictBase64.decode(fields[1]), blob.count > 4 else {
            throw .malformedNote("signature is not canonical base64 of a key id and signature")
        }
        let keyID = blob.prefix(4).reduce(UInt32(0)) { ($0 << 8) | UInt32($1) }
        return NoteSignature(name: name, keyID: keyID, signature: [UInt8](blob.dropFirst(4)))
    }
}
