import Crypto
import Foundation
import Testing
import WardenVault

@Suite("tenant keyring")
struct TenantKeyringTests {
    let master = SymmetricKey(data: [UInt8](repeating: 7, count: 32))

    func bytes(_ key: DerivedKey) -> [UInt8] { key.symmetricKey.withUnsafeBytes { Array($0) } }

    @Test("derivation is deterministic for one tenant, purpose and version")
    func deterministic() throws {
        let tenant = try TenantID("acme")
        let first = TenantKeyring(tenant: tenant, masterKey: master).activeKey(.grants)
        let second = TenantKeyring(tenant: tenant, masterKey: master).activeKey(.grants)
        #expect(bytes(first) == bytes(second))
        #expect(first.keyID == second.keyID)
        #expect(first.keyID.count == 12)
    }

    @Test("two tenants get unrelated keys and key ids even from the same master key")
    func tenantSeparation() throws {
        let acme = TenantKeyring(tenant: try TenantID("acme"), masterKey: master)
        let globex = TenantKeyring(tenant: try TenantID("globex"), masterKey: master)
        for purpose in KeyPurpose.allCases {
            #expect(bytes(acme.activeKey(purpose)) != bytes(globex.activeKey(purpose)))
            #expect(acme.activeKey(purpose).keyID != globex.activeKey(purpose).keyID)
            #expect(globex.key(purpose, keyID: acme.activeKey(purpose).keyID) == nil)
        }
    }

    @Test("every purpose gets its own key")
    func purposeSeparation() throws {
        let ring = TenantKeyring(tenant: try TenantID("acme"), masterKey: master)
        let keys = KeyPurpose.allCases.map { bytes(ring.activeKey($0)) }
        #expect(Set(keys).count == KeyPurpose.allCases.count)
        #expect(ring.key(.sessionCookies, keyID: ring.activeKey(.grants).keyID) == nil)
    }

    @Test("rotation activates a new version; the old one still verifies until retired")
    func rotationAndRetirement() throws {
        let ring = TenantKeyring(tenant: try TenantID("acme"), masterKey: master)
        let v1 = ring.activeKey(.grants)
        let rotated = ring.rotating(.grants)
        let v2 = rotated.activeKey(.grants)
        #expect(v2.version == 2)
        #expect(v2.keyID != v1.keyID)
        #expect(bytes(v2) != bytes(v1))
        #expect(rotated.key(.grants, keyID: v1.keyID)?.status == .verifyOnly)
        #expect(rotated.key(.grants, keyID: v1.keyID).map(bytes) == bytes(v1))
        #expect(rotated.activeKey(.ledgerSigning).version == 1)

        let retired = try rotated.retiring(.grants, version: 1)
        #expect(retired.key(.grants, keyID: v1.keyID) == nil)
        #expect(retired.key(.grants, keyID: v2.keyID) != nil)
        #expect(throws: KeyringError.cannotRetireActiveVersion(.grants, 2)) {
            try retired.retiring(.grants, version: 2)
        }
        #expect(throws: KeyringError.unknownVersion(.grants, 9)) { try retired.retiring(.grants, version: 9) }
    }

    @Test("the ledger-signing key is an Ed25519 key from the derived 32-byte seed")
    func ledgerSigningKey() throws {
        let ring = TenantKeyring(tenant: try TenantID("acme"), masterKey: master)
        let signer = try ring.activeKey(.ledgerSigning).signingKey()
        let again = try ring.activeKey(.ledgerSigning).signingKey()
        #expect(signer.publicKey.rawRepresentation == again.publicKey.rawRepresentation)
        let message = Array("checkpoint".utf8)
        let signature = try signer.signature(for: message)
        #expect(signer.publicKey.isValidSignature(signature, for: message))
        let other = try TenantKeyring(tenant: try TenantID("globex"), masterKey: master).activeKey(.ledgerSigning)
            .signingKey()
        #expect(!other.publicKey.isValidSignature(signature, for: message))
    }

    @Test("derived keys print their id, not their material")
    func descriptionRedacted() throws {
        let key = TenantKeyring(tenant: try TenantID("acme"), masterKey: master).activeKey(.grants)
        #expect(key.description.contains(key.keyID))
        #expect(Mirror(reflecting: key).children.isEmpty)
    }

    @Test("state text round-trips and malformed state is refused")
    func stateSerialization() throws {
        let state = TenantKeyring(tenant: try TenantID("acme"), masterKey: master).rotating(.grants).rotating(.grants)
            .state
        #expect(try KeyringState(serialized: state.serialized) == state)
        #expect(throws: KeyringError.self) { try KeyringState(serialized: "warden-keyring v2\n") }
        let twoActive = state.serialized.replacingOccurrences(of: "grants 2 verify-only", with: "grants 2 active")
        #expect(throws: KeyringError.self) { try KeyringState(serialized: twoActive) }
    }

    @Test(
        "a state written before a purpose existed gains it at version 1; a listed purpose without an active version is refused"
    )
    func newPurposes() throws {
        let old = "warden-keyring v1\ngrants 1 verify-only\ngrants 2 active\nledger-signing 1 active\n"
        let state = try KeyringState(serialized: old)
        #expect(state.versions(.grants).map(\.version) == [1, 2])
        #expect(state.versions(.logCorrelation).map(\.status) == [.active])
        let noActive = "warden-keyring v1\ngrants 1 verify-only\n"
        #expect(throws: KeyringError.self) { try KeyringState(serialized: noActive) }
    }

    @Test("tenant ids follow the name grammar")
    func tenantIDGrammar() {
        #expect(throws: TenantIDError.self) { try TenantID("") }
        #expect(throws: TenantIDError.self) { try TenantID("a/b") }
        #expect(throws: TenantIDError.self) { try TenantID(".acme") }
        #expect(throws: TenantIDError.self) { try TenantID(String(repeating: "a", count: 65)) }
    }

    @Test("the keyring store keeps one master key per tenant in the vault and persists rotation")
    func keyringStorePersists() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let vault = VaultFileStore(path: directory.file("vault"), masterKey: .generate())
        let store = TenantKeyringStore(store: vault)
        let acme = try TenantID("acme")
        let first = try await store.load(acme)
        let reloaded = try await store.load(acme)
        #expect(bytes(first.activeKey(.grants)) == bytes(reloaded.activeKey(.grants)))
        let globex = try await store.load(try TenantID("globex"))
        #expect(bytes(globex.activeKey(.grants)) != bytes(first.activeKey(.grants)))

        _ = try await store.rotate(acme, .grants)
        _ = try await store.retire(acme, .grants, version: 1)
        let after = try await store.load(acme)
        #expect(after.activeKey(.grants).version == 2)
        #expect(after.key(.grants, keyID: first.activeKey(.grants).keyID) == nil)
        #expect(try await vault.list().map(\.name).contains("keyring.acme.master"))
    }
}

@Suite("tenant keyring creation")
struct TenantKeyringCreationTests {
    @Test("concurrent first loads of one tenant agree on one master key")
    func concurrentFirstLoad() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.cleanUp() }
        let store = TenantKeyringStore(store: VaultFileStore(path: directory.file("vault"), masterKey: .generate()))
        let tenant = try TenantID("acme")
        let keyIDsAndBytes = try await withThrowingTaskGroup(of: [UInt8].self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await store.load(tenant).activeKey(.grants).symmetricKey.withUnsafeBytes { Array($0) }
                }
            }
            return try await group.reduce(into: Set<[UInt8]>()) { $0.insert($1) }
        }
        #expect(keyIDsAndBytes.count == 1)
    }
}
