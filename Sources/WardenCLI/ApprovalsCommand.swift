import ArgumentParser
import Foundation
import WardenGateway

struct ApprovalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals",
        abstract: "Held actions waiting for a person: list them, approve or deny one.",
        subcommands: [ListApprovals.self, DecideApproval.Approve.self, DecideApproval.Deny.self]
    )
}

struct ListApprovals: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Pending approval requests.")
    @OptionGroup var cell: CellOptions

    func run() async throws {
        let configuration = try cell.load()
        let store = try ApprovalStore(path: ApprovalStore.path(dataDirectory: configuration.dataDirectory))
        for request in try await store.pending(now: Date()) {
            print(
                "\(request.id)  \(request.tool)  agent \(request.agent)  action \(request.actionDigest.prefix(16))…  "
                    + "expires \(request.expiresAt.formatted(.iso8601))")
        }
    }
}

enum DecideApproval {
    static func decide(cell: CellOptions, id: String, approver: String, approve: Bool) async throws {
        let configuration = try cell.load()
        let store = try ApprovalStore(path: ApprovalStore.path(dataDirectory: configuration.dataDirectory))
        do {
            let decided = try await store.decide(id: id, approver: approver, approve: approve, now: Date())
            print("\(decided.id) \(decided.state.rawValue) by \(approver): \(decided.tool) for \(decided.agent)")
        } catch let error as ApprovalError {
            throw ValidationError(error.description)
        }
    }

    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "approve",
            abstract: "Approve one held action: the agent's identical call then runs, once."
        )
        @OptionGroup var cell: CellOptions
        @Argument(help: "The approval request id (apr-…).") var id: String
        @Option(help: "Who approves (recorded; must not be the agent whose call was held).") var approver: String

        func run() async throws {
            try await DecideApproval.decide(cell: cell, id: id, approver: approver, approve: true)
        }
    }

    struct Deny: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "deny", abstract: "Deny one held action.")
        @OptionGroup var cell: CellOptions
        @Argument(help: "The approval request id (apr-…).") var id: String
        @Option(help: "Who denies (recorded).") var approver: String

        func run() async throws {
            try await DecideApproval.decide(cell: cell, id: id, approver: approver, approve: false)
        }
    }
}
