import Testing

@testable import WardenGrants

@Suite("Auto-grant rules cover a send only when every recipient is trusted")
struct AutoGrantRuleTests {
    let normalizer = RecipientNormalizer()

    func email(_ raw: String) throws -> Recipient { try normalizer.email(raw) }

    func send(_ recipients: [Recipient], tool: String = "mail.send") -> SendRequestFacts {
        SendRequestFacts(tenant: "acme", tool: tool, recipients: recipients, agent: "agent-1")
    }

    func rule(roles: Set<String> = [], maximum: Int = 3) throws -> AutoGrantRule {
        AutoGrantRule(
            id: "trusted-partners", tools: ["mail.send"], roles: roles,
            recipients: TrustedRecipients(
                exact: [try email("ceo@acme.example")],
                emailDomains: [try TrustedRecipients.canonicalEmailDomain("Partner.Example", normalizer: normalizer)]),
            maximumRecipients: maximum)
    }

    @Test("trusted addresses and addresses in a trusted domain are covered")
    func covered() throws {
        #expect(
            try rule().covers(send([try email("ceo@acme.example"), try email("ap@partner.example")]), agentRoles: []))
        #expect(try rule().covers(send([try email("AP@PARTNER.EXAMPLE")]), agentRoles: []))
    }

    @Test("one untrusted recipient and the rule does not apply")
    func oneUntrusted() throws {
        #expect(
            !(try rule().covers(send([try email("ap@partner.example"), try email("x@evil.example")]), agentRoles: [])))
    }

    @Test("a trusted domain does not trust its subdomains or look-alikes")
    func subdomains() throws {
        for address in ["ap@mail.partner.example", "ap@partner.example.evil", "ap@xpartner.example"] {
            #expect(!(try rule().covers(send([try email(address)]), agentRoles: [])), "\(address)")
        }
    }

    @Test("an exact address keeps its local part's case")
    func localPartCase() throws {
        #expect(!(try rule().covers(send([try email("CEO@acme.example")]), agentRoles: [])))
    }

    @Test("other tools, other roles and too many recipients are not covered")
    func conditions() throws {
        let one = [try email("ap@partner.example")]
        #expect(!(try rule().covers(send(one, tool: "mail.other"), agentRoles: [])))
        #expect(!(try rule(roles: ["mailer"]).covers(send(one), agentRoles: ["clerk"])))
        #expect(try rule(roles: ["mailer"]).covers(send(one), agentRoles: ["clerk", "mailer"]))
        let four = try ["a", "b", "c", "d"].map { try email("\($0)@partner.example") }
        #expect(!(try rule(maximum: 3).covers(send(four), agentRoles: [])))
        #expect(try rule(maximum: 4).covers(send(four), agentRoles: []))
    }

    @Test("a send without recipients is never covered")
    func empty() throws {
        #expect(!(try rule().covers(send([]), agentRoles: [])))
    }

    @Test("webhooks and channels match exactly, never by domain")
    func otherKinds() throws {
        let hook = try normalizer.webhook("https://hooks.partner.example/in")
        let rule = AutoGrantRule(
            id: "hooks", tools: ["mail.send"],
            recipients: TrustedRecipients(exact: [hook], emailDomains: ["partner.example"]))
        #expect(rule.covers(send([hook]), agentRoles: []))
        #expect(!rule.covers(send([try normalizer.webhook("https://hooks.partner.example/other")]), agentRoles: []))
        #expect(!rule.covers(send([try normalizer.channel("slack:#partner")]), agentRoles: []))
    }

    @Test("the first covering rule in order wins")
    func order() throws {
        let broad = try rule()
        let narrow = AutoGrantRule(
            id: "ceo-only", tools: ["mail.send"], recipients: TrustedRecipients(exact: [try email("ceo@acme.example")]))
        let facts = send([try email("ceo@acme.example")])
        #expect(AutoGrantRule.firstCovering(facts, agentRoles: [], in: [narrow, broad])?.id == "ceo-only")
        #expect(AutoGrantRule.firstCovering(facts, agentRoles: [], in: [broad, narrow])?.id == "trusted-partners")
        #expect(AutoGrantRule.firstCovering(send([try email("x@evil.example")]), agentRoles: [], in: [broad]) == nil)
    }
}
