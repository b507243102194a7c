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
                "\(ApprovalDisplay.escaped(run.id))  \(run.state.rawValue)  agent \(ApprovalDisplay.escaped(run.subject))  "
                    + "\(run.calls) call(s)" + (run.deliveredBy.map { "  delivered by \($0)" } ?? "")
                    + (run.endReason.map { "  ended by \($0)" } ?? "") + notified)
        }
    }
}

struct ShowRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One run: its state, every event, and its escalation notices.")
    @OptionGroup var cell: CellOptions
    @Argument(help: "The run id.") var id: String

    func run() async throws {
        let store = try RunsCommand.store(cell)
        guard let run = try await store.run(id: id) else { throw ValidationError("no run \(id)") }
        print(ApprovalDisplay.escaped(CanonicalJSON.string(try await RunView.detail(run, store: store))))
    }
}
