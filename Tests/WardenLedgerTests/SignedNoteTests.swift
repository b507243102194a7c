import Foundation
import Testing

@testable import WardenLedger

@Suite("C2SP signed notes and note keys")
struct SignedNoteTests {
    // The example key pair and note of golang.org/x/mod/sumdb/note (Ed25519 is deterministic, so signing the
    // same text with the same key must reproduce the published note byte for byte).
    static let goVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    static let goSignerKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let goText =
        "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
    static let goNote =
        goText
        + "\n\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"

    @Test("signing the Go reference text with the Go reference key reproduces the Go reference note")
    func goReferenceSignature() throws {
        let signer = try Ed25519NoteSigner(signerKey: Self.goSignerKey)
        #expect(signer.keyID == 0xc74f_20a3)
        let note = try SignedNote.sign(text: Self.goText, signer: signer)
        #expect(String(decoding: note.serialized, as: UTF8.self) == Self.goNote)
        #expect(signer.signerKey == Self.goSignerKey)
        #expect(signer.verifier.verifierKey == Self.goVerifierKey)
    }

    @Test("the Go reference note verifies, and fails once its text changes")
    func goReferenceVerification() throws {
        let verifier = try Ed25519NoteVerifier(verifierKey: Self.goVerifierKey)
        let note = try SignedNote.parse(Data(Self.goNote.utf8))
        #expect(note.text == Self.goText)
        #expect(try note.verifiedSignatures(by: [verifier]).count == 1)
        let forged = try SignedNote.parse(
            Data(Self.goNote.replacingOccurrences(of: "cryptography", with: "cryptographY").utf8))
        #expect(throws: SignedNoteError.invalidSignature(keyName: "PeterNeumann")) {
            try forged.verifiedSignatures(by: [verifier])
        }
    }

    @Test("every truncation and every single-byte change of a verifier key is rejected")
    func verifierKeyManglingsRejected() {
        let bytes = Array(Self.goVerifierKey.utf8)
        for start in 0...bytes.count {
            for end in (start + 1)...max(start + 1, bytes.count)
            where end <= bytes.count && (start, end) != (0, bytes.count) {
                let mangled = String(decoding: bytes[start..<end], as: UTF8.self)
                #expect(throws: SignedNoteError.self, "\(mangled)") { try Ed25519NoteVerifier(verifierKey: mangled) }
            }
        }
        for position in bytes.indices {
            var changed = bytes
            changed[position] &+= 1
            let mangled = String(decoding: changed, as: UTF8.self)
            #expect(throws: SignedNoteError.self, "\(mangled)") { try Ed25519NoteVerifier(verifierKey: mangled) }
        }
    }

    @Test("a key whose base64 contains '+' parses (the key field is everything after the second '+')")
    func plusInKeyMaterial() throws {
        // transparency-dev/formats test key of type 0x01.
        let verifier = try Ed25519NoteVerifier(
            verifierKey: "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6")
        #expect(verifier.name == "TEST")
        #expect(verifier.keyID == 0x7997_405c)
    }

    @Test("signer keys with a wrong key id, wrong type or wrong prefix are rejected")
    func signerKeyRejections() {
        let bad = [
            "PRIVATE+KEY+PeterNeumann+c74f20a4+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
            "PRIVATE+KEY+PeterNeumann+C74F20A3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
            "PRIVATE+KEZ+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
            "PRIVATE+KEY+Peter Neumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
            "PRIVATE+KEY+PeterNeumann+c74f20a3+AoEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz",
            Self.goVerifierKey,
        ]
        for key in bad {
            #expect(throws: SignedNoteError.self, "\(key)") { try Ed25519NoteSigner(signerKey: key) }
        }
    }

    @Test("malformed notes are refused before any signature is checked")
    func malformedNotesRefused() {
        let line =
            "\u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
        let bad: [String: Data] = [
            "no blank line": Data(("text\n" + line).utf8),
            "no signature": Data("text\n\n".utf8),
            "no final newline": Data(("text\n\n" + line.dropLast()).utf8),
            "control character": Data(("te\u{7}xt\n\n" + line).utf8),
            "carriage return": Data(("text\r\n\n" + line).utf8),
            "hyphen instead of em dash": Data(("text\n\n- PeterNeumann AAAAAAAA\n").utf8),
            "missing signature field": Data(("text\n\n\u{2014} PeterNeumann\n").utf8),
            "extra field": Data(("text\n\n\u{2014} Peter Neumann AAAAAAAA\n").utf8),
            "plus in name": Data(("text\n\n\u{2014} Peter+Neumann AAAAAAAA\n").utf8),
            "signature too short": Data(("text\n\n\u{2014} PeterNeumann AAAA\n").utf8),
            "non-canonical base64": Data(("text\n\n\u{2014} PeterNeumann AAAAAAB=\n").utf8),
            "invalid UTF-8": Data([0x74, 0xff, 0x0a, 0x0a]) + Data(line.utf8),
        ]
        for (what, data) in bad {
            #expect(throws: SignedNoteError.self, "\(what)") { try SignedNote.parse(data) }
        }
    }

    @Test("signatures from unknown keys are ignored; a note with only unknown signatures is rejected")
    func unknownKeysIgnored() throws {
        let known = try Ed25519NoteSigner.generate(name: "example.com/log")
        let stranger = try Ed25519NoteSigner.generate(name: "example.com/log")
        let note = try SignedNote.sign(text: "hello\n", signer: stranger).adding(signatureBy: known)
        #expect(try note.verifiedSignatures(by: [known.verifier]).map(\.keyID) == [known.keyID])
        #expect(throws: SignedNoteError.noTrustedSignature) {
            try SignedNote.sign(text: "hello\n", signer: stranger).verifiedSignatures(by: [known.verifier])
        }
    }

    @Test("two signature lines from one trusted key reject the note")
    func duplicateTrustedSignatureRejected() throws {
        let signer = try Ed25519NoteSigner.generate(name: "example.com/log")
        let note = try SignedNote.sign(text: "hello\n", signer: signer).adding(signatureBy: signer)
        #expect(throws: SignedNoteError.self) { try note.verifiedSignatures(by: [signer.verifier]) }
    }

    @Test("a signer describes itself without revealing its key")
    func signerDescriptionHidesKey() throws {
        let signer = try Ed25519NoteSigner(signerKey: Self.goSignerKey)
        #expect(!String(describing: signer).contains("AYEKFALV"))
        #expect(String(describing: signer).contains("c74f20a3"))
    }
}

@Suite("C2SP checkpoints and witness cosignatures")
struct CheckpointTests {
    // A checkpoint of the arche2025h1 staging CT log with witness cosignatures, as published; the log key
    // (type 0x01) and the remora witness key (type 0x04) are the published verifier keys.
    static let archeCheckpoint = """
        arche2025h1.staging.ct.transparency.dev
        1432088532
        U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=

        \u{2014} arche2025h1.staging.ct.transparency.dev zTM8sQAAAZ5W0WdjBAMARjBEAiBjW5IQf9pvsYLfQFX6hoGREPMHbdQ3urbllzalApkptQIgIpwtEroeW2BXaHAI4kJXFbon5Ch9MNL5zRNZ55lvGt0=
        \u{2014} arche2025h1.staging.ct.transparency.dev ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzbC3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ=
        \u{2014} transparency.dev/DEV:witness-little-garden 2AQqhwAAAABqEiEgzgFIqqhbUoDwjMWE6UP8nd8/KYTzwZ2rhIgcqoXHAwVkjZr4AscylP3v7sEodkRAErumC2q44vdgJY096st5BQ==
        \u{2014} witness1.smartit.nu/witness1 pIyCDwAAAABqEiEghIp82KWebrw7/oHQwlTAm3g2RKS4+eebl8eO0WH+/iEcxZ75W3u5hNI7TOQtmJbqmNWVuE0tgh0XwzdZsDsUAQ==
        \u{2014} remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX9sXTynk5XeU/zZ0WBxtqB0DrAWfBw==
        \u{2014} witness.stagemole.eu Z/euoAAAAABqEiEgw0i+7g2ENfDAWHmtRzCfKTHSDwYDJA2NmKeGi9Y8FtEyOUvVr+AJmIY/2TUFucgKi7lI7cUiOvKFYe/TmN9DAg==

        """
    static let archeKey =
        "arche2025h1.staging.ct.transparency.dev+ba2f06c0+AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f"
    static let remoraKey = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"

    @Test("a published checkpoint verifies under its log key and parses to origin, size and root")
    func publishedCheckpointVerifies() throws {
        let log = try Ed25519NoteVerifier(verifierKey: Self.archeKey)
        let signed = try SignedCheckpoint.open(
            Data(Self.archeCheckpoint.utf8), verifiers: [log], origin: "arche2025h1.staging.ct.transparency.dev")
        #expect(signed.checkpoint.size == 1_432_088_532)
        #expect(signed.checkpoint.rootHash.base64 == "U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=")
        #expect(throws: SignedNoteError.self) {
            try SignedCheckpoint.open(
                Data(Self.archeCheckpoint.replacingOccurrences(of: "1432088532", with: "1432088533").utf8),
                verifiers: [log])
        }
        #expect(throws: SignedNoteError.self) {
            try SignedCheckpoint.open(Data(Self.archeCheckpoint.utf8), verifiers: [log], origin: "other.example/log")
        }
    }

    @Test("a published witness cosignature (type 0x04) verifies and carries its timestamp")
    func publishedCosignatureVerifies() throws {
        let witness = try Ed25519CosignatureVerifier(verifierKey: Self.remoraKey)
        let note = try SignedNote.parse(Data(Self.archeCheckpoint.utf8))
        let verified = try note.verifiedSignatures(by: [witness])
        #expect(verified.count == 1)
        let timestamp = try #require(Ed25519CosignatureVerifier.timestamp(of: verified[0].signature))
        #expect(timestamp > 1_700_000_000)
        var tampered = note
        tampered.text = tampered.text.replacingOccurrences(of: "1432088532", with: "1432088531")
        #expect(throws: SignedNoteError.invalidSignature(keyName: "remora.n621.de")) {
            try tampered.verifiedSignatures(by: [witness])
        }
    }

    @Test("checkpoint bodies with bad sizes, roots, origins or extension lines are refused")
    func malformedCheckpointsRefused() {
        let root = "U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro="
        let bad = [
            "origin\n012\n\(root)\n",
            "origin\n-1\n\(root)\n",
            "origin\n18446744073709551616\n\(root)\n",
            "\n12\n\(root)\n",
            "origin\n12\n\(root.dropLast(4))\n",
            "origin\n12\n\(root)\n\nextension\n",
            "origin\n12\n",
            "origin\n12\n\(root)",
            "origin\n 12\n\(root)\n",
        ]
        for text in bad {
            #expect(throws: SignedNoteError.self, "\(text)") { try Checkpoint.parse(noteText: text) }
        }
        #expect(throws: Never.self) { try Checkpoint.parse(noteText: "origin\n0\n\(root)\next\n") }
    }

    @Test("a signed checkpoint has the C2SP text and a signature line under the log name")
    func signedCheckpointFormat() throws {
        let signer = try Ed25519NoteSigner.generate(name: "warden.example/tenant-a")
        let root = RFC6962.leafHash(Data("x".utf8))
        let signed = try SignedCheckpoint.sign(
            Checkpoint(origin: "warden.example/tenant-a", size: 7, rootHash: root), signer: signer)
        let text = String(decoding: signed.serialized, as: UTF8.self)
        #expect(text.hasPrefix("warden.example/tenant-a\n7\n\(root.base64)\n\n\u{2014} warden.example/tenant-a "))
        let reopened = try SignedCheckpoint.open(signed.serialized, verifiers: [signer.verifier])
        #expect(reopened == signed)
    }
}

@Suite("C2SP tlog-witness add-checkpoint")
struct WitnessProtocolTests {
    static func fixture() throws -> (SignedCheckpoint, [TreeHash], Ed25519NoteSigner) {
        let signer = try Ed25519NoteSigner.generate(name: "warden.example/log")
        let tree = InMemoryMerkleTree(entries: (0..<20).map { Data("e\($0)".utf8) })
        let checkpoint = try SignedCheckpoint.sign(
            Checkpoint(origin: "warden.example/log", size: 20, rootHash: try tree.rootHash(size: 20)), signer: signer)
        let proof = try MerkleProofs.consistencyProof(oldSize: 13, newSize: 20, source: tree)
        return (checkpoint, proof, signer)
    }

    @Test("the request body is the old size line, proof lines, a blank line and the checkpoint")
    func requestBody() throws {
        let (checkpoint, proof, _) = try Self.fixture()
        let body = try WitnessProtocol.addCheckpointRequest(
            oldSize: 13, consistencyProof: proof, checkpoint: checkpoint)
        let expected =
            "old 13\n" + proof.map { $0.base64 + "\n" }.joined() + "\n"
            + String(decoding: checkpoint.serialized, as: UTF8.self)
        #expect(String(decoding: body, as: UTF8.self) == expected)
        let parsed = try WitnessProtocol.parseAddCheckpointRequest(body)
        #expect(parsed.oldSize == 13)
        #expect(parsed.consistencyProof == proof)
        #expect(parsed.checkpoint == checkpoint.note)
    }

    @Test("requests with a proof from size zero, an old size past the checkpoint, or bad lines are refused")
    func requestRejections() throws {
        let (checkpoint, proof, _) = try Self.fixture()
        #expect(throws: SignedNoteError.self) {
            try WitnessProtocol.addCheckpointRequest(oldSize: 0, consistencyProof: proof, checkpoint: checkpoint)
        }
        #expect(throws: SignedNoteError.self) {
            try WitnessProtocol.addCheckpointRequest(oldSize: 21, consistencyProof: [], checkpoint: checkpoint)
        }
        let note = String(decoding: checkpoint.serialized, as: UTF8.self)
        for header in ["old 013\n", "old -1\n", "new 13\n", "old 13\nnot-base64\n"] {
            #expect(throws: SignedNoteError.self, "\(header)") {
                try WitnessProtocol.parseAddCheckpointRequest(Data((header + "\n" + note).utf8))
            }
        }
        let tooLong = "old 13\n" + String(repeating: proof[0].base64 + "\n", count: 64)
        #expect(throws: SignedNoteError.self) {
            try WitnessProtocol.parseAddCheckpointRequest(Data((tooLong + "\n" + note).utf8))
        }
    }

    @Test("a witness response is accepted only with a valid cosignature from a trusted witness")
    func responseVerification() throws {
        let (checkpoint, _, _) = try Self.fixture()
        let witness = try Ed25519Cosigner.generate(name: "witness.example/w1", clock: { 1_700_000_123 })
        let other = try Ed25519Cosigner.generate(name: "witness.example/w2")
        let line = try witness.sign(text: checkpoint.note.text).line
        let otherLine = try other.sign(text: checkpoint.note.text).line
        let cosignatures = try WitnessProtocol.cosignatures(
            fromResponse: Data((line + otherLine).utf8), for: checkpoint, witnesses: [witness.verifier])
        #expect(cosignatures.count == 1)
        #expect(Ed25519CosignatureVerifier.timestamp(of: cosignatures[0].signature) == 1_700_000_123)
        #expect(throws: SignedNoteError.noTrustedSignature) {
            try WitnessProtocol.cosignatures(
                fromResponse: Data(otherLine.utf8), for: checkpoint, witnesses: [witness.verifier])
        }
        // A cosignature over another checkpoint does not transfer.
        let elsewhere = try witness.sign(text: "warden.example/log\n1\n\(checkpoint.checkpoint.rootHash.base64)\n").line
        #expect(throws: SignedNoteError.invalidSignature(keyName: "witness.example/w1")) {
            try WitnessProtocol.cosignatures(
                fromResponse: Data(elsewhere.utf8), for: checkpoint, witnesses: [witness.verifier])
        }
        #expect(WitnessProtocol.conflictSize(fromResponse: Data("42\n".utf8)) == 42)
        #expect(WitnessProtocol.conflictSize(fromResponse: Data("042\n".utf8)) == nil)
    }
}
