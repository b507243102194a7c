import Foundation
import Logging
import WardenCore

/// Everything a tool call passes through, assembled once by `CellBootstrap` (the composition root): the catalog
/// of the started upstreams, the policy in force with the gates after it, the one pipeline, and the MCP endpoint
/// in front of it. The cell only runs it: listeners, watchers, periodic work.
public struct CallPath: Sendable {
    /// The upstreams, started, and the catalog of their pinned tools.
    public let registry: UpstreamRegistry
    /// The policy and gates in force (swapped when the policy file or the pins change).
    public let gatekeeper: GatekeeperHolder
    /// The one path of every `tools/call`.
    public let pipeline: ToolCallPipeline
    /// The MCP endpoint on the agents listener.
    public let endpoint: MCPHTTPEndpoint
    public let sessions: MCPSessionStore
    public let metrics: GatewayMetrics
    let authRefusals: AuthRefusalRecorder
    /// Watches the policy file (nil with the `roles:` table) and the pins; SIGHUP re-reads both.
    let policyWatcher: PolicyFileWatcher?
    let policyText: String?
    let pinWatcher: ToolPinWatcher
}
