import Crypto
import Foundation

/// A parsed tlog-witness `add-checkpoint` request body.
public struct AddCheckpointRequest: Sendable, Equatable {
    /// The size of the checkpoint the witness last cosigned, as the client believes it.
    public var oldSize: UInt64
    /// Consistency proof from `oldSize` to the checkpoint's size.
    public var consistencyProof: [TreeHash]
    /// The submitted checkpoint note (signatures not yet verified).
    public var checkpoint: SignedNote

    public init(oldSize: UInt64, consistencyProof: [TreeHash], checkpoint: SignedNote) {
        self.oldSize = oldSize
        self.consistencyProof = consistencyProof
        self.checkpoint = checkpoint
    }

    /// The request body: `old <size>\n`, one base64 proof hash per line, a blank line, the checkpoint note.
    public func body() throws(SignedNoteError) -> Data {
        guard consistencyProof.count <= WitnessProtocol.maximumProofLines else {
            throw .malformedNote("more than \(WitnessProtocol.maximumProofLines) consistency proof lines")
        }
        var text = "old \(oldSize)\n"
        for hash in consistencyProof {
            text += hash.base64 + "\n"
        }
        return Data((text + "\n").utf8) + checkpoint.serialized
    }
}

/// The client side (and the pure request parsing of the witness side) of C2SP tlog-witness `add-checkpoint`.
public enum WitnessProtocol {
    /// The spec's limit on consistency proof lines.
    public static let maximumProofLines = 63

    /// Builds the request a log sends to a witness to have `checkpoint` cosigned.
    public static func addCheckpointRequest(
        oldSize: UInt64, consistencyProof: [TreeHash], checkpoint: SignedCheckpoint
    ) throws(SignedNoteError) -> Data {
        guard oldSize <= checkpoint.checkpoint.size else {
            throw .malformedNote("old size \(oldSize) exceeds checkpoint size \(checkpoint.checkpoint.size)")
        }
        guard oldSize != 0 || consistencyProof.isEmpty else {
            throw .malformedNote("the proof must be empty when the old size is zero")
        }
        return try AddCheckpointRequest(
            oldSize: oldSize, consistencyProof: consistencyProof, checkpoint: checkpoint.note
        ).body()
    }

    /// Parses an `add-checkpoint` request body strictly (what a witness does before any check).
    public static func parseAddCheckpointRequest(_ body: Data) throws(SignedNoteError) -> AddCheckpointRequest {
        let bytes = [UInt8](body)
        guard let blank = firstBlankLine(bytes) else { throw .malformedNote("request has no blank line") }
        let header = String(decoding: bytes[..<blank], as: UTF8.self)
        let lines = header.split(separator: "\n", omittingEmptySubsequences: false)
        guard let first = lines.first, first.hasPrefix("old ") else {
            throw .malformedNote("request does not start with an old size line")
        }
        let sizeText = first.dropFirst(4)
        guard !sizeText.isEmpty, sizeText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            sizeText == "0" || !sizeText.hasPrefix("0"), let oldSize = UInt64(sizeText)
        else { throw .malformedNote("old size is not a decimal number without leading zeros") }
        let proofLines = lines.dropFirst()
        guard proofLines.count <= maximumProofLines else {
            throw .malformedNote("more than \(maximumProofLines) consistency proof lines")
        }
        var proof: [TreeHash] = []
        for line in proofLines {
            guard let hash = TreeHash(base64: String(line)) else {
                throw .malformedNote("consistency proof line is not base64 of 32 bytes")
            }
            proof.append(hash)
        }
        let note = try SignedNote.parse(Data(bytes[(blank + 2)...]))
        return AddCheckpointRequest(oldSize: oldSize, consistencyProof: proof, checkpoint: note)
    }

    /// Verifies a 200 response: signature lines from the trusted witnesses over `checkpoint`. Returns the
    /// verified cosignatures (unknown witnesses' lines are ignored); throws if none verifies or one is forged.
    public static func cosignatures(
        fromResponse body: Data, for checkpoint: SignedCheckpoint, witnesses: [Ed25519CosignatureVerifier]
    ) throws(SignedNoteError) -> [NoteSignature] {
        let combined = Data((checkpoint.note.text + "\n").utf8) + body
        let note = try SignedNote.parse(combined)
        return try note.verifiedSignatures(by: witnesses)
    }

    /// Parses the body of a 409 Conflict response (`text/x.tlog.size`): the size the witness last cosigned.
    public static func conflictSize(fromResponse body: Data) -> UInt64? {
        guard let text = String(validating: body, as: UTF8.self), text.hasSuffix("\n") else { return nil }
        let digits = text.dropLast()
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            digits == "0" || !digits.hasPrefix("0")
        else { return nil }
        return UInt64(digits)
    }

    /// Lower-case hex SHA-256 of `bytes`. A witness names a log by the SHA-256 of its origin (state files and
    /// Warden's read-only `GET /checkpoint/<hash>`), so any origin text maps to a fixed, path-safe name.
    public static func sha256Hex(_ bytes: some DataProtocol) -> String {
        SHA256.hash(data: bytes).map { byte in
            let digits = String(byte, radix: 16)
            return digits.count == 1 ? "0" + digits : digits
        }.joined()
    }

    private static func firstBlankLine(_ bytes: [UInt8]) -> Int? {
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == 0x0a && bytes[index + 1] == 0x0a { return index }
            index += 1
        }
        return nil
    }
}
