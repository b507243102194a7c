import Testing
import WardenVault

@Suite("environment secret store")
struct EnvironmentSecretStoreTests {
    let store = EnvironmentSecretStore(environment: [
        "WARDEN_SECRET_SMTP_PASSWORD": "s3cret",
        "WARDEN_SECRET_API_KEY": "k",
        "PATH": "/usr/bin",
    ])

    @Test("a name maps to WARDEN_SECRET_ + upper case with . and - turned into _")
    func variableMapping() throws {
        #expect(
            EnvironmentSecretStore.variableName(for: try SecretReference(name: "smtp.password"))
                == "WARDEN_SECRET_SMTP_PASSWORD")
        #expect(
            EnvironmentSecretStore.variableName(for: try SecretReference(name: "api-key")) == "WARDEN_SECRET_API_KEY")
    }

    @Test("get reads the mapped variable and nothing else")
    func reads() async throws {
        #expect(try await store.get(SecretReference(name: "smtp.password"))?.utf8String == "s3cret")
        #expect(try await store.get(SecretReference(name: "path")) == nil)
        await #expect(throws: SecretStoreError.notFound(try SecretReference(name: "missing"))) {
            try await store.require(SecretReference(name: "missing"))
        }
    }

    @Test("list shows only WARDEN_SECRET_ variables")
    func lists() async throws {
        #expect(try await store.list().map(\.name) == ["api_key", "smtp_password"])
    }

    @Test("set and delete are refused: the store is read-only")
    func readOnly() async throws {
        let reference = try SecretReference(name: "x")
        await #expect(throws: SecretStoreError.readOnly(store: "environment")) {
            try await store.set(SecretValue("v"), for: reference)
        }
        await #expect(throws: SecretStoreError.readOnly(store: "environment")) {
            try await store.delete(reference)
        }
    }
}
