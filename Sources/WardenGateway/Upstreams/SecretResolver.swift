import Foundation
import WardenCore

/// Reads secret values by name at run time. Configuration only ever holds `secret://name` references.
public protocol SecretResolver: Sendable {
    func resolve(_ name: String) async throws -> String
}

/// A secret that configuration references but no store holds: the upstream does not start.
public struct MissingSecret: Error, Sendable, CustomStringConvertible, LogSafeError {
    public var name: String
    public var description: String { "secret '\(name)' is not set in any secret store" }
    /// The name comes from configuration (never a value), so it may be logged.
    public var logDescription: String { description }
}

/// Secrets from the environment: `secret://billing-api-key` is read from `WARDEN_SECRET_BILLING_API_KEY`.
public struct EnvironmentSecretResolver: SecretResolver {
    let environment: [String: String]

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    public static func variableName(for secret: String) -> String {
        "WARDEN_SECRET_" + secret.uppercased().map { $0.isLetter || $0.isNumber ? String($0) : "_" }.joined()
    }

    public func resolve(_ name: String) async throws -> String {
        guard let value = environment[Self.variableName(for: name)], !value.isEmpty else {
            throw MissingSecret(name: name)
        }
        return value
    }
}

extension SecretTemplate {
    /// The template with every reference replaced by its current value.
    public func resolve(with resolver: any SecretResolver) async throws -> String {
        var out = ""
        for part in parts {
            switch part {
            case .literal(let text): out += text
            case .secret(let name): out += try await resolver.resolve(name)
            }
        }
        return out
    }
}
