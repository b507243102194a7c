import WardenCore

extension CellConfiguration {
    /// The configuration `warden serve` runs with when given none: one local tenant, loopback-only
    /// listeners, the built-in demo upstream, and the development issuer (no external IdP).
    public static func quickStart(dataDirectory: String, agentPort: Int = 8790, adminPort: Int = 8791)
        -> CellConfiguration
    {
        let loopback = IngressAllowlist([CIDRBlock("127.0.0.0/8"), CIDRBlock("::1/128")].compactMap { $0 })
        return CellConfiguration(
            tenant: "local",
            dataDirectory: dataDirectory,
            publicURL: "http://127.0.0.1:\(agentPort)",
            agentListener: ListenerConfiguration(host: "127.0.0.1", port: agentPort, allowlist: loopback),
            adminListener: ListenerConfiguration(host: "127.0.0.1", port: adminPort, allowlist: loopback),
            limits: Limits(),
            mcp: MCPSettings(),
            auth: nil,
            upstreams: [
                UpstreamConfiguration(
                    name: "demo",
                    transport: .builtinDemo,
                    tools: BuiltinDemoUpstream.defaultClassification,
                    recipientFields: ["send_email": ["to": .email]],
                    nonRecipientFields: ["send_email": ["subject", "body"]],
                    containment: BuiltinDemoUpstream.defaultContainment
                )
            ],
            roles: ["analyst": [.read], "clerk": [.read, .mutate], "assistant": [.read, .mutate, .send]],
            sourceFile: nil
        )
    }
}
