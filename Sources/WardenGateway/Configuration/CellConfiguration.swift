import WardenChannels
import WardenCore
import WardenGrants

/// Everything one tenant cell needs to run. One file per cell; see docs/configuration.md.
public struct CellConfiguration: Sendable {
    /// The tenant this cell serves. Set here, never taken from a request.
    public var tenant: String
    /// Where the cell keeps its database, keys, ledger and pins (absolute path).
    public var dataDirectory: String
    /// The canonical base URI agents use to reach the cell (RFC 8707 resource is `publicURL + /mcp`).
    public var publicURL: String
    public var agentListener: ListenerConfiguration
    public var adminListener: ListenerConfiguration?
    public var limits: Limits
    public var mcp: MCPSettings
    /// The external OAuth issuer; nil means the cell runs its own development issuer (loudly).
    public var auth: AuthSettings?
    public var upstreams: [UpstreamConfiguration]
    /// Interim role → effect class table (used when no Cedar policy file is configured).
    public var roles: [String: Set<EffectClass>]
    /// The Cedar policy file; when set it decides every call and listing instead of `roles`.
    public var policyFile: String? = nil
    /// Warden's own outbound channels, offered as the built-in upstream `warden`.
    public var channels = ChannelSettings()
    /// Witnesses the cell submits its ledger checkpoints to (C2SP tlog-witness).
    public var witnesses: [WitnessSettings] = []
    /// How redacted values read in logs, ledger entries and spans.
    public var redactionMode: RedactionMode = .label
    /// The delivery contract: which runs must deliver, run limits, where escalations go.
    public var delivery = DeliverySettings()
    /// Where the cell exports tool-call traces (OTLP/HTTP JSON); nil: no tracing.
    public var tracing: TracingSettings? = nil
    /// Explicit rules under which the cell mints a send grant itself (trusted recipients), in order.
    public var autoGrants: [AutoGrantRule] = []
    /// Injection containment: the tenant's trusted directory values, and whether the built-in rules are on.
    public var containment = ContainmentSettings()
    /// Approvals: spend budgets, how long a held call waits (`approvals:`, ApprovalConfiguration.swift).
    public var approvals = ApprovalSettings()
    /// The approvers' web inbox on its own listener; nil: no inbox (`inbox:`, InboxConfiguration.swift).
    public var inbox: InboxSettings? = nil
    /// Warden's own agents (`agents:`), run on their schedules through the cell's call pipeline.
    public var agents: [AgentDefinition] = []
    /// SHA-256 (hex) of the configuration text this was parsed from (recorded in `cell.started`).
    public var sourceDigest: String? = nil
    /// Path of the file this was loaded from, for messages.
    public var sourceFile: String?

    /// The RFC 8707 resource identifier of the MCP endpoint: the audience tokens must carry.
    public var resourceURI: String { auth?.audience ?? (trimmedPublicURL + "/mcp") }

    var trimmedPublicURL: String {
        publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL
    }
}

/// One listening socket and who may connect to it.
public struct ListenerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Sources allowed to connect. Empty refuses everyone.
    public var allowlist: IngressAllowlist
    public var tls: TLSSettings?

    public init(host: String, port: Int, allowlist: IngressAllowlist, tls: TLSSettings? = nil) {
        self.host = host
        self.port = port
        self.allowlist = allowlist
        self.tls = tls
    }
}

public struct TLSSettings: Sendable {
    public var certificatePath: String
    public var privateKeyPath: String
    /// When set, clients must present a certificate signed by this CA (mTLS).
    public var clientCAPath: String?
}

/// Resource limits applied to every request on the agent listener.
public struct Limits: Sendable {
    public var maxBodyBytes = 1 << 20
    public var maxHeaderBytes = 32 << 10
    /// A request's head and body must arrive within this many seconds (slow clients are cut off).
    public var readTimeoutSeconds = 10
    public var idleTimeoutSeconds = 60
    public var maxConnections = 512
    public var upstreamTimeoutSeconds = 30
    /// Tool calls one agent (token subject) may make per minute; more get a JSON-RPC error (`limits.agent-rate`).
    public var toolCallsPerMinute = 600

    public init() {}
}

public struct MCPSettings: Sendable {
    /// `Origin` values accepted from browsers; a request with any other Origin is refused (403).
    public var allowedOrigins: Set<String> = []
    /// A session unused for this long ends; later requests on it get 404.
    public var sessionIdleSeconds = 1800
    public var maxSessions = 10_000
    /// Sessions one subject may hold; opening another closes its own least recently used one.
    public var maxSessionsPerSubject = 32
    /// How often upstream tool definitions are re-read (and compared with their pins) between listings.
    public var catalogRefreshSeconds = 30
    /// `server_timing: true`: each answer carries `Server-Timing: warden;dur=…, upstream;dur=…` (milliseconds), the
    /// gateway's own time and the upstream's, for measuring Warden's cost per call (off by default: it tells a
    /// caller how long upstreams take).
    public var serverTiming = false

    public init() {}
}

/// The external authorization server whose access tokens the cell accepts.
public struct AuthSettings: Sendable {
    public var issuer: String
    public var audience: String?
    /// Further `aud` values that name this server (Entra ID v2 tokens carry the application id).
    public var additionalAudiences: [String] = []
    public var jwksURI: String?
    public var algorithms: [String] = ["RS256", "ES256", "EdDSA"]
    public var roleClaims: [String] = ["roles"]
    public var scopeClaim: String? = "scp"
    public var subjectClaim = "sub"
    public var tenantClaim: String?
    /// When set, tokens must carry this value in `tenantClaim` (Entra ID `tid` binding).
    public var tenantID: String?
    public var requiredScopes: [String] = []
    public var clockSkewSeconds = 60
    /// Permit a plain-http issuer on a loopback address (tests and local IdPs only).
    public var allowLoopbackHTTP = false
    /// RFC 9068: access tokens must carry `typ: at+jwt`. Off only for IdPs that do not type their access tokens
    /// (Entra ID v2); then tokens with ID-token claims (`nonce`, `at_hash`, `c_hash`) are refused and `aud` must
    /// still name this resource exactly, which an ID token (audience = the client) never does.
    public var requireAccessTokenType = true

    public init(issuer: String) {
        self.issuer = issuer
    }
}

/// How Warden reaches one upstream MCP server, and how each of its tools is classified.
public struct UpstreamConfiguration: Sendable {
    public enum Transport: Sendable {
        case stdio(command: [String], environment: [String: SecretTemplate], workingDirectory: String?)
        case http(url: String, headers: [String: SecretTemplate])
        /// The demo upstream compiled into Warden, for the quick start.
        case builtinDemo
        /// Warden's own outbound channels (configured under `channels:`).
        case channels
    }

    public var name: String
    public var transport: Transport
    /// Tool name (without the server prefix) → effect class. A tool not listed here is denied.
    public var tools: [String: EffectClass]
    /// For `send` tools: which arguments carry recipients, and of what kind. Required for every send tool.
    public var recipientFields: [String: [String: RecipientKind]]
    /// For `send` tools: address-like arguments an admin declared are not recipients (e.g. a `reply_to` shown
    /// in the body). Every address-like argument of a send tool is one or the other, or the tool is refused.
    public var nonRecipientFields: [String: Set<String>]
    /// Per tool: whether its output is trusted, and which arguments containment judges (unlabelled: untrusted
    /// output, every argument critical).
    public var containment: [String: ToolContainment]

    public init(
        name: String,
        transport: Transport,
        tools: [String: EffectClass],
        recipientFields: [String: [String: RecipientKind]] = [:],
        nonRecipientFields: [String: Set<String>] = [:],
        containment: [String: ToolContainment] = [:]
    ) {
        self.name = name
        self.transport = transport
        self.tools = tools
        self.recipientFields = recipientFields
        self.nonRecipientFields = nonRecipientFields
        self.containment = containment
    }
}

/// Warden's own outbound channels (tools `warden.send_email`, `warden.post_webhook`), each send-classified
/// and so gated by send grants like any other send tool.
public struct ChannelSettings: Sendable {
    public struct Email: Sendable {
        public var host: String
        public var port: Int
        public var security: SMTPSecurity
        public var username: SecretTemplate?
        public var password: SecretTemplate?
        public var from: String
        /// Trust roots for the SMTP server's certificate (default: the system's).
        public var caFile: String?
    }

    public struct Webhook: Sendable {
        public var signingKey: SecretTemplate
        public var allowPlaintextLoopback: Bool
        /// Non-public IPv4 ranges a webhook URL may name (`allow_networks`); none by default.
        public var allowedNetworks: [WebhookAddressPolicy.Network] = []
    }

    public var email: Email?
    public var webhook: Webhook?

    public init() {}
}

/// `containment:` — values the tenant trusts for every run, and the built-in containment rules.
public struct ContainmentSettings: Sendable {
    /// The tenant's directory: known suppliers' accounts, contacts, partner URLs. A critical argument equal to one
    /// of these is backed by a trusted source in every run.
    public var trustedValues: [String] = []
    /// The built-in rules (hold a consequential call whose critical arguments only untrusted content backs). Off
    /// only with `override_reason`, and the override is a ledger entry at every start.
    public var builtinRules = true
    public var overrideReason: String?
    /// `instructed_runs: hold` (default): a consequential call in a run that read instruction-like untrusted text
    /// needs a person even when its values are trusted; `allow` judges values only.
    public var holdInstructedRuns = true
    /// `directed_values: hold` (default): a consequential call needs a person when untrusted content asked for an
    /// action on one of its critical values ("please reserve Montmartre Suites") and the run's task asks for no such
    /// action; `allow` judges values only.
    public var holdDirectedValues = true
    /// `unasked_actions: hold` (default): a consequential call in a run that read untrusted content needs a person
    /// when the run's task asks for no action at all ("summarise the report"); `allow` judges values only.
    public var holdUnaskedActions = true
    /// `outside_task: hold` (default): in a run that read untrusted content, a consequential call needs a person when
    /// a critical identifier has the form of identifiers the task names but is none of them ("pay CVS-88231" and the
    /// call pays CVS-88120); `allow` judges values only.
    public var holdOutsideTask = true
    /// `task_limits: hold` (default): in a run that read untrusted content, a consequential call needs a person when
    /// the task rules out what it does ("don't change anything", "no attachments") or the run already made the same
    /// call (same tool and critical values); `allow` judges values only.
    public var holdTaskLimits = true

    public init() {}
}

/// How Warden's SMTP channel protects its connection.
public enum SMTPSecurity: String, Sendable {
    /// STARTTLS before anything else (the default); a server that does not offer it is refused.
    case startTLS = "starttls"
    /// TLS from the first byte (SMTPS).
    case implicitTLS = "implicit-tls"
    /// No TLS: only to a test server on a loopback address.
    case plaintextLoopback = "plaintext-loopback"
}

/// One witness of the cell's ledger: where it serves `add-checkpoint` and the key its cosignatures verify with.
public struct WitnessSettings: Sendable {
    /// Base URL; the cell posts to `<url>/add-checkpoint`.
    public var url: String
    /// The witness's verifier key (`name+keyid+base64`, cosignature type).
    public var verifierKey: String
    /// Allows `http` to a non-loopback host (default: https, or http only on loopback).
    public var allowInsecureHTTP: Bool
}

/// OpenTelemetry trace export (OTLP over HTTP with the JSON encoding).
public struct TracingSettings: Sendable {
    /// The collector's base URL; spans go to `<endpoint>/v1/traces`.
    public var endpoint: String
    /// Extra request headers (e.g. an API key as `${secret://name}`), resolved at run time.
    public var headers: [String: SecretTemplate]
    /// `service.name` of the exported resource.
    public var serviceName: String
    public var allowInsecureHTTP: Bool
}

/// What an argument of a send tool addresses: checked against the send grant after normalisation.
public enum RecipientKind: String, Sendable, Hashable {
    case email
    case webhook
    case channel
}

/// A configuration string that may reference secrets as `${secret://name}`; resolved only at run time.
public struct SecretTemplate: Sendable, Hashable {
    public enum Part: Sendable, Hashable {
        case literal(String)
        case secret(String)
    }

    public var parts: [Part]

    public var secretNames: [String] {
        parts.compactMap { if case .secret(let name) = $0 { name } else { nil } }
    }

    /// Parses `text`; a whole value of `secret://name` is shorthand for `${secret://name}`.
    public init(parsing text: String) throws(SecretReferenceError) {
        if text.hasPrefix("secret://") {
            let name = String(text.dropFirst("secret://".count))
            guard Self.isValidName(name) else { throw SecretReferenceError(reference: text) }
            parts = [.secret(name)]
            return
        }
        var parts: [Part] = []
        var rest = Substring(text)
        while let open = rest.range(of: "${") {
            if open.lowerBound > rest.startIndex { parts.append(.literal(String(rest[..<open.lowerBound]))) }
            guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
                throw SecretReferenceError(reference: String(rest[open.lowerBound...]))
            }
            let reference = String(rest[open.upperBound..<close])
            guard reference.hasPrefix("secret://"), Self.isValidName(String(reference.dropFirst(9))) else {
                throw SecretReferenceError(reference: reference)
            }
            parts.append(.secret(String(reference.dropFirst(9))))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { parts.append(.literal(String(rest))) }
        self.parts = parts
    }

    static func isValidName(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.count <= 128
            && name.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x2E
                    || c == 0x5F || c == 0x2D
            }
    }

    /// The literal text only (what linting inspects for secrets written in by value).
    public var literalText: String {
        parts.map { if case .literal(let s) = $0 { s } else { "" } }.joined()
    }
}

public struct SecretReferenceError: Error, Sendable, CustomStringConvertible {
    public var reference: String
    public var description: String {
        "'\(reference)' is not a valid secret reference (expected secret://name with letters, digits, '.', '_', '-')"
    }
}
