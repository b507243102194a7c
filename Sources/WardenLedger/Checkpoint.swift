import Foundation

/// A tlog-checkpoint body: origin, tree size and root hash, plus optional extension lines.
public struct Checkpoint: Sendable, Equatable {
    public var origin: String
    public var size: UInt64
    public var rootHash: TreeHash
    /// Opaque extension lines (discouraged by the spec; never produced by the Warden writer).
    public var extensionLines: [String]

    public init(origin: String, size: UInt64, rootHash: TreeHash, extensionLines: [String] = []) {
        self.origin = origin
        self.size = size
        self.rootHash = rootHash
        self.extensionLines = extensionLines
    }

    /// The note text: `<origin>\n<size>\n<base64 root>\n` followed by any extension lines.
    public var noteText: String {
        ([origin, String(size), rootHash.base64] + extensionLines).map { $0 + "\n" }.joined()
    }

    /// Parses a note text strictly: non-empty origin, decimal size without leading zeros, canonical base64 of
    /// 32 bytes, non-empty extension lines.
    public static func parse(noteText: String) throws(SignedNoteError) -> Checkpoint {
        guard noteText.hasSuffix("\n") else { throw .malformedCheckpoint("text does not end in a newline") }
        let lines = noteText.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
        guard lines.count >= 3 else { throw .malformedCheckpoint("fewer than three lines") }
        guard !lines[0].isEmpty else { throw .malformedCheckpoint("empty origin") }
        let sizeText = lines[1]
        guard !sizeText.isEmpty, sizeText.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
            sizeText == "0" || !sizeText.hasPrefix("0"), let size = UInt64(sizeText)
        else { throw .malformedCheckpoint("tree size is not a decimal number without leading zeros") }
        guard let root = TreeHash(base64: String(lines[2])) else {
            throw .malformedCheckpoint("root hash is not canonical base64 of 32 bytes")
        }
        let extensions = lines.dropFirst(3).map(String.init)
        guard extensions.allSatisfy({ !$0.isEmpty }) else { throw .malformedCheckpoint("empty extension line") }
        return Checkpoint(origin: String(lines[0]), size: size, rootHash: root, extensionLines: extensions)
    }
}

/// A checkpoint together with the signed note that carries it.
public struct SignedCheckpoint: Sendable, Equatable {
    public let checkpoint: Checkpoint
    public let note: SignedNote

    /// Signs a checkpoint with the log key.
    public static func sign(_ checkpoint: Checkpoint, signer: any NoteSigner) throws(SignedNoteError)
        -> SignedCheckpoint
    {
        guard !checkpoint.origin.contains("\n"), !checkpoint.origin.isEmpty else {
            throw .malformedCheckpoint("origin must be one non-empty line")
        }
        let note = try SignedNote.sign(text: checkpoint.noteText, signer: signer)
        return SignedCheckpoint(checkpoint: try Checkpoint.parse(noteText: note.text), note: note)
    }

    /// Parses and verifies a checkpoint note: at least one signature from `verifiers` must verify (see
    /// `SignedNote.verifiedSignatures`), and when `origin` is given the checkpoint must carry that origin.
    public static func open(
        _ data: Data, verifiers: [any NoteVerifier], origin: String? = nil
    ) throws(SignedNoteError) -> SignedCheckpoint {
        let note = try SignedNote.parse(data)
        _ = try note.verifiedSignatures(by: verifiers)
        let checkpoint = try Checkpoint.parse(noteText: note.text)
        if let origin, checkpoint.origin != origin {
            throw .malformedCheckpoint("origin \(checkpoint.origin) is not the expected \(origin)")
        }
        return SignedCheckpoint(checkpoint: checkpoint, note: note)
    }

    init(checkpoint: Checkpoint, note: SignedNote) {
        self.checkpoint = checkpoint
        self.note = note
    }

    /// Returns this checkpoint with extra (e.g. witness) signature lines appended.
    public func adding(signatures: [NoteSignature]) -> SignedCheckpoint {
        var note = note
        note.signatures.append(contentsOf: signatures)
        return SignedCheckpoint(checkpoint: checkpoint, note: note)
    }

    /// The checkpoint file contents.
    public var serialized: Data { note.serialized }
}
