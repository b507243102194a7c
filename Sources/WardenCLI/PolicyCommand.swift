import ArgumentParser
import Foundation
import WardenCore
import WardenGateway

struct PolicyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Check, test and explain the cell's Cedar tool policy.",
        subcommands: [CheckPolicy.self, TestPolicy.self, ExplainPolicy.self]
    )
}

/// Loads the configured (or given) policy file against the schema generated from the live catalog.
func loadPolicy(_ cell: CellOptions, file: String?) async throws -> (CedarToolPolicy, ToolCatalog, String) {
    let configuration = try cell.load()
    guard let path = file ?? configuration.policyFile else {
        throw CLIError("no policy file: pass one, or set policy.file in the configuration")
    }
    let (catalog, registry) = try await currentCatalog(configuration)
    await registry.shutdownAll()
    var classifications: [String: [String: EffectClass]] = [:]
    for upstream in configuration.upstreams { classifications[upstream.name] = upstream.tools }
    let schema = CedarSchemaBuilder.schemaText(classifications: classifications, catalog: catalog)
    let (policy, _) = try PolicyFileWatcher.load(path: path, classifications: classifications, catalog: catalog)
    return (policy, catalog, schema)
}

struct CheckPolicy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Parse and validate a policy file against the schema generated from the tool catalog."
    )
    @OptionGroup var cell: CellOptions
    @Argument(help: "The policy file (default: policy.file of the configuration).") var file: String?
    @Flag(help: "Print the generated Cedar schema.") var printSchema = false

    func run() async throws {
        do {
            let (policy, _, schema) = try await loadPolicy(cell, file: file)
            if printSchema { print(schema) }
            print("ok: \(policy.identity)")
        } catch let error as PolicyLoadError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

/// One expectation in a policy test file (JSON): who calls which tool with which arguments, and the answer.
struct PolicyTestCase: Decodable {
    var name: String?
    var agent: String
    var roles: [String]
    var tool: String
    var arguments: [String: JSONValue]?
    var expect: String
}

struct TestPolicy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run a tenant's policy tests: a JSON list of {agent, roles, tool, arguments, expect: allow|deny}."
    )
    @OptionGroup var cell: CellOptions
    @Argument(help: "The test file.") var tests: String
    @Option(help: "The policy file (default: policy.file of the configuration).") var policy: String?

    func run() async throws {
        let (cedar, catalog, _) = try await loadPolicy(cell, file: policy)
        let cases = try JSONDecoder().decode([PolicyTestCase].self, from: Data(contentsOf: URL(fileURLWithPath: tests)))
        var failures = 0
        for (index, test) in cases.enumerated() {
            let label = test.name ?? "case \(index)"
            guard test.expect == "allow" || test.expect == "deny" else {
                throw CLIError("\(label): expect must be allow or deny")
            }
            guard let entry = catalog.entries[test.tool] else {
                print("FAIL \(label): no tool \(test.tool) in the catalog")
                failures += 1
                continue
            }
            let principal = Principal(tenant: "test", subject: test.agent, issuer: "test", roles: Set(test.roles))
            let call = ToolCallRequest(
                principal: principal,
                entry: entry,
                arguments: test.arguments ?? [:],
                meta: [:],
                run: RunContext(sessionID: "policy-test")
            )
            let decision = cedar.decide(call)
            let got = decision.isAllowed ? "allow" : "deny"
            if got == test.expect {
                print("pass \(label)")
            } else {
                failures += 1
                print("FAIL \(label): expected \(test.expect), got \(got) \(decision)")
            }
        }
        print("policy tests: \(cases.count - failures) passed, \(failures) failed")
        if failures > 0 { throw ExitCode(1) }
    }
}

struct ExplainPolicy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show which policies match a call, which held, which errored, and the decision."
    )
    @OptionGroup var cell: CellOptions
    @Option(help: "The agent's subject.") var agent: String = "agent"
    @Option(help: "A role (repeatable).") var role: [String] = []
    @Option(help: "The tool, as server.tool.") var tool: String
    @Option(help: "The arguments as a JSON object.") var arguments: String = "{}"

    func run() async throws {
        let (cedar, catalog, _) = try await loadPolicy(cell, file: nil)
        guard let entry = catalog.entries[tool] else { throw CLIError("no tool \(tool) in the catalog") }
        guard case .object(let members) = try StrictJSONParser().parse(arguments) else {
            throw CLIError("--arguments must be a JSON object")
        }
        let call = ToolCallRequest(
            principal: Principal(tenant: "explain", subject: agent, issuer: "explain", roles: Set(role)),
            entry: entry,
            arguments: members,
            meta: [:],
            run: RunContext(sessionID: "explain")
        )
        for line in cedar.explain(call) { print(line) }
        print("decision: \(cedar.decide(call))")
    }
}
