import Testing
import WardenCore

@testable import WardenGateway

/// The configuration error `body` throws (nil when it loads, or fails otherwise).
func configurationError(_ body: () throws -> Void) -> ConfigurationError? {
    do {
        try body()
        return nil
    } catch let error as ConfigurationError {
        return error
    } catch {
        return nil
    }
}

@Suite("Configuration is strict: every error names file, line and key")
struct ConfigurationLoaderTests {
    let valid = """
        tenant: acme
        listeners:
          agents:
            bind: 127.0.0.1:8790
            allow: [127.0.0.1/32]
        upstreams:
          billing:
            transport: stdio
            command: [python3, server.py]
            env:
              API_KEY: secret://billing-key
            tools:
              lookup_invoice: read
              pay_invoice: spend
        roles:
          analyst: [read]
        """

    func load(_ text: String, detector: ConfigurationLoader.LiteralSecretDetector? = nil) throws -> CellConfiguration {
        try ConfigurationLoader.parse(
            text, file: "warden.yaml", baseDirectory: "/srv/warden", literalSecretDetector: detector)
    }

    func loadError(_ text: String) -> ConfigurationError? {
        configurationError { _ = try load(text) }
    }

    @Test("a valid file loads with documented defaults")
    func loadsValid() throws {
        let configuration = try load(valid)
        #expect(configuration.tenant == "acme")
        #expect(configuration.dataDirectory == "/srv/warden/.warden/acme")
        #expect(configuration.resourceURI == "http://127.0.0.1:8790/mcp")
        #expect(configuration.upstreams.first?.tools["pay_invoice"] == .spend)
        #expect(configuration.roles["analyst"] == [.read])
        #expect(configuration.auth == nil)
    }

    @Test("containment's hold switches default to hold, take hold or allow, and refuse anything else by name")
    func containmentHolds() throws {
        let defaults = try load(valid).containment
        #expect(defaults.holdUnaskedActions && defaults.holdDirectedValues && defaults.holdInstructedRuns)
        #expect(defaults.holdOutsideTask && defaults.holdTaskLimits)
        let relaxed = try load(
            valid
                + "\ncontainment:\n  unasked_actions: allow\n  directed_values: allow\n  outside_task: allow\n"
                + "  task_limits: allow\n")
        #expect(!relaxed.containment.holdUnaskedActions && !relaxed.containment.holdDirectedValues)
        #expect(!relaxed.containment.holdOutsideTask && !relaxed.containment.holdTaskLimits)
        #expect(relaxed.containment.holdInstructedRuns)
        let error = try #require(loadError(valid + "\ncontainment:\n  unasked_actions: maybe\n"))
        #expect(error.description.contains("unasked_actions is hold or allow, not 'maybe'"))
        let outside = try #require(loadError(valid + "\ncontainment:\n  outside_task: off\n"))
        #expect(outside.description.contains("outside_task is hold or allow, not 'off'"))
    }

    @Test("an unknown key is refused with its line")
    func unknownKey() throws {
        let text = valid.replacingOccurrences(of: "  analyst: [read]", with: "  analyst: [read]\nrole: x")
        let error = try #require(loadError(text))
        #expect(error.key == "role")
        #expect(error.line == 17)
        #expect(error.description.hasPrefix("warden.yaml:17:"))
    }

    @Test("a typo inside a listener is refused, not ignored")
    func nestedTypo() throws {
        let error = try #require(loadError(valid.replacingOccurrences(of: "allow:", with: "alow:")))
        #expect(error.description.contains("listeners.agents"))
    }

    @Test("a bad CIDR names its list position")
    func badCIDR() throws {
        let error = try #require(
            loadError(valid.replacingOccurrences(of: "[127.0.0.1/32]", with: "[127.0.0.1/32, 10.0.0.1/8]")))
        #expect(error.key == "listeners.agents.allow[1]")
        #expect(error.line == 5)
    }

    @Test("an empty allowlist is an error, not a dead listener")
    func emptyAllowlist() throws {
        let error = try #require(loadError(valid.replacingOccurrences(of: "[127.0.0.1/32]", with: "[]")))
        #expect(error.message.contains("admits nobody"))
    }

    @Test("an unknown effect class is refused")
    func unknownEffect() throws {
        let error = try #require(
            loadError(valid.replacingOccurrences(of: "pay_invoice: spend", with: "pay_invoice: payment")))
        #expect(error.key == "upstreams.billing.tools.pay_invoice")
    }

    @Test("a malformed secret reference is refused")
    func badSecretReference() throws {
        let error = try #require(
            loadError(valid.replacingOccurrences(of: "secret://billing-key", with: "secret://bad key")))
        #expect(error.key == "upstreams.billing.env.API_KEY")
    }

    @Test("a literal secret is refused with the key named")
    func literalSecret() throws {
        let text = valid.replacingOccurrences(of: "secret://billing-key", with: "sk_live_abcdefghijklmnop")
        #expect(throws: ConfigurationError.self) {
            _ = try load(text, detector: SecretLinting.detector)
        }
    }

    @Test("a password written in by value is refused under any key that names one")
    func literalPassword() throws {
        let text = valid.replacingOccurrences(of: "secret://billing-key", with: "Tr0ub4dor&3xyzzy")
            .replacingOccurrences(of: "API_KEY:", with: "DB_PASSWORD:")
        #expect(throws: ConfigurationError.self) { _ = try load(text, detector: SecretLinting.detector) }
        #expect(throws: Never.self) { _ = try load(valid, detector: SecretLinting.detector) }
    }

    @Test("HMAC and none are not accepted as token algorithms")
    func symmetricAlgorithmsRefused() throws {
        let text = valid + "\nauth:\n  issuer: https://idp.example\n  algorithms: [RS256, HS256]\n"
        let error = try #require(loadError(text))
        #expect(error.key == "auth.algorithms")
    }

    @Test("YAML aliases are refused")
    func aliasesRefused() throws {
        let text = valid.replacingOccurrences(of: "  analyst: [read]", with: "  analyst: &r [read]\n  clerk: *r")
        #expect(loadError(text) != nil)
    }

    @Test("secret templates split literals from references")
    func templates() throws {
        let template = try SecretTemplate(parsing: "Bearer ${secret://remote-token}")
        #expect(template.parts == [.literal("Bearer "), .secret("remote-token")])
        #expect(template.literalText == "Bearer ")
        #expect(throws: SecretReferenceError.self) { try SecretTemplate(parsing: "Bearer ${env://X}") }
        #expect(throws: SecretReferenceError.self) { try SecretTemplate(parsing: "Bearer ${secret://x") }
    }
}

@Suite("grants.auto: explicit auto-grant rules")
struct AutoGrantConfigurationTests {
    let base = """
        tenant: acme
        listeners:
          agents:
            bind: 127.0.0.1:8790
            allow: [127.0.0.1/32]
        upstreams:
          billing:
            transport: stdio
            command: [python3, server.py]
            tools:
              lookup_invoice: read
              send_email: {effect: send, recipients: {to: email}}
        roles:
          mailer: [send]
        grants:
          auto:
            - id: trusted
              tools: [TOOL]
              recipients:
                emails: [ADDRESS]
                email_domains: [Partner.Example]

        """

    func load(tool: String = "billing.send_email", address: String = "ceo@acme.example") throws -> CellConfiguration {
        try ConfigurationLoader.parse(
            base.replacingOccurrences(of: "TOOL", with: tool).replacingOccurrences(of: "ADDRESS", with: address),
            file: "warden.yaml", baseDirectory: "/srv/warden")
    }

    func error(tool: String = "billing.send_email", address: String = "ceo@acme.example") -> ConfigurationError? {
        do {
            _ = try load(tool: tool, address: address)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test("a rule loads with normalised recipients and domains")
    func loads() throws {
        let rule = try #require(try load().autoGrants.first)
        #expect(rule.id == "trusted")
        #expect(rule.tools == ["billing.send_email"])
        #expect(rule.recipients.emailDomains == ["partner.example"])
        #expect(rule.recipients.exact.map(\.canonical) == ["mailto:ceo@acme.example"])
    }

    @Test("a rule must name a configured send tool")
    func sendToolsOnly() throws {
        #expect(error(tool: "billing.lookup_invoice")?.message.contains("not a configured send tool") == true)
        #expect(error(tool: "billing.nope")?.key == "grants.auto[0].tools")
    }

    @Test("a recipient that does not normalise is refused with its line")
    func badRecipient() throws {
        let refused = try #require(error(address: "\"Alice <mallory@example.net>\""))
        #expect(refused.key == "grants.auto[0].recipients.emails[0]")
        #expect(refused.line == 20)
    }
}
