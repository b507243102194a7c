import Foundation
import Testing
import WardenVault

@Suite("master key sources")
struct MasterKeyTests {
    @Test("WARDEN_MASTER_KEY (base64 of 32 bytes) is used, and preferred over a key file")
    func fromEnvironment() throws {
        let key = MasterKey.generate()
        let loaded = try MasterKey.load(environment: ["WARDEN_MASTER_KEY": key.base64], keyFile: "/nonexistent")
        #expect(loaded.fingerprint == key.fingerprint)
    }

    @Test("keys of the wrong length or encoding are refused")
    func wrongShape() {
        #expect(throws: MasterKeyError.wrongLength(16)) {
            try MasterKey.load(environment: ["WARDEN_MASTER_KEY": Data(count: 16).base64EncodedString()], keyFile: nil)
        }
        #expect(throws: MasterKeyError.notBase64) {
            try MasterKey.load(environment: ["WARDEN_MASTER_KEY": "not base64!"], keyFile: nil)
        }
        #expect(throws: MasterKeyError.noSource) { try MasterKey.load(environment: [:], keyFile: nil) }
    }

    @Test("a key file written by warden has mode 0600 and loads back")
    func keyFileRoundTrip() throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let key = MasterKey.generate()
        try key.writeKeyFile(path: directory.file("master.key"))
        #expect(try posixMode(directory.file("master.key")) == 0o600)
        #expect(
            try MasterKey.load(environment: [:], keyFile: directory.file("master.key")).fingerprint == key.fingerprint)
        #expect(throws: MasterKeyError.keyFileExists(path: directory.file("master.key"))) {
            try MasterKey.generate().writeKeyFile(path: directory.file("master.key"))
        }
    }

    @Test("a key file readable by group or others is refused, not tightened", arguments: [0o644, 0o640, 0o604, 0o660])
    func keyFilePermissions(mode: Int) throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        try MasterKey.generate().writeKeyFile(path: directory.file("master.key"))
        try setPosixMode(directory.file("master.key"), mode)
        #expect(
            throws: MasterKeyError.keyFilePermissionsTooOpen(path: directory.file("master.key"), mode: UInt32(mode))
        ) {
            try MasterKey.load(environment: [:], keyFile: directory.file("master.key"))
        }
        #expect(try posixMode(directory.file("master.key")) == mode)
    }

    @Test("the key's description shows a fingerprint, not the key")
    func descriptionRedacted() {
        let key = MasterKey.generate()
        #expect(!key.description.contains(key.base64))
        #expect(key.description.hasPrefix("MasterKey(fingerprint: "))
        #expect(Mirror(reflecting: key).children.isEmpty)
    }
}
