import ArgumentParser
import Foundation
import Logging
import WardenCore
import WardenGateway

struct ToolsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tools",
        abstract: "Inspect upstream tools and approve (pin) their definitions.",
        subcommands: [ListTools.self, ApproveTools.self, RevokeTools.self]
    )
}

/// Lists every upstream's tools as the cell would see them now.
func currentCatalog(_ configuration: CellConfiguration) async throws -> (ToolCatalog, UpstreamRegistry) {
    let logger = Logger(label: "warden.tools")
    let keys = try await CellKeys.open(dataDirectory: configuration.dataDirectory, tenant: configuration.tenant)
    let upstreams = try await CellBootstrap.makeUpstreams(
        configuration: configuration,
        secrets: VaultThenEnvironmentResolver(vault: keys.vault),
        logger: logger
    )
    let registry = UpstreamRegistry(
        configuration: configuration, upstreams: upstreams,
        pins: try ToolPins.load(dataDirectory: configuration.dataDirectory), logger: logger)
    await registry.startAll()
    return (await registry.currentCatalog(), registry)
}

struct ListTools: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List tools with class and pin state.")

    @OptionGroup var cell: CellOptions

    func run() async throws {
        let configuration = try cell.load()
        let (catalog, registry) = try await currentCatalog(configuration)
        defer { Task { await registry.shutdownAll() } }
        for key in catalog.entries.keys.sorted() {
            guard let entry = catalog.entries[key] else { continue }
            let state: String
            switch catalog.lookup(key) {
            case .found: state = "approved"
            case .refused(let refusal, _): state = refusal.rule
            }
            print("\(key)\t\(entry.effect?.rawValue ?? "UNCLASSIFIED")\t\(entry.digest.prefix(16))\t\(state)")
        }
        await registry.shutdownAll()
    }
}

struct ApproveTools: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve",
        abstract: "Pin the current definitions of the named tools (or --all) as approved."
    )

    @OptionGroup var cell: CellOptions

    @Flag(help: "Approve every classified tool's current definition.")
    var all = false

    @Argument(help: "Tools to approve, as server.tool.")
    var tools: [String] = []

    func validate() throws {
        if all == !tools.isEmpty { throw ValidationError("name tools to approve, or pass --all (not both)") }
    }

    func run() async throws {
        let configuration = try cell.load()
        let (catalog, registry) = try await currentCatalog(configuration)
        await registry.shutdownAll()
        var pins = try ToolPins.load(dataDirectory: configuration.dataDirectory)
        let names = all ? catalog.entries.keys.sorted().filter { catalog.entries[$0]?.effect != nil } : tools
        var refused: [String] = []
        for name in names {
            guard let entry = catalog.entries[name] else {
                throw ValidationError("no tool '\(name)' is offered by the configured upstreams")
            }
            guard entry.effect != nil else {
                throw ValidationError("\(name) has no effect class in configuration; classify it first")
            }
            // A tool Warden cannot judge (unenforceable schema, undeclared send field) is never pinned.
            if let problem = entry.problem {
                refused.append("refused \(name): \(problem.message) (rule \(problem.rule))")
                continue
            }
            let previous = pins.digests[name]
            pins.digests[name] = entry.digest
            print(
                previous == nil
                    ? "approved \(name)" : previous == entry.digest ? "unchanged \(name)" : "re-approved \(name)")
        }
        try pins.save(dataDirectory: configuration.dataDirectory)
        if !refused.isEmpty {
            FileHandle.standardError.write(Data((refused.joined(separator: "\n") + "\n").utf8))
            throw ExitCode(1)
        }
    }
}

struct RevokeTools: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "revoke",
        abstract: "Withdraw the approval of the named tools; a running cell refuses them at once."
    )

    @OptionGroup var cell: CellOptions

    @Argument(help: "Tools to revoke, as server.tool.")
    var tools: [String]

    func run() async throws {
        let configuration = try cell.load()
        var pins = try ToolPins.load(dataDirectory: configuration.dataDirectory)
        for name in tools {
            guard pins.digests.removeValue(forKey: name) != nil else {
                throw ValidationError("\(name) is not approved")
            }
        }
        try pins.save(dataDirectory: configuration.dataDirectory)
        for name in tools { print("revoked \(name)") }
    }
}

struct ConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Validate a configuration file.",
        subcommands: [CheckConfig.self]
    )
}

struct CheckConfig: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Parse and validate a configuration file.")

    @Argument(help: "The configuration file.")
    var file: String

    func run() throws {
        do {
            let configuration = try ConfigurationLoader.load(path: file, literalSecretDetector: SecretLinting.detector)
            print("\(file): ok (tenant \(configuration.tenant), \(configuration.upstreams.count) upstreams)")
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}
