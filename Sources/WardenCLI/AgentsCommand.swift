import ArgumentParser
import Foundation
import WardenCore
import WardenGateway

struct AgentsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agents",
        abstract: "Warden's own AI employees: their schedules and limits, and running one at once.",
        subcommands: [ListAgents.self, RunAgent.self]
    )

    static func store(_ configuration: CellConfiguration) throws -> AgentScheduleStore {
        try FileManager.default.createDirectory(
            atPath: configuration.dataDirectory, withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        return try AgentScheduleStore(path: configuration.layout.agents)
    }

    static func iso(_ date: Date, in zone: TimeZone) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = zone
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}

struct ListAgents: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Each agent: role, model, schedules with their next run, limits, last slots.")
    @OptionGroup var cell: CellOptions

    func run() async throws {
        let configuration = try cell.load()
        guard !configuration.agents.isEmpty else {
            print("No agents are configured (agents: in the cell's configuration).")
            return
        }
        let store = try AgentsCommand.store(configuration)
        let now = Date()
        for agent in configuration.agents {
            let limits = agent.limits
            print("\(agent.name)  role \(agent.role)  model \(agent.model.model) at \(agent.model.endpoint)")
            if agent.schedules.isEmpty {
                print("  schedule: none (runs only with `warden agents run \(agent.name) --now`)")
            }
            for schedule in agent.schedules {
                let next = schedule.nextFire(after: now).map { AgentsCommand.iso($0, in: schedule.timeZone) } ?? "never"
                print("  schedule: \(schedule.expression) (\(schedule.timeZone.identifier)), next \(next)")
            }
            print(
                "  missed slots: \(agent.missedSlots.rawValue); limits: \(limits.steps) steps, \(limits.tokens) tokens, "
                    + "\(limits.wallSeconds) s")
            for slot in try await store.slots(of: agent.name, limit: 5) {
                print(
                    "  slot \(AgentsCommand.iso(slot.time, in: TimeZone(identifier: "UTC") ?? .current))  "
                        + "\(slot.state.rawValue)" + (slot.run.map { "  run \($0)" } ?? "")
                        + (slot.note.map { "  \(ApprovalDisplay.escaped($0))" } ?? ""))
            }
        }
    }
}

struct RunAgent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Ask the running cell to run an agent at once, and wait for the run to end.",
        discussion: """
            The request is queued in the cell's data folder and taken by `warden serve` within a second; the run \
            goes through the same pipeline as a scheduled one. Exit status: 0 delivered, 3 escalated, 2 not run, \
            4 still running when --wait ran out.
            """)
    @OptionGroup var cell: CellOptions
    @Argument(help: "The agent's name.") var name: String
    @Flag(help: "Run now (required: this command never schedules).") var now = false
    @Option(help: "The task for this run instead of the agent's configured task (trusted, like the instructions).")
    var task: String?
    @Option(help: "Seconds to wait for the run to end (0: do not wait).") var wait = 900

    func run() async throws {
        guard now else { throw ValidationError("say --now: this command runs the agent at once") }
        let configuration = try cell.load()
        guard configuration.agents.contains(where: { $0.name == name }) else {
            let names = configuration.agents.map(\.name).joined(separator: ", ")
            throw CLIError("no agent named \(name) (configured: \(names.isEmpty ? "none" : names))")
        }
        let store = try AgentsCommand.store(configuration)
        let id = try await store.request(agent: name, task: task, now: Date())
        print("Asked the cell to run \(name) (request \(id)).")
        guard wait > 0 else { return }
        let deadline = Date().addingTimeInterval(TimeInterval(wait))
        var warned = false
        var started = false
        while Date() < deadline {
            guard let request = try await store.request(id: id) else {
                throw CLIError("request \(id) is gone from the cell's data folder")
            }
            switch request.state {
            case .queued:
                if !warned && Date().timeIntervalSince(request.requestedAt) > 10 {
                    print("No cell has taken it yet: is `warden serve` running on this data folder?")
                    warned = true
                }
            case .taken:
                if !started, let run = request.run {
                    print("Run \(run) started.")
                    started = true
                }
            case .done:
                let note = request.note ?? ""
                print("Run \(request.run ?? "?") ended: \(ApprovalDisplay.escaped(note))")
                if note.hasPrefix("delivered") { return }
                throw ExitCode(note.hasPrefix("escalated") ? 3 : 2)
            case .expired:
                print("Not run: \(request.note ?? "no cell took the request")")
                throw ExitCode(2)
            }
            try await Task.sleep(for: .milliseconds(300))
        }
        print("Still running after \(wait) s; see `warden runs list`.")
        throw ExitCode(4)
    }
}
