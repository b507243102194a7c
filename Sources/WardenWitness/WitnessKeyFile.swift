import Foundation
import WardenLedger

/// Witness key files: the secret cosigner key (`PRIVATE+KEY+<name>+<hex id>+<base64(0x04 || seed)>`, mode 0600)
/// and the public verifier key (`<name>+<hex id>+<base64(0x04 || public key)>`) that logs configure.
///
/// A key file holds exactly one key on one line (a final newline is allowed, nothing else), so a stray edit
/// or a concatenated second key is refused instead of half-read.
public enum WitnessKeyFile {
    /// Key files are tiny; anything larger is not a key file.
    static let maximumSize = 1024

    /// Generates a cosigner key named `name`, writes it to `privateKeyPath` (created with mode 0600, never
    /// overwriting) and its verifier key to `verifierKeyPath` (mode 0644) when given.
    public static func generate(
        name: String, privateKeyPath: String, verifierKeyPath: String? = nil
    ) throws -> Ed25519Cosigner {
        let cosigner = try Ed25519Cosigner.generate(name: name)
        if let verifierKeyPath, FileManager.default.fileExists(atPath: verifierKeyPath) {
            throw WitnessError.keyFileExists(path: verifierKeyPath)
        }
        try WitnessFiles.createDurably(privateKeyPath, with: Data((cosigner.signerKey + "\n").utf8), mode: 0o600)
        if let verifierKeyPath {
            try WitnessFiles.createDurably(
                verifierKeyPath, with: Data((cosigner.verifier.verifierKey + "\n").utf8), mode: 0o644)
        }
        return cosigner
    }

    /// Reads the cosigner key in `path`.
    public static func readCosigner(path: String) throws -> Ed25519Cosigner {
        let line = try singleLine(path: path)
        do {
            return try Ed25519Cosigner(signerKey: line)
        } catch {
            throw WitnessError.malformedKeyFile(path: path, reason: error.description)
        }
    }

    /// Reads a witness verifier key (vkey) in `path`, as a log configures the witnesses it submits to.
    public static func readCosignatureVerifier(path: String) throws -> Ed25519CosignatureVerifier {
        let line = try singleLine(path: path)
        do {
            return try Ed25519CosignatureVerifier(verifierKey: line)
        } catch {
            throw WitnessError.malformedKeyFile(path: path, reason: error.description)
        }
    }

    /// The single line of a key file, without its optional final newline.
    static func singleLine(path: String) throws -> String {
        guard let data = try WitnessFiles.contents(of: path, limit: maximumSize) else {
            throw WitnessError.malformedKeyFile(path: path, reason: "file does not exist")
        }
        guard var text = String(validating: data, as: UTF8.self) else {
            throw WitnessError.malformedKeyFile(path: path, reason: "not UTF-8")
        }
        if text.hasSuffix("\n") { text.removeLast() }
        guard !text.isEmpty, !text.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7f }) else {
            throw WitnessError.malformedKeyFile(path: path, reason: "expected exactly one key on one line")
        }
        return text
    }
}
