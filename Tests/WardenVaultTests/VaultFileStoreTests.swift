import Foundation
import Testing
import WardenVault

@Suite("encrypted vault file")
struct VaultFileStoreTests {
    func reference(_ name: String) throws -> SecretReference { try SecretReference(name: name) }

    @Test("set, get, list and delete round-trip, and survive reopening")
    func roundTrip() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let key = MasterKey.generate()
        let store = VaultFileStore(path: directory.file("vault"), masterKey: key)
        try await store.set(SecretValue("p@ss"), for: reference("smtp.password"))
        try await store.set(SecretValue(bytes: [0, 1, 2, 255]), for: reference("binary"))
        #expect(try await store.get(reference("smtp.password"))?.utf8String == "p@ss")
        #expect(try await store.list().map(\.name) == ["binary", "smtp.password"])

        let reopened = VaultFileStore(path: directory.file("vault"), masterKey: key)
        #expect(try await reopened.get(reference("binary"))?.bytes == [0, 1, 2, 255])
        #expect(try await reopened.delete(reference("binary")))
        #expect(try await reopened.delete(reference("binary")) == false)
        #expect(try await reopened.list().map(\.name) == ["smtp.password"])
    }

    @Test("the file does not contain secret values or names in clear")
    func fileIsEncrypted() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = VaultFileStore(path: directory.file("vault"), masterKey: .generate())
        try await store.set(SecretValue("VERY-SECRET-VALUE"), for: reference("visible-name"))
        let raw = try Data(contentsOf: URL(fileURLWithPath: directory.file("vault")))
        #expect(raw.range(of: Data("VERY-SECRET-VALUE".utf8)) == nil)
        #expect(raw.range(of: Data("visible-name".utf8)) == nil)
    }

    @Test("the vault file is written with mode 0600")
    func fileMode() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = VaultFileStore(path: directory.file("vault"), masterKey: .generate())
        try await store.set(SecretValue("v"), for: reference("a"))
        #expect(try posixMode(directory.file("vault")) == 0o600)
    }

    @Test("a vault file that group or others can read is refused")
    func refusesOpenPermissions() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = VaultFileStore(path: directory.file("vault"), masterKey: .generate())
        try await store.set(SecretValue("v"), for: reference("a"))
        try setPosixMode(directory.file("vault"), 0o644)
        await #expect(throws: VaultError.permissionsTooOpen(path: directory.file("vault"), mode: 0o644)) {
            try await store.get(reference("a"))
        }
    }

    @Test("a wrong master key is refused as such and yields nothing")
    func wrongKeyRefused() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        try await VaultFileStore(path: directory.file("vault"), masterKey: .generate())
            .set(SecretValue("v"), for: reference("a"))
        let intruder = VaultFileStore(path: directory.file("vault"), masterKey: .generate())
        await #expect(throws: VaultError.wrongMasterKey) { try await intruder.get(reference("a")) }
        await #expect(throws: VaultError.wrongMasterKey) { try await intruder.list() }
        await #expect(throws: VaultError.wrongMasterKey) {
            try await intruder.set(SecretValue("x"), for: reference("b"))
        }
    }

    @Test("changing any single byte of the file is detected, whatever region it is in")
    func tamperedByteRefused() throws {
        let key = MasterKey.generate()
        let sealed = try VaultFileFormat.seal(["a": SecretValue("alpha"), "b": SecretValue("beta")], masterKey: key)
        // Every byte outside the magic/fingerprint (which have their own errors) must fail authentication.
        for offset in [6, 7, 16, 30, 47, 48, 59, 60, 61, sealed.count / 2, sealed.count - 17, sealed.count - 1] {
            var tampered = sealed
            tampered[offset] ^= 0x01
            #expect(throws: VaultError.self) { try VaultFileFormat.open(tampered, masterKey: key) }
        }
        var body = sealed
        body[62] ^= 0x80
        #expect(throws: VaultError.tamperedOrCorrupt) { try VaultFileFormat.open(body, masterKey: key) }
        var tag = sealed
        tag[tag.count - 1] ^= 0x80
        #expect(throws: VaultError.tamperedOrCorrupt) { try VaultFileFormat.open(tag, masterKey: key) }
        var version = sealed
        version[6] = 9
        #expect(throws: VaultError.unsupportedVersion(9)) { try VaultFileFormat.open(version, masterKey: key) }
        #expect(try VaultFileFormat.open(sealed, masterKey: key)["b"]?.utf8String == "beta")
    }

    @Test("a truncated file or a foreign file is refused")
    func truncatedRefused() throws {
        let key = MasterKey.generate()
        let sealed = try VaultFileFormat.seal(["a": SecretValue("alpha")], masterKey: key)
        #expect(throws: VaultError.tamperedOrCorrupt) {
            try VaultFileFormat.open(Array(sealed.dropLast()), masterKey: key)
        }
        #expect(throws: VaultError.tamperedOrCorrupt) {
            try VaultFileFormat.open(Array(sealed.prefix(70)), masterKey: key)
        }
        #expect(throws: VaultError.notAVaultFile) {
            try VaultFileFormat.open(Array("hello world".utf8), masterKey: key)
        }
    }

    @Test("a tampered file on disk is refused by the store without returning any entry")
    func tamperedFileOnDisk() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let key = MasterKey.generate()
        let store = VaultFileStore(path: directory.file("vault"), masterKey: key)
        try await store.set(SecretValue("v"), for: reference("a"))
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory.file("vault"))))
        bytes[bytes.count - 5] ^= 0x10
        try Data(bytes).write(to: URL(fileURLWithPath: directory.file("vault")))
        try setPosixMode(directory.file("vault"), 0o600)
        await #expect(throws: VaultError.tamperedOrCorrupt) { try await store.get(reference("a")) }
    }

    @Test("rotation re-encrypts under the new key: the new key opens, the old key is refused")
    func rotation() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let oldKey = MasterKey.generate()
        let newKey = MasterKey.generate()
        let store = VaultFileStore(path: directory.file("vault"), masterKey: oldKey)
        try await store.set(SecretValue("v1"), for: reference("a"))
        try await store.rotate(to: newKey)
        #expect(try await store.get(reference("a"))?.utf8String == "v1")
        #expect(
            try await VaultFileStore(path: directory.file("vault"), masterKey: newKey).get(reference("a"))?.utf8String
                == "v1")
        await #expect(throws: VaultError.wrongMasterKey) {
            try await VaultFileStore(path: directory.file("vault"), masterKey: oldKey).get(reference("a"))
        }
        #expect(try posixMode(directory.file("vault")) == 0o600)
    }

    @Test("no temporary files are left behind after writes")
    func noTemporaryFilesLeft() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = VaultFileStore(path: directory.file("vault"), masterKey: .generate())
        for index in 0..<5 { try await store.set(SecretValue("v\(index)"), for: reference("k\(index)")) }
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["vault", "vault.lock"])
    }

    @Test("two writers on one vault file (a cell and the CLI) do not lose each other's writes")
    func concurrentWritersKeepAllEntries() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let key = MasterKey.generate()
        let cell = VaultFileStore(path: directory.file("vault"), masterKey: key)
        let cli = VaultFileStore(path: directory.file("vault"), masterKey: key)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<12 {
                group.addTask {
                    try await cell.set(SecretValue("c\(index)"), for: SecretReference(name: "cell-\(index)"))
                }
                group.addTask {
                    try await cli.set(SecretValue("k\(index)"), for: SecretReference(name: "cli-\(index)"))
                }
            }
            try await group.waitForAll()
        }
        #expect(try await cell.list().count == 24)
    }
}
