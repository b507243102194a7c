import ArgumentParser
import Foundation
import WardenCore
import WardenGateway
import WardenGrants
import WardenLedger
import WardenRedaction

/// Benchmarks (measurements, never tests). Build with `-c release`; compare against the named peer in the
/// same run (scripts in bench/ run the peers).
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure grants, ledger and redaction throughput (use a release build), and injection containment.",
        subcommands: [BenchGrants.self, BenchLedger.self, BenchRedaction.self, BenchInjection.self]
    )
}

struct BenchGrants: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grants",
        abstract: "Grant verifications per CPU-second."
    )
    @Option(help: "Verifications to run.") var iterations: Int = 1_000_000

    func run() async throws {
        let rate = try GrantBenchmark.verifyThroughput(iterations: iterations)
        print("grant verification: \(Int(rate)) verifications per CPU-second (goal 1,000,000 per core)")
    }
}

struct BenchLedger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "Durable appends/s with group commit, and verification speed."
    )
    @Option(help: "Entries to append.") var entries: Int = 200_000
    @Option(help: "Entry size in bytes.") var size: Int = 300
    @Option(help: "Concurrent appenders (comma-separated list).") var concurrency: String = "1,64,1024,4096"
    @Option(help: "Folder to write in (default: a temporary folder on the same disk as /tmp).") var directory: String?

    func run() async throws {
        for level in concurrency.split(separator: ",").compactMap({ Int($0) }) {
            let result = try await LedgerBenchmark.run(
                entries: level == 1 ? min(entries, 2_000) : entries,
                size: size,
                concurrency: level,
                directory: directory.map { $0 + "/c\(level)" }
            )
            print(result)
        }
    }
}

struct BenchRedaction: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "redaction",
        abstract: "Throughput, recall and precision on a labelled corpus (bench/redaction/make_corpus.py)."
    )
    @Argument(help: "Folder with corpus.txt and labels.jsonl.") var corpus: String

    func run() async throws {
        let text = try String(contentsOfFile: corpus + "/corpus.txt", encoding: .utf8)
        let labels = try RedactionBenchmark.labels(
            fromJSONLines: try String(contentsOfFile: corpus + "/labels.jsonl", encoding: .utf8)
        )
        let report = RedactionBenchmark.evaluate(corpus: text, labels: labels)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        print(String(decoding: try encoder.encode(report), as: UTF8.self))
    }
}

struct BenchInjection: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "injection",
        abstract: "Replay injection scenarios through the real pipeline: attacks executed without a human, benign "
            + "tasks untouched (file formats: bench/injection/README.md).",
        discussion: """
            Each scenario is one run whose steps a scripted, fully compromised model issues in order. Every \
            catalogued tool is permitted unless --policy names a Cedar file; send grants and the standing spend \
            approval do not apply, so holds and denials are containment's (and the policy's).
            """
    )
    @Option(help: "The tool catalog (JSON).") var catalog: String
    @Option(help: "The scenarios (JSON lines).") var scenarios: String
    @Option(help: "Write the figures as JSON to this file.") var json: String?
    @Option(help: "A Cedar policy to apply instead of permitting every tool.") var policy: String?
    @Flag(help: "Turn the built-in containment rules off (to measure what they contain).")
    var withoutContainment = false
    @Option(help: "containment.directed_values: hold or allow.") var directedValues: String = "hold"
    @Option(help: "containment.instructed_runs: hold or allow.") var instructedRuns: String = "hold"
    @Option(help: "containment.unasked_actions: hold or allow.") var unaskedActions: String = "hold"
    @Option(help: "containment.outside_task: hold or allow.") var outsideTask: String = "hold"
    @Option(help: "containment.task_limits: hold or allow.") var taskLimits: String = "hold"

    func run() async throws {
        let catalogFile = try InjectionReplay.catalog(json: try Self.read(catalog), file: catalog)
        let scenarioList = try InjectionReplay.scenarios(jsonLines: try Self.read(scenarios), file: scenarios)
        for (name, value) in [
            ("--directed-values", directedValues), ("--instructed-runs", instructedRuns),
            ("--unasked-actions", unaskedActions), ("--outside-task", outsideTask),
            ("--task-limits", taskLimits),
        ]
        where value != "hold" && value != "allow" {
            throw ValidationError("\(name) is hold or allow, not '\(value)'")
        }
        let report = try await InjectionReplay.run(
            catalog: catalogFile, scenarios: scenarioList, policyText: try policy.map(Self.read),
            containmentOn: !withoutContainment, holdDirectedValues: directedValues == "hold",
            holdInstructedRuns: instructedRuns == "hold", holdUnaskedActions: unaskedActions == "hold",
            holdOutsideTask: outsideTask == "hold", holdTaskLimits: taskLimits == "hold")
        print(report.table)
        if let json {
            let bytes = CanonicalJSON.encode(report.json)
            guard FileManager.default.createFile(atPath: json, contents: Data(bytes)) else {
                throw ValidationError("cannot write \(json)")
            }
        }
    }

    static func read(_ path: String) throws -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ValidationError("cannot read \(path)")
        }
    }
}
