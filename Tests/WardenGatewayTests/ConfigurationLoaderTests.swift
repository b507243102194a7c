import Testing
import WardenCore

@testable import WardenGateway

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
        do {
            _ = try load(text)
            return nil
        } catch let error as ConfigurationError {
            return error
        } catch {
            return nil
        }
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
