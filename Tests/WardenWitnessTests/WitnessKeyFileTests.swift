import Foundation
import Testing
import WardenLedger
import WardenWitness

@Suite("witness key files")
struct WitnessKeyFileTests {
    @Test("a generated key file reads back as the same key, and is created owner-only and never overwritten")
    func roundTrip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let keyPath = directory.path + "/witness.key"
        let vkeyPath = directory.path + "/witness.vkey"
        let cosigner = try WitnessKeyFile.generate(
            name: "witness.example/w1", privateKeyPath: keyPath, verifierKeyPath: vkeyPath)
        let loaded = try WitnessKeyFile.readCosigner(path: keyPath)
        #expect(loaded.signerKey == cosigner.signerKey)
        #expect(loaded.keyID == cosigner.keyID)
        #expect(try WitnessKeyFile.readCosignatureVerifier(path: vkeyPath).verifierKey == cosigner.verifier.verifierKey)
        let mode = try #require(FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int)
        #expect(mode & 0o077 == 0)
        #expect(throws: WitnessError.keyFileExists(path: keyPath)) {
            _ = try WitnessKeyFile.generate(name: "witness.example/w2", privateKeyPath: keyPath)
        }
        // A signature made with the loaded key verifies under the original verifier.
        let note = try SignedNote.sign(text: "warden.example/log\n1\n\(RFC6962.emptyRoot.base64)\n", signer: loaded)
        #expect(try note.verifiedSignatures(by: [cosigner.verifier]).count == 1)
        #expect(!String(describing: cosigner).contains(cosigner.signerKey.split(separator: "+").last ?? "x"))
    }

    @Test("the cosigner key text is strict: prefix, type byte, key id and one line")
    func strictParsing() throws {
        let cosigner = try Ed25519Cosigner.generate(name: "witness.example/w1")
        let key = cosigner.signerKey
        #expect(key.hasPrefix("PRIVATE+KEY+witness.example/w1+"))
        #expect(try Ed25519Cosigner(signerKey: key).verifier.verifierKey == cosigner.verifier.verifierKey)
        // A log signing key (type 0x01) is not a witness key.
        let logKey = try Ed25519NoteSigner.generate(name: "witness.example/w1").signerKey
        #expect(throws: SignedNoteError.self) { try Ed25519Cosigner(signerKey: logKey) }
        // Wrong key id, wrong prefix, non-canonical base64.
        let fields = key.split(separator: "+").map(String.init)
        let wrongID = ["PRIVATE", "KEY", fields[2], "00000000", fields[4]].joined(separator: "+")
        #expect(throws: SignedNoteError.self) { try Ed25519Cosigner(signerKey: wrongID) }
        #expect(throws: SignedNoteError.self) { try Ed25519Cosigner(signerKey: "PUBLIC+" + key.dropFirst(8)) }
        #expect(throws: SignedNoteError.self) { try Ed25519Cosigner(signerKey: key + "=") }

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        for (name, text) in [
            ("two", key + "\n" + key + "\n"), ("space", " " + key), ("crlf", key + "\r\n"), ("empty", ""),
        ] {
            let path = directory.path + "/" + name
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            #expect(throws: WitnessError.self, "\(name)") { try WitnessKeyFile.readCosigner(path: path) }
        }
        #expect(throws: WitnessError.self) { try WitnessKeyFile.readCosigner(path: directory.path + "/missing") }
    }
}
