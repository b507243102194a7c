import Foundation
import WardenCore
import WardenGrants

/// `grants.auto`: the explicit rules under which the cell mints send grants itself. Every recipient listed
/// (inline or in a directory file) is normalised at load; a value that does not normalise is an error naming
/// its line, never a silent skip, and a rule must name configured send tools.
extension ConfigurationLoader {
    static func autoGrantRules(
        _ reader: YAMLReader,
        base: String,
        sendTools: Set<String>,
        normalizer: RecipientNormalizer
    ) throws(ConfigurationError) -> [AutoGrantRule] {
        var grants = try reader.mapping()
        var rules: [AutoGrantRule] = []
        if let autoReader = grants.optional("auto") {
            var seen = Set<String>()
            for ruleReader in try autoReader.sequence() {
                let rule = try autoGrantRule(ruleReader, base: base, sendTools: sendTools, normalizer: normalizer)
                guard seen.insert(rule.id).inserted else { throw ruleReader.error("duplicate rule id '\(rule.id)'") }
                rules.append(rule)
            }
        }
        try grants.finish()
        return rules
    }

    private static func autoGrantRule(
        _ reader: YAMLReader,
        base: String,
        sendTools: Set<String>,
        normalizer: RecipientNormalizer
    ) throws(ConfigurationError) -> AutoGrantRule {
        var m = try reader.mapping()
        let idReader = try m.required("id")
        let id = try idReader.nonEmptyString()
        guard id.utf8.count <= 128, QualifiedToolName.isValidPart(Substring(id)) else {
            throw idReader.error("rule ids use letters, digits, '_' and '-' only (at most 128)")
        }
        let toolsReader = try m.required("tools")
        let tools = try toolsReader.stringList()
        guard !tools.isEmpty else { throw toolsReader.error("name at least one send tool") }
        for tool in tools where !sendTools.contains(tool) {
            throw toolsReader.error("'\(tool)' is not a configured send tool (server.tool)")
        }
        var roles: [String] = []
        if let rolesReader = m.optional("roles") {
            roles = try rolesReader.stringList()
            // An empty list would read as "nobody" but mean "anyone": leave the key out for any role.
            guard !roles.isEmpty else { throw rolesReader.error("list at least one role, or leave `roles` out") }
        }
        let maximum =
            try m.optional("max_recipients")?.integer(in: 1...1000) ?? AutoGrantRule.defaultMaximumRecipients
        let recipientsReader = try m.required("recipients")
        let trusted = try trustedRecipients(recipientsReader, base: base, normalizer: normalizer)
        guard !trusted.isEmpty else { throw recipientsReader.error("list at least one trusted recipient or domain") }
        try m.finish()
        return AutoGrantRule(
            id: id, tools: Set(tools), roles: Set(roles), recipients: trusted, maximumRecipients: maximum)
    }

    private static func trustedRecipients(
        _ reader: YAMLReader,
        base: String,
        normalizer: RecipientNormalizer
    ) throws(ConfigurationError) -> TrustedRecipients {
        var m = try reader.mapping()
        var exact = Set<Recipient>()
        var domains = Set<String>()
        for (key, kind) in [("emails", RecipientKind.email), ("webhooks", .webhook), ("channels", .channel)] {
            guard let listReader = m.optional(key) else { continue }
            for element in try listReader.sequence() {
                let value = try element.nonEmptyString()
                do {
                    exact.insert(try normalize(value, as: kind, normalizer: normalizer))
                } catch {
                    throw element.error("'\(value)' is not a valid \(kind.rawValue) recipient: \(error)")
                }
            }
        }
        if let domainsReader = m.optional("email_domains") {
            for element in try domainsReader.sequence() {
                let value = try element.nonEmptyString()
                do {
                    domains.insert(try TrustedRecipients.canonicalEmailDomain(value, normalizer: normalizer))
                } catch {
                    throw element.error("'\(value)' is not a valid email domain: \(error)")
                }
            }
        }
        if let directoryReader = m.optional("directory") {
            let path = resolvePath(try directoryReader.nonEmptyString(), base: base)
            exact.formUnion(try directory(path, reader: directoryReader, normalizer: normalizer))
        }
        try m.finish()
        return TrustedRecipients(exact: exact, emailDomains: domains)
    }

    /// The tenant's trusted directory: one recipient per line (an email address, an https URL, or a
    /// `service:#channel`), blank lines and lines starting with `#` ignored.
    static func directory(
        _ path: String,
        reader: YAMLReader,
        normalizer: RecipientNormalizer
    ) throws(ConfigurationError) -> Set<Recipient> {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw reader.error("cannot read the trusted directory \(path)")
        }
        var recipients = Set<Recipient>()
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : String(rawLine)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let kind: RecipientKind =
                line.contains("://") ? .webhook : (line.contains(":#") || line.contains(":@")) ? .channel : .email
            do {
                recipients.insert(try normalize(line, as: kind, normalizer: normalizer))
            } catch {
                throw ConfigurationError(
                    file: path, line: index + 1, column: 1, key: reader.path,
                    message: "not a valid \(kind.rawValue) recipient: \(error)")
            }
        }
        return recipients
    }

    private static func normalize(
        _ value: String,
        as kind: RecipientKind,
        normalizer: RecipientNormalizer
    ) throws(RecipientError) -> Recipient {
        switch kind {
        case .email: try normalizer.email(value)
        case .webhook: try normalizer.webhook(value)
        case .channel: try normalizer.channel(value)
        }
    }
}
