import ArgumentParser
import Foundation
import WardenCore
import WardenGateway

struct ApprovalsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approvals",
        abstract: "Held actions waiting for a person: list them, show one in full, approve or deny it.",
        subcommands: [ListApprovals.self, ShowApproval.self, DecideApproval.Approve.self, DecideApproval.Deny.self]
    )

    /// The cell's approval service (needs the cell's keys: actions are sealed at rest).
    static func service(_ cell: CellOptions) async throws -> ApprovalService {
        let configuration = try cell.load()
        let keys = try await CellKeys.open(
            dataDirectory: configuration.dataDirectory, tenant: configuration.tenant, createKeyFile: false)
        return try ApprovalService(configuration: configuration, keys: keys)
    }
}

extension ApprovalRequest {
    /// The lines a person reads: who, what, to whom, how much, and every argument (cut at `width` in the list).
    func summary(width: Int?) -> [String] {
        var lines = [
            "\(id)  \(state.rawValue)  \(tool)  agent \(ApprovalDisplay.escaped(agent))  "
                + "expires \(ISO8601DateFormatter().string(from: expiresAt))"
        ]
        guard let action else {
            return lines + ["  the action cannot be read (unknown key or altered record): it cannot be decided"]
        }
        if case .array(let recipients)? = action["recipients"] {
            lines.append("  recipients: " + recipients.map { ApprovalDisplay.text($0) }.joined(separator: ", "))
        }
        if let amount = action["arguments"]?["amount"] {
            lines.append("  amount: \(ApprovalDisplay.text(amount))")
        }
        // Why containment asked: where each critical value came from (escaped: values are agent-written).
        if case .array(let reasons)? = action["reasons"] {
            for line in reasons { lines.append("  held because: " + ApprovalDisplay.escaped(line.stringValue ?? "")) }
        }
        if case .array(let provenance)? = action["provenance"] {
            for line in provenance { lines.append("  provenance: " + ApprovalDisplay.escaped(line.stringValue ?? "")) }
        }
        lines += ApprovalDisplay.argumentLines(action, width: width).map { "  " + $0 }
        return lines
    }
}

struct ListApprovals: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "Pending approval requests, with recipients, amount and every argument.")
    @OptionGroup var cell: CellOptions

    func run() async throws {
        let service = try await ApprovalsCommand.service(cell)
        for request in try await service.store.pending(now: Date()) {
            print(request.summary(width: 60).joined(separator: "\n"))
        }
    }
}

struct ShowApproval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One request in full: the exact action, in canonical form.")
    @OptionGroup var cell: CellOptions
    @Argument(help: "The approval request id (apr-…).") var id: String

    func run() async throws {
        let service = try await ApprovalsCommand.service(cell)
        guard let request = try await service.store.request(id: id) else {
            throw ValidationError("no approval request \(id)")
        }
        print(request.summary(width: nil).joined(separator: "\n"))
        for earlier in try await service.store.earlierDecisions(of: request) {
            let when = earlier.decidedAt.map { ISO8601DateFormatter().string(from: $0) } ?? "?"
            print(
                "  WARNING: this exact action was \(earlier.state.rawValue) before as \(earlier.id) by "
                    + "\(ApprovalDisplay.escaped(earlier.approver ?? "?")) at \(when); approving again lets it run again"
            )
        }
        print("  action sha256: \(request.actionDigest)")
        if let action = request.action { print("  canonical action: \(ApprovalDisplay.text(action))") }
        if let approver = request.approver {
            let when = request.decidedAt.map { ISO8601DateFormatter().string(from: $0) } ?? "?"
            print(
                "  decided by \(ApprovalDisplay.escaped(approver)) at \(when)"
                    + (request.reason.map { ": \(ApprovalDisplay.escaped($0))" } ?? ""))
        }
    }
}

enum DecideApproval {
    static func decide(cell: CellOptions, id: String, approver: String, approve: Bool, reason: String?) async throws {
        let service = try await ApprovalsCommand.service(cell)
        let decided: ApprovalRequest
        do {
            decided = try await service.decide(id: id, approver: approver, approve: approve, reason: reason)
        } catch let error as ApprovalError {
            throw ValidationError(error.description)
        }
        print("\(decided.id) \(decided.state.rawValue) by \(approver):")
        print(decided.summary(width: nil).dropFirst().joined(separator: "\n"))
        if approve, let send = decided.send {
            print(
                "a grant for \(send.recipients.count) recipient(s) is attached to the agent's identical call "
                    + "(exactly these recipients and this content)"
            )
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
        @Option(help: "Why (recorded).") var reason: String?

        func run() async throws {
            try await DecideApproval.decide(cell: cell, id: id, approver: approver, approve: true, reason: reason)
        }
    }

    struct Deny: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "deny", abstract: "Deny one held action.")
        @OptionGroup var cell: CellOptions
        @Argument(help: "The approval request id (apr-…).") var id: String
        @Option(help: "Who denies (recorded).") var approver: String
        @Option(help: "Why (recorded, and shown to the agent).") var reason: String?

        func run() async throws {
            try await DecideApproval.decide(cell: cell, id: id, approver: approver, approve: false, reason: reason)
        }
    }
}
