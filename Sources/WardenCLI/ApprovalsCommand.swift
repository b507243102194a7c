import ArgumentParser
import Foundation
import WardenGateway
import WardenGrants

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
        let decided: ApprovalRequest
        do {
            decided = try await store.decide(id: id, approver: approver, approve: approve, now: Date())
        } catch let error as ApprovalError {
            throw ValidationError(error.description)
        }
        print("\(decided.id) \(decided.state.rawValue) by \(approver): \(decided.tool) for \(decided.agent)")
        if approve, let send = decided.send {
            try await attachGrant(for: decided, send: send, configuration: configuration)
            print("a grant for \(send.recipients.count) recipient(s) is attached to the agent's identical call")
        }
    }

    /// An approved send: mint a grant for exactly the held recipients and content, minted by this approval, and
    /// attach it to the agent's identical call (the agent never handles it).
    static func attachGrant(for request: ApprovalRequest, send: HeldSend, configuration: CellConfiguration)
        async throws
    {
        let keys = try await CellKeys.open(
            dataDirectory: configuration.dataDirectory, tenant: configuration.tenant, createKeyFile: false)
        let recipients = try send.recipients.map { try Recipient(canonical: $0) }
        let now = Date()
        let minted = try GrantMinter(keys: keys.grantKeys).mint(
            tenant: configuration.tenant, mintedBy: GrantOrigin(.approval, id: request.id), agent: request.agent,
            tool: request.tool, recipients: recipients, contentDigest: ContentDigest(hex: send.contentDigest),
            notBefore: now, expiresAt: request.expiresAt)
        try await SQLiteNonceStore(path: configuration.dataDirectory + "/grants.sqlite").attach(
            token: minted.token, actionDigest: request.actionDigest, agent: request.agent,
            expiresAt: request.expiresAt)
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
