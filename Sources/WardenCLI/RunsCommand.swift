import ArgumentParser
import Foundation
import WardenCore
import WardenGateway

struct RunsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "Runs of agents: their state under the delivery contract, their events and escalations.",
        subcommands: [ListRuns.self, ShowRun.self]
    )

    static func store(_ cell: CellOptions) throws -> SQLiteRunStore {
        let configuration = try cell.load()
        return try SQLiteRunStore(path: configuration.layout.runs)
    }
}

struct ListRuns: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Runs, newest first.")
    @OptionGroup var cell: CellOptions
    @Option(help: "How many runs at most.") var limit = 50

    func run() async throws {
        let store = try RunsCommand.store(cell)
        for run in try await store.list(limit: limit) {
            let notices = try await store.escalations(of: run.id)
            let notified =
                notices.isEmpty ? "" : "  escalation notice: " + notices.map(\.state.rawValue).joined(separator: ",")
            print(
                "\(ApprovalDisplay.escaped(run.name))  \(run.state.rawValue)  agent \(ApprovalDisplay.escaped(run.subject))  "
                    + "\(run.calls) call(s)" + (run.deliveredBy.map { "  delivered by \($0)" } ?? "")
                    + (run.endReason.map { "  ended by \($0)" } ?? "") + notified)
        }
    }
}

struct ShowRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One run: its state, every event, and its escalation notices.")
    @OptionGroup var cell: CellOptions
    @Argument(help: "The run id (its name, e.g. a session id or Warden-Run-Id).") var id: String
    @Option(help: "The agent (token subject) whose run it is, when several agents used the same name.")
    var agent: String?

    func run() async throws {
        let store = try RunsCommand.store(cell)
        var found = try await store.run(id: id).map { [$0] } ?? []
        if found.isEmpty { found = try await store.runs(named: id) }
        if let agent { found = found.filter { $0.subject == agent } }
        guard let run = found.first else { throw ValidationError("no run \(id)") }
        guard found.count == 1 else {
            let agents = found.map { ApprovalDisplay.escaped($0.subject) }.joined(separator: ", ")
            throw ValidationError("several agents have a run named \(id) (\(agents)): add --agent")
        }
        print(ApprovalDisplay.escaped(CanonicalJSON.string(try await RunView.detail(run, store: store))))
    }
}
