import ArgumentParser
import Foundation
import Logging
import WardenContainment
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
/// `createKeys: false` (config check) reads secrets from the vault only when the cell's keys already exist.
func currentCatalog(
    _ configuration: CellConfiguration, createKeys: Bool = true
) async throws -> (ToolCatalog, UpstreamRegistry) {
    var logger = Logger(label: "warden.tools")
    logger.logLevel = .critical
    let secrets: any SecretResolver
    if let keys = try? await CellKeys.open(
        dataDirectory: configuration.dataDirectory, tenant: configuration.tenant, createKeyFile: createKeys)
    {
        secrets = VaultThenEnvironmentResolver(vault: keys.vault)
    } else if createKeys {
        throw ValidationError("the cell's keys cannot be opened in \(configuration.dataDirectory)")
    } else {
        secrets = EnvironmentSecretResolver()
    }
    let upstreams = try await CellBootstrap.makeUpstreams(
        configuration: configuration, secrets: secrets, logger: logger)
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
                refused.append("refused \(name): \(ApprovalDisplay.escaped(problem.message)) (rule \(problem.rule))")
                continue
            }
            // Descriptions are upstream-written, untrusted text: instruction-like wording is flagged to the admin.
            let signals = Set(ToolCatalog.describedText(entry.definition).flatMap(InstructionSignals.scan)).sorted()
            if !signals.isEmpty {
                FileHandle.standardError.write(
                    Data(
                        ("flagged \(name): its description reads like instructions to the model ("
                            + signals.joined(separator: ", ") + "); read it before relying on the tool — "
                            + "containment treats addresses and links in descriptions as untrusted\n").utf8))
            }
            let previous = pins.digests[name]
            pins.pin(name, definition: entry.definition, digest: entry.digest)
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
            guard pins.revoke(name) else {
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

struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate a configuration file, then the tools its upstreams offer (schemas, send fields).")

    @Argument(help: "The configuration file.")
    var file: String

    @Flag(help: "Check the file only; do not start the upstreams to check their tools.")
    var offline = false

    func run() async throws {
        let configuration: CellConfiguration
        do {
            configuration = try ConfigurationLoader.load(path: file, literalSecretDetector: SecretLinting.detector)
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
        print("\(file): ok (tenant \(configuration.tenant), \(configuration.upstreams.count) upstreams)")
        guard !offline else { return }
        // The tools as the cell would see them: a classified tool Warden cannot judge is an error here too.
        let (catalog, registry) = try await currentCatalog(configuration, createKeys: false)
        await registry.shutdownAll()
        var problems: [String] = []
        for upstream in configuration.upstreams {
            let offered = catalog.entries.values.filter { $0.name.server == upstream.name }
            guard !offered.isEmpty else {
                print("\(file): upstream '\(upstream.name)' did not list its tools; they were not checked")
                continue
            }
            for entry in offered.sorted(by: { $0.name.description < $1.name.description }) where entry.effect != nil {
                if let problem = entry.problem {
                    problems.append("\(file): \(ApprovalDisplay.escaped(problem.message)) (rule \(problem.rule))")
                }
            }
        }
        guard problems.isEmpty else {
            FileHandle.standardError.write(Data((problems.joined(separator: "\n") + "\n").utf8))
            throw ExitCode(2)
        }
        print("\(file): tools ok")
    }
}
