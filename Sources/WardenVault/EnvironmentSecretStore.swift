import Foundation

/// Reads secrets from environment variables: `secret://smtp.password` is `WARDEN_SECRET_SMTP_PASSWORD`.
///
/// The mapping upper-cases the name and turns `.` and `-` into `_`, so it is many-to-one (`smtp-password` and
/// `SMTP_PASSWORD` read the same variable); ``list()`` therefore reports lower-cased names with `_`. The store is
/// read-only: Warden never writes its own environment.
public struct EnvironmentSecretStore: SecretStore {
    /// Prefix of every variable this store reads.
    public static let prefix = "WARDEN_SECRET_"

    private let environment: [String: String]

    /// Reads from the process environment as it is now.
    public init() { self.environment = ProcessInfo.processInfo.environment }

    /// Reads from a given environment (for tests and for the CLI's `--env-file`).
    public init(environment: [String: String]) { self.environment = environment }

    /// The variable that holds `reference`.
    public static func variableName(for reference: SecretReference) -> String {
        var name = prefix
        for scalar in reference.name.unicodeScalars {
            switch scalar {
            case ".", "-": name.append("_")
            default: name.unicodeScalars.append(contentsOf: String(scalar).uppercased().unicodeScalars)
            }
        }
        return name
    }

    public func get(_ reference: SecretReference) async throws -> SecretValue? {
        environment[Self.variableName(for: reference)].map { SecretValue($0) }
    }

    public func set(_ value: SecretValue, for reference: SecretReference) async throws {
        throw SecretStoreError.readOnly(store: "environment")
    }

    public func list() async throws -> [SecretReference] {
        environment.keys.compactMap { key -> SecretReference? in
            guard key.hasPrefix(Self.prefix) else { return nil }
            return try? SecretReference(name: String(key.dropFirst(Self.prefix.count)).lowercased())
        }.sorted()
    }

    public func delete(_ reference: SecretReference) async throws -> Bool {
        throw SecretStoreError.readOnly(store: "environment")
    }
}
