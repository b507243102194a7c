import Foundation
import WardenChannels
import WardenCore
import WardenGrants
import WardenLedger

/// Loads and validates a cell's YAML configuration. Unknown keys, wrong types, out-of-range values and
/// literal secrets are errors naming the file, line and key; nothing is defaulted silently except what the
/// reference documents as a default.
public enum ConfigurationLoader {
    /// Finds values that look like secrets written in by value: given the dotted key and the literal text,
    /// returns what kind of secret it looks like, or nil (wired to the redaction detectors).
    public typealias LiteralSecretDetector = @Sendable (_ key: String, _ value: String) -> String?

    public static func load(
        path: String,
        literalSecretDetector: LiteralSecretDetector? = nil
    ) throws(ConfigurationError) -> CellConfiguration {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigurationError(file: path, line: 0, column: 0, key: "", message: "cannot read the file")
        }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(text, file: path, baseDirectory: base, literalSecretDetector: literalSecretDetector)
    }

    public static func parse(
        _ text: String,
        file: String,
        baseDirectory: String,
        literalSecretDetector: LiteralSecretDetector? = nil
    ) throws(ConfigurationError) -> CellConfiguration {
        let root = try YAMLReader.parse(text, file: file)
        if let literalSecretDetector { try root.refuseLiteralSecrets(literalSecretDetector) }
        var top = try root.mapping()

        let tenantReader = try top.required("tenant")
        let tenant = try tenantReader.nonEmptyString()
        guard QualifiedToolName.isValidPart(Substring(tenant)) else {
            throw tenantReader.error("tenant ids use letters, digits, '_' and '-' only")
        }
        let dataDirectory = resolvePath(
            try top.optional("data_dir")?.nonEmptyString() ?? ".warden/\(tenant)", base: baseDirectory)

        guard let listenersReader = top.optional("listeners") else {
            throw root.error("missing required key 'listeners' (at least listeners.agents)")
        }
        var listeners = try listenersReader.mapping()
        let agents = try listener(try listeners.required("agents"), base: baseDirectory)
        let admin = try listeners.optional("admin").map { r throws(ConfigurationError) in
            try listener(r, base: baseDirectory)
        }
        try listeners.finish()

        let publicURLReader = top.optional("public_url")
        let publicURL = try publicURLReader?.nonEmptyString() ?? "http://\(agents.host):\(agents.port)"
        if let publicURLReader { try requireURL(publicURL, reader: publicURLReader) }

        var limits = Limits()
        if let limitsReader = top.optional("limits") {
            var m = try limitsReader.mapping()
            if let r = m.optional("max_body_bytes") { limits.maxBodyBytes = try r.integer(in: 1024...(64 << 20)) }
            if let r = m.optional("tool_calls_per_minute") {
                limits.toolCallsPerMinute = try r.integer(in: 1...1_000_000)
            }
            if let r = m.optional("max_header_bytes") { limits.maxHeaderBytes = try r.integer(in: 1024...(1 << 20)) }
            if let r = m.optional("read_timeout_seconds") { limits.readTimeoutSeconds = try r.integer(in: 1...600) }
            if let r = m.optional("idle_timeout_seconds") { limits.idleTimeoutSeconds = try r.integer(in: 1...3600) }
            if let r = m.optional("max_connections") { limits.maxConnections = try r.integer(in: 1...100_000) }
            if let r = m.optional("upstream_timeout_seconds") {
                limits.upstreamTimeoutSeconds = try r.integer(in: 1...3600)
            }
            try m.finish()
        }

        var mcp = MCPSettings()
        if let mcpReader = top.optional("mcp") {
            var m = try mcpReader.mapping()
            if let r = m.optional("allowed_origins") { mcp.allowedOrigins = Set(try r.stringList()) }
            if let r = m.optional("session_idle_seconds") { mcp.sessionIdleSeconds = try r.integer(in: 10...86_400) }
            if let r = m.optional("max_sessions") { mcp.maxSessions = try r.integer(in: 1...1_000_000) }
            if let r = m.optional("max_sessions_per_subject") {
                mcp.maxSessionsPerSubject = try r.integer(in: 1...1_000_000)
            }
            if let r = m.optional("catalog_refresh_seconds") { mcp.catalogRefreshSeconds = try r.integer(in: 1...3600) }
            if let r = m.optional("server_timing") { mcp.serverTiming = try r.bool() }
            try m.finish()
        }

        let auth = try top.optional("auth").map { r throws(ConfigurationError) in try authSettings(r) }

        var upstreams: [UpstreamConfiguration] = []
        if let upstreamsReader = top.optional("upstreams") {
            var m = try upstreamsReader.mapping()
            for (name, reader) in m.all() {
                guard QualifiedToolName.isValidPart(Substring(name)) else {
                    throw reader.error("upstream names use letters, digits, '_' and '-' only")
                }
                upstreams.append(try upstream(name: name, reader, base: baseDirectory))
            }
            try m.finish()
        }

        var roles: [String: Set<EffectClass>] = [:]
        if let rolesReader = top.optional("roles") {
            var m = try rolesReader.mapping()
            for (role, reader) in m.all() {
                var classes: Set<EffectClass> = []
                for element in try reader.sequence() {
                    let name = try element.nonEmptyString()
                    guard let effect = EffectClass(rawValue: name) else {
                        throw element.error("unknown effect class '\(name)' (expected read, mutate, send or spend)")
                    }
                    classes.insert(effect)
                }
                roles[role] = classes
            }
            try m.finish()
        }
        var policyFile: String?
        if let policyReader = top.optional("policy") {
            var m = try policyReader.mapping()
            policyFile = resolvePath(try m.required("file").nonEmptyString(), base: baseDirectory)
            try m.finish()
            if !roles.isEmpty {
                throw policyReader.error("use either `roles` (the interim table) or `policy` (Cedar), not both")
            }
        }
        var channels = ChannelSettings()
        if let channelsReader = top.optional("channels") {
            var m = try channelsReader.mapping()
            if let emailReader = m.optional("email") {
                var e = try emailReader.mapping()
                let (smtpHost, smtpPort) = try e.required("smtp").hostAndPort(
                    ports: 1...65535,
                    example: "smtp.example.com:587"
                )
                let securityReader = e.optional("security")
                let securityName = try securityReader?.nonEmptyString() ?? SMTPSecurity.startTLS.rawValue
                guard let security = SMTPSecurity(rawValue: securityName) else {
                    throw (securityReader ?? emailReader).error(
                        "unknown security '\(securityName)' (expected starttls, implicit-tls or plaintext-loopback)"
                    )
                }
                let username = try e.optional("username")?.secretTemplate()
                let password = try e.optional("password")?.secretTemplate()
                if (username == nil) != (password == nil) {
                    throw emailReader.error("give both username and password, or neither")
                }
                channels.email = ChannelSettings.Email(
                    host: smtpHost,
                    port: smtpPort,
                    security: security,
                    username: username,
                    password: password,
                    from: try e.required("from").nonEmptyString(),
                    caFile: try e.optional("ca_file").map { r throws(ConfigurationError) in
                        resolvePath(try r.nonEmptyString(), base: baseDirectory)
                    }
                )
                try e.finish()
            }
            if let webhookReader = m.optional("webhook") {
                var w = try webhookReader.mapping()
                let keyReader = try w.required("signing_key")
                let key = try keyReader.secretTemplate()
                guard key.secretNames.count == 1, key.literalText.isEmpty else {
                    throw keyReader.error("signing_key must be exactly one secret://name reference")
                }
                var webhook = ChannelSettings.Webhook(
                    signingKey: key,
                    allowPlaintextLoopback: try w.optional("allow_plaintext_loopback")?.bool() ?? false
                )
                if let networksReader = w.optional("allow_networks") {
                    for cidr in try networksReader.stringList() {
                        guard let network = WebhookAddressPolicy.Network(cidr: cidr) else {
                            throw networksReader.error("'\(cidr)' is not an IPv4 network (a.b.c.d/prefix)")
                        }
                        webhook.allowedNetworks.append(network)
                    }
                }
                channels.webhook = webhook
                try w.finish()
            }
            try m.finish()
        }
        if channels.email != nil || channels.webhook != nil, upstreams.contains(where: { $0.name == "warden" }) {
            throw root.error("the upstream name 'warden' is reserved for Warden's own channels")
        }
        let grantsReader = top.optional("grants")
        var witnesses: [WitnessSettings] = []
        if let ledgerReader = top.optional("ledger") {
            var m = try ledgerReader.mapping()
            if let witnessesReader = m.optional("witnesses") {
                for element in try witnessesReader.sequence() {
                    witnesses.append(try witness(element))
                }
            }
            try m.finish()
        }
        var tracing: TracingSettings?
        var redactionMode = RedactionMode.label
        if let observabilityReader = top.optional("observability") {
            var m = try observabilityReader.mapping()
            if let redactionReader = m.optional("redaction") {
                let name = try redactionReader.nonEmptyString()
                guard let mode = RedactionMode(rawValue: name) else {
                    throw redactionReader.error("unknown redaction '\(name)' (expected label or keyed-hash)")
                }
                redactionMode = mode
            }
            if let tracingReader = m.optional("tracing") {
                var t = try tracingReader.mapping()
                let endpointReader = try t.required("endpoint")
                let endpoint = try endpointReader.nonEmptyString()
                try requireURL(endpoint, reader: endpointReader)
                tracing = TracingSettings(
                    endpoint: endpoint,
                    headers: try templates(t.optional("headers")),
                    serviceName: try t.optional("service_name")?.nonEmptyString() ?? "warden",
                    allowInsecureHTTP: try t.optional("allow_insecure_http")?.bool() ?? false
                )
                try t.finish()
            }
            try m.finish()
        }
        let delivery = try deliverySettings(top.optional("delivery"), channels: channels)
        let containment = try containmentSettings(top.optional("containment"), base: baseDirectory)
        let approvalsReader = top.optional("approvals")
        let approvalSettings = try approvalSettings(approvalsReader, channels: channels)
        let inbox = try inboxSettings(top.optional("inbox"), base: baseDirectory)
        var approvalsWithAgents = approvalSettings
        let agentsReader = top.optional("agents")
        let agentDefinitions = try agentDefinitions(
            agentsReader, base: baseDirectory, roles: roles, rolesFromTable: policyFile == nil,
            delivery: delivery, channels: channels)
        for agent in agentDefinitions where !agent.limits.spendPerRun.isEmpty || !agent.limits.spendPerDay.isEmpty {
            approvalsWithAgents.agentBudgets[agent.subject] = SpendBudgets(
                perRun: agent.limits.spendPerRun, perDay: agent.limits.spendPerDay)
        }
        // A budget judges every spend of every agent: each spend tool must say where its amount is, or every spend
        // would be refused at run time (`budget.amount-undeclared`).
        if approvalsWithAgents.hasBudgets {
            let spendTools = upstreams.flatMap { upstream in
                upstream.tools.filter { $0.value == .spend }.map { "\(upstream.name).\($0.key)" }
            }
            let undeclared = spendTools.filter { approvalsWithAgents.spendAmounts[$0] == nil }.sorted()
            if !undeclared.isEmpty, let location = approvalsReader ?? agentsReader {
                throw location.error(
                    "spend budgets judge every spend: approvals.spend_amounts must name the amount of "
                        + undeclared.joined(separator: ", "))
            }
        }
        // Warden's own agents wait for a person's decision on held calls: someone must be told a call waits.
        let agentsMayBeHeld = agentDefinitions.contains { agent in
            policyFile != nil || !(roles[agent.role] ?? []).isDisjoint(with: [.mutate, .send, .spend])
        }
        if agentsMayBeHeld, approvalsWithAgents.notify == nil, let agentsReader {
            throw agentsReader.error(
                "agents whose calls can be held wait for a person: set approvals.notify so approvers are told")
        }
        try top.finish()

        var configuration = CellConfiguration(
            tenant: tenant,
            dataDirectory: dataDirectory,
            publicURL: publicURL,
            agentListener: agents,
            adminListener: admin,
            limits: limits,
            mcp: mcp,
            auth: auth,
            upstreams: upstreams,
            roles: roles,
            sourceFile: file
        )
        configuration.sourceDigest = Digest.sha256Hex(Array(text.utf8))
        configuration.policyFile = policyFile
        configuration.channels = channels
        configuration.witnesses = witnesses
        configuration.tracing = tracing
        configuration.redactionMode = redactionMode
        configuration.delivery = delivery
        configuration.containment = containment
        configuration.approvals = approvalsWithAgents
        configuration.inbox = inbox
        configuration.agents = agentDefinitions
        if channels.email != nil || channels.webhook != nil {
            // The channels are an upstream like any other: classified send, with their recipient arguments.
            var tools: [String: EffectClass] = [:]
            var fields: [String: [String: RecipientKind]] = [:]
            if channels.email != nil {
                tools["send_email"] = .send
                fields["send_email"] = ["to": .email, "cc": .email, "bcc": .email]
            }
            if channels.webhook != nil {
                tools["post_webhook"] = .send
                fields["post_webhook"] = ["url": .webhook]
            }
            configuration.upstreams.append(
                UpstreamConfiguration(
                    name: "warden", transport: .channels, tools: tools, recipientFields: fields,
                    // Subjects, bodies and the webhook's payload are content (bound by the grant's content digest).
                    nonRecipientFields: ["send_email": ["subject", "body"], "post_webhook": ["payload"]],
                    // Their results are Warden's own status lines; recipients are what containment judges.
                    containment: [
                        "send_email": ToolContainment(outputTrusted: true, criticalArguments: ["to", "cc", "bcc"]),
                        "post_webhook": ToolContainment(outputTrusted: true, criticalArguments: ["url"]),
                    ])
            )
        }
        if let grantsReader {
            let sendTools = Set(
                configuration.upstreams.flatMap { upstream in
                    upstream.tools.filter { $0.value == .send }.map { "\(upstream.name).\($0.key)" }
                })
            configuration.autoGrants = try autoGrantRules(
                grantsReader, base: baseDirectory, sendTools: sendTools,
                normalizer: RecipientNormalizer(
                    allowInsecureWebhooks: channels.webhook?.allowPlaintextLoopback ?? false)
            )
        }
        return configuration
    }

    static func witness(_ reader: YAMLReader) throws(ConfigurationError) -> WitnessSettings {
        var m = try reader.mapping()
        let urlReader = try m.required("url")
        let url = try urlReader.nonEmptyString()
        try requireURL(url, reader: urlReader)
        let keyReader = try m.required("key")
        let key = try keyReader.nonEmptyString()
        do {
            _ = try Ed25519CosignatureVerifier(verifierKey: key)
        } catch {
            throw keyReader.error("not a witness verifier key (name+keyid+base64): \(error)")
        }
        let settings = WitnessSettings(
            url: url, verifierKey: key, allowInsecureHTTP: try m.optional("allow_insecure_http")?.bool() ?? false)
        try m.finish()
        return settings
    }

    static func resolvePath(_ path: String, base: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: base).appendingPathComponent(path).standardizedFileURL.path
    }

    static func requireURL(_ text: String, reader: YAMLReader) throws(ConfigurationError) {
        guard let url = URL(string: text), let scheme = url.scheme, ["http", "https"].contains(scheme),
            url.host != nil, url.query == nil, url.fragment == nil
        else { throw reader.error("expected an http(s) URL without query or fragment") }
    }

    static func listener(_ reader: YAMLReader, base: String) throws(ConfigurationError) -> ListenerConfiguration {
        var m = try reader.mapping()
        let (host, port) = try m.required("bind").hostAndPort(ports: 0...65535, example: "127.0.0.1:8790")
        // `allow` is required: a listener without an allowlist would admit nobody, which is never what a
        // file author meant, so say so instead of starting a dead listener.
        let allowReader = try m.required("allow")
        var blocks: [CIDRBlock] = []
        for element in try allowReader.sequence() {
            let text = try element.nonEmptyString()
            guard let block = CIDRBlock(text) else {
                throw element.error("'\(text)' is not a CIDR block (e.g. 10.0.0.0/8, ::1/128; host bits must be zero)")
            }
            blocks.append(block)
        }
        guard !blocks.isEmpty else { throw allowReader.error("an empty allowlist admits nobody; list source networks") }
        var tls: TLSSettings?
        if let tlsReader = m.optional("tls") {
            var t = try tlsReader.mapping()
            tls = TLSSettings(
                certificatePath: resolvePath(try t.required("certificate").nonEmptyString(), base: base),
                privateKeyPath: resolvePath(try t.required("private_key").nonEmptyString(), base: base),
                clientCAPath: try t.optional("client_ca").map { r throws(ConfigurationError) in
                    resolvePath(try r.nonEmptyString(), base: base)
                }
            )
            try t.finish()
        }
        try m.finish()
        return ListenerConfiguration(host: host, port: port, allowlist: IngressAllowlist(blocks), tls: tls)
    }

    static func authSettings(_ reader: YAMLReader) throws(ConfigurationError) -> AuthSettings {
        var m = try reader.mapping()
        let issuerReader = try m.required("issuer")
        var settings = AuthSettings(issuer: try issuerReader.nonEmptyString())
        try requireURL(settings.issuer, reader: issuerReader)
        if let r = m.optional("audience") { settings.audience = try r.nonEmptyString() }
        if let r = m.optional("additional_audiences") { settings.additionalAudiences = try r.stringList() }
        if let r = m.optional("jwks_uri") {
            settings.jwksURI = try r.nonEmptyString()
            try requireURL(settings.jwksURI ?? "", reader: r)
        }
        if let r = m.optional("algorithms") {
            let algorithms = try r.stringList()
            let allowed: Set<String> = [
                "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "EdDSA",
            ]
            for alg in algorithms where !allowed.contains(alg) {
                throw r.error("algorithm '\(alg)' is not allowed (asymmetric algorithms only; never none or HS*)")
            }
            guard !algorithms.isEmpty else { throw r.error("at least one algorithm is required") }
            settings.algorithms = algorithms
        }
        if let r = m.optional("role_claims") { settings.roleClaims = try r.stringList() }
        if let r = m.optional("scope_claim") { settings.scopeClaim = try r.nonEmptyString() }
        if let r = m.optional("subject_claim") { settings.subjectClaim = try r.nonEmptyString() }
        if let r = m.optional("tenant_claim") { settings.tenantClaim = try r.nonEmptyString() }
        if let r = m.optional("tenant_id") { settings.tenantID = try r.nonEmptyString() }
        if settings.tenantID != nil && settings.tenantClaim == nil { settings.tenantClaim = "tid" }
        if let r = m.optional("required_scopes") { settings.requiredScopes = try r.stringList() }
        if let r = m.optional("clock_skew_seconds") { settings.clockSkewSeconds = try r.integer(in: 0...300) }
        if let r = m.optional("allow_loopback_http") { settings.allowLoopbackHTTP = try r.bool() }
        if let r = m.optional("require_access_token_type") { settings.requireAccessTokenType = try r.bool() }
        try m.finish()
        return settings
    }

    static func upstream(
        name: String,
        _ reader: YAMLReader,
        base: String
    ) throws(ConfigurationError) -> UpstreamConfiguration {
        var m = try reader.mapping()
        let transportReader = try m.required("transport")
        let transport: UpstreamConfiguration.Transport
        switch try transportReader.string() {
        case "stdio":
            let command = try m.required("command").stringList()
            guard !command.isEmpty else { throw reader.error("command must name a program") }
            let environment = try templates(m.optional("env"))
            let workingDirectory = try m.optional("working_dir").map { r throws(ConfigurationError) in
                resolvePath(try r.nonEmptyString(), base: base)
            }
            transport = .stdio(command: command, environment: environment, workingDirectory: workingDirectory)
        case "http":
            let urlReader = try m.required("url")
            let url = try urlReader.nonEmptyString()
            try requireURL(url, reader: urlReader)
            transport = .http(url: url, headers: try templates(m.optional("headers")))
        case "builtin-demo":
            transport = .builtinDemo
        case let other:
            throw transportReader.error("unknown transport '\(other)' (expected stdio, http or builtin-demo)")
        }
        var tools: [String: EffectClass] = [:]
        var recipientFields: [String: [String: RecipientKind]] = [:]
        var nonRecipientFields: [String: Set<String>] = [:]
        var containment: [String: ToolContainment] = [:]
        var toolsMap = try m.required("tools").mapping()
        for (tool, toolReader) in toolsMap.all() {
            guard QualifiedToolName.isValidPart(Substring(tool)) else {
                throw toolReader.error("tool names use letters, digits, '_' and '-' only")
            }
            // Either `tool: read` or `tool: {effect: send, recipients: {to: email}, not_recipients: [subject],
            // output: trusted, critical: [to]}`.
            var effectReader = toolReader
            var recipientsReader: YAMLReader?
            var nonRecipientsReader: YAMLReader?
            var outputReader: YAMLReader?
            var criticalReader: YAMLReader?
            if case .mapping = toolReader.node {
                var toolMap = try toolReader.mapping()
                effectReader = try toolMap.required("effect")
                recipientsReader = toolMap.optional("recipients")
                nonRecipientsReader = toolMap.optional("not_recipients")
                outputReader = toolMap.optional("output")
                criticalReader = toolMap.optional("critical")
                try toolMap.finish()
            }
            let value = try effectReader.nonEmptyString()
            guard let effect = EffectClass(rawValue: value) else {
                throw effectReader.error("unknown effect class '\(value)' (expected read, mutate, send or spend)")
            }
            tools[tool] = effect
            var labels = ToolContainment()
            if let outputReader {
                switch try outputReader.nonEmptyString() {
                case "trusted": labels.outputTrusted = true
                case "untrusted": labels.outputTrusted = false
                case let other:
                    throw outputReader.error("unknown output label '\(other)' (expected trusted or untrusted)")
                }
            }
            if let criticalReader {
                guard effect != .read else {
                    throw criticalReader.error("only mutate, send and spend tools have critical arguments")
                }
                let names = try criticalReader.stringList()
                // An empty list would judge nothing; leave the key out to judge every argument.
                guard !names.isEmpty else {
                    throw criticalReader.error("critical: [] judges nothing; name the arguments, or leave it out")
                }
                labels.criticalArguments = Set(names)
            }
            containment[tool] = labels
            if let nonRecipientsReader {
                guard effect == .send else { throw nonRecipientsReader.error("only send tools have not_recipients") }
                let names = try nonRecipientsReader.stringList()
                nonRecipientFields[tool] = Set(names)
            }
            if let recipientsReader {
                guard effect == .send else { throw recipientsReader.error("only send tools have recipients") }
                var fields: [String: RecipientKind] = [:]
                var recipientsMap = try recipientsReader.mapping()
                for (argument, kindReader) in recipientsMap.all() {
                    let kindName = try kindReader.nonEmptyString()
                    guard let kind = RecipientKind(rawValue: kindName) else {
                        throw kindReader.error(
                            "unknown recipient kind '\(kindName)' (expected email, webhook or channel)")
                    }
                    fields[argument] = kind
                }
                try recipientsMap.finish()
                guard !fields.isEmpty else { throw recipientsReader.error("list at least one recipient argument") }
                recipientFields[tool] = fields
            } else if effect == .send {
                // A send tool whose recipients Warden cannot see can never be checked against a grant.
                throw toolReader.error(
                    "send tools must declare their recipient arguments: {effect: send, recipients: {to: email}}")
            }
        }
        try toolsMap.finish()
        try m.finish()
        return UpstreamConfiguration(
            name: name, transport: transport, tools: tools, recipientFields: recipientFields,
            nonRecipientFields: nonRecipientFields, containment: containment)
    }

    /// `containment:` — the tenant's trusted directory values and the built-in rules' switch.
    static func containmentSettings(
        _ reader: YAMLReader?, base: String
    ) throws(ConfigurationError) -> ContainmentSettings {
        var settings = ContainmentSettings()
        guard let reader else { return settings }
        var m = try reader.mapping()
        if let r = m.optional("trusted_values") { settings.trustedValues += try r.stringList() }
        if let r = m.optional("trusted_values_file") {
            let path = resolvePath(try r.nonEmptyString(), base: base)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw r.error("cannot read the trusted values file \(path)")
            }
            for line in text.split(whereSeparator: \.isNewline) {
                let value = line.trimmingCharacters(in: .whitespaces)
                if !value.isEmpty && !value.hasPrefix("#") { settings.trustedValues.append(value) }
            }
        }
        let rulesReader = m.optional("builtin_rules")
        if let rulesReader {
            switch try rulesReader.nonEmptyString() {
            case "on": settings.builtinRules = true
            case "off": settings.builtinRules = false
            case let other: throw rulesReader.error("builtin_rules is on or off, not '\(other)'")
            }
        }
        if let r = m.optional("override_reason") { settings.overrideReason = try r.nonEmptyString() }
        let switches: [(key: String, setting: WritableKeyPath<ContainmentSettings, Bool>)] = [
            ("instructed_runs", \.holdInstructedRuns), ("directed_values", \.holdDirectedValues),
            ("unasked_actions", \.holdUnaskedActions), ("outside_task", \.holdOutsideTask),
            ("task_limits", \.holdTaskLimits),
        ]
        for (key, setting) in switches {
            guard let r = m.optional(key) else { continue }
            switch try r.nonEmptyString() {
            case "hold": settings[keyPath: setting] = true
            case "allow": settings[keyPath: setting] = false
            case let other: throw r.error("\(key) is hold or allow, not '\(other)'")
            }
        }
        try m.finish()
        if !settings.builtinRules, settings.overrideReason == nil {
            throw (rulesReader ?? reader).error(
                "turning the built-in containment rules off needs override_reason (it is recorded in the ledger)")
        }
        return settings
    }

    /// `delivery:` — which runs must deliver, what counts as delivery, run limits, where escalations go.
    static func deliverySettings(
        _ reader: YAMLReader?, channels: ChannelSettings
    ) throws(ConfigurationError) -> DeliverySettings {
        var settings = DeliverySettings()
        guard let reader else { return settings }
        var m = try reader.mapping()
        if let r = m.optional("required_roles") { settings.requiredRoles = Set(try r.stringList()) }
        if let r = m.optional("delivery_tools") {
            for name in try r.stringList() {
                guard QualifiedToolName(parsing: name) != nil else { throw r.error("'\(name)' is not server.tool") }
                settings.deliveryTools.insert(name)
            }
        }
        if let r = m.optional("run_deadline_seconds") { settings.runDeadlineSeconds = try r.integer(in: 10...604_800) }
        if let r = m.optional("run_idle_seconds") { settings.runIdleSeconds = try r.integer(in: 5...86_400) }
        if let r = m.optional("notify_attempts") { settings.maxNotifyAttempts = try r.integer(in: 1...100) }
        if let r = m.optional("notify_window_seconds") { settings.notifyWindowSeconds = try r.integer(in: 0...86_400) }
        if let targetReader = m.optional("escalate_to") {
            settings.escalateTo = try escalationTarget(targetReader, channels: channels)
        }
        try m.finish()
        if !settings.requiredRoles.isEmpty, settings.escalateTo == nil {
            throw reader.error("roles held to the delivery contract need delivery.escalate_to (a person to notify)")
        }
        return settings
    }

    static func templates(_ reader: YAMLReader?) throws(ConfigurationError) -> [String: SecretTemplate] {
        guard let reader else { return [:] }
        var m = try reader.mapping()
        var result: [String: SecretTemplate] = [:]
        for (key, valueReader) in m.all() { result[key] = try valueReader.secretTemplate() }
        try m.finish()
        return result
    }
}
