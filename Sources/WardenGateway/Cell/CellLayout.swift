import Foundation

/// The one place that names a cell's files in its data folder (mode 0700). Every store, CLI command and test
/// finds a cell's state through it, so a newcomer sees at a glance what a cell keeps and where.
public struct CellLayout: Sendable, Hashable {
    public let dataDirectory: String

    public init(dataDirectory: String) {
        self.dataDirectory = dataDirectory
    }

    func file(_ name: String) -> String { URL(fileURLWithPath: dataDirectory).appendingPathComponent(name).path }

    /// The master key when it is not given in the environment (mode 0600).
    public var masterKey: String { file("master.key") }
    /// The encrypted vault: secrets and the tenant keyring.
    public var vault: String { file("vault.sealed") }
    /// The development issuer's signing key (quick start only).
    public var developmentIssuerKey: String { file("dev-issuer-key.pem") }
    /// The tamper-evident ledger (C2SP tlog-tiles).
    public var ledger: String { file("ledger") }
    /// The newest checkpoint each witness cosigned.
    public var witnesses: String { file("witnesses") }
    /// Approved tool definitions and their digests.
    public var toolPins: String { file("tool-pins.json") }
    /// Used grant nonces and grants attached to exact actions.
    public var grants: String { file("grants.sqlite") }
    /// Held actions and their decisions (actions sealed).
    public var approvals: String { file("approvals.sqlite") }
    /// Runs, their events and escalation notices.
    public var runs: String { file("runs.sqlite") }
    /// Warden's own agents: each schedule slot's fate, and runs people asked for.
    public var agents: String { file("agents.sqlite") }
    /// What the built-in demo upstream "sent".
    public var demoOutbox: String { file("demo-outbox.jsonl") }
}

extension CellConfiguration {
    public var layout: CellLayout { CellLayout(dataDirectory: dataDirectory) }
}
