// swift-tools-version:6.2
// Warden: a security gateway and runtime for autonomous AI agents.
// Each control lives in one target; pure cores (policy, redaction, grants) do no I/O.
import PackageDescription

/// Warden's own code builds with warnings as errors (dependencies are not affected).
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "Warden",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "warden", targets: ["WardenCLI"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.3"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        // Shared value types and seams: JSON values, canonical JSON, principals, effect classes, decisions.
        .target(
            name: "WardenCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")], swiftSettings: strict
        ),
        // Tool arguments against the tool's pinned JSON Schema: strict compile, validation, the number model. Pure.
        .target(name: "WardenSchema", dependencies: ["WardenCore"], swiftSettings: strict),
        // Injection containment: values in content and their provenance, instruction signals, fencing. Pure.
        .target(name: "WardenContainment", dependencies: ["WardenCore"], swiftSettings: strict),
        // Cron schedules in time zones (DST gaps and repeats) for Warden's own agents. Pure.
        .target(name: "WardenSchedule", swiftSettings: strict),
        // Cedar policy language: parser, evaluator, entities, schema, validator, scope index. Pure.
        .target(name: "WardenPolicy", swiftSettings: strict),
        // RFC 6962 Merkle log in C2SP tlog-tiles layout with signed-note checkpoints.
        .target(
            name: "WardenLedger", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        // Secret stores (env, encrypted vault file) and the tenant keyring (HKDF purpose keys).
        .target(
            name: "WardenVault", dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        // Signed, recipient-bound, single-use send grants.
        .target(
            name: "WardenGrants",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: strict
        ),
        // PII and secret detectors, the redactor, and the redacting log handler.
        .target(
            name: "WardenRedaction", dependencies: [.product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        // OAuth 2.1 resource server: JWT access tokens against the issuer's JWKS, RFC 9728 metadata.
        .target(
            name: "WardenOAuth",
            dependencies: [
                "WardenCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // MCP JSON-RPC messages and client transports (stdio, Streamable HTTP) to upstream servers.
        .target(
            name: "WardenMCP",
            dependencies: [
                "WardenCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Warden's own outbound channels: SMTP (STARTTLS, AUTH) and signed webhooks, exposed as built-in tools.
        .target(
            name: "WardenChannels",
            dependencies: [
                "WardenCore",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Client for OpenAI-compatible chat completions with tool calling: retries, timeouts, token caps.
        .target(
            name: "WardenModel",
            dependencies: [
                "WardenCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // C2SP tlog-witness: the witness server (`warden witness`) and the cell's checkpoint submitter.
        .target(
            name: "WardenWitness",
            dependencies: [
                "WardenLedger",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // Traces of tool calls as OpenTelemetry spans, exported over OTLP/HTTP JSON.
        .target(
            name: "WardenTracing",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The cell: listener, ingress allowlist, authentication, MCP endpoint, catalog, gatekeeper.
        .target(
            name: "WardenGateway",
            dependencies: [
                "WardenCore", "WardenSchema", "WardenContainment", "WardenPolicy", "WardenLedger", "WardenGrants",
                "WardenRedaction",
                "WardenVault", "WardenOAuth", "WardenMCP", "WardenChannels", "WardenWitness", "WardenTracing",
                "WardenSchedule", "WardenModel",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strict
        ),
        .executableTarget(
            name: "WardenCLI",
            dependencies: [
                "WardenGateway", "WardenCore", "WardenMCP", "WardenGrants", "WardenVault", "WardenLedger",
                "WardenRedaction", "WardenWitness", "WardenTracing", "WardenContainment", "WardenModel",
                "WardenSchedule",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WardenChannelsTests",
            dependencies: [
                "WardenChannels", "WardenCore",
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "WardenCoreTests", dependencies: ["WardenCore"], swiftSettings: strict),
        .testTarget(name: "WardenScheduleTests", dependencies: ["WardenSchedule"], swiftSettings: strict),
        .testTarget(
            name: "WardenModelTests",
            dependencies: [
                "WardenModel", "WardenCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "WardenSchemaTests", dependencies: ["WardenSchema", "WardenCore"], swiftSettings: strict),
        .testTarget(
            name: "WardenContainmentTests", dependencies: ["WardenContainment", "WardenCore"], swiftSettings: strict),
        .testTarget(
            name: "WardenPolicyTests",
            dependencies: ["WardenPolicy"],
            exclude: ["differential"],
            swiftSettings: strict
        ),
        .testTarget(name: "WardenLedgerTests", dependencies: ["WardenLedger"], swiftSettings: strict),
        .testTarget(
            name: "WardenVaultTests",
            dependencies: ["WardenVault", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WardenGrantsTests",
            dependencies: ["WardenGrants", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WardenRedactionTests",
            dependencies: ["WardenRedaction", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WardenOAuthTests",
            dependencies: [
                "WardenOAuth", "WardenCore",
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WardenMCPTests",
            dependencies: [
                "WardenMCP", "WardenCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WardenWitnessTests",
            dependencies: [
                "WardenWitness", "WardenLedger",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WardenTracingTests",
            dependencies: ["WardenTracing", .product(name: "AsyncHTTPClient", package: "async-http-client")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WardenGatewayTests",
            dependencies: [
                "WardenGateway", "WardenCore", "WardenWitness", "WardenGrants", "WardenModel", "WardenSchedule",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
    ],
    swiftLanguageModes: [.v6]
)
