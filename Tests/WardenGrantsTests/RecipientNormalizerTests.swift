import Testing
import WardenGrants

@Suite("recipient normalisation: email")
struct EmailNormalizationTests {
    let normalizer = RecipientNormalizer()

    @Test(
        "valid addresses normalise to one canonical form",
        arguments: [
            ("alice@example.com", "mailto:alice@example.com"),
            ("alice@EXAMPLE.COM", "mailto:alice@example.com"),
            ("alice@example.com.", "mailto:alice@example.com"),
            ("Alice.Smith+tag@Mail.Example.org", "mailto:Alice.Smith+tag@mail.example.org"),
            ("o'brien@example.ie", "mailto:o'brien@example.ie"),
            ("alice@bücher.example", "mailto:alice@xn--bcher-kva.example"),
            ("alice@BÜCHER.example", "mailto:alice@xn--bcher-kva.example"),
            ("alice@xn--bcher-kva.example", "mailto:alice@xn--bcher-kva.example"),
            ("alice@XN--BCHER-KVA.EXAMPLE", "mailto:alice@xn--bcher-kva.example"),
            ("alice@bu\u{0308}cher.example", "mailto:alice@xn--bcher-kva.example"),
            ("x@münchen.de", "mailto:x@xn--mnchen-3ya.de"),
            ("x@mañana.com", "mailto:x@xn--maana-pta.com"),
            ("x@пример.рф", "mailto:x@xn--e1afmkfd.xn--p1ai"),
            ("x@中国.cn", "mailto:x@xn--fiqs8s.cn"),
            ("x@他们为什么不说中文.example", "mailto:x@xn--ihqwcrb4cv8a8dqg056pqjye.example"),
            ("x@ex-ample.co.uk", "mailto:x@ex-ample.co.uk"),
        ])
    func validAddresses(input: String, canonical: String) throws {
        let recipient = try normalizer.email(input)
        #expect(recipient.canonical == canonical)
        #expect(recipient.kind == .email)
        #expect(try Recipient(canonical: canonical) == recipient)
    }

    /// Addresses an attacker might use to smuggle a second recipient, hide one, or make two mailboxes compare
    /// equal. Every one must be refused, with the rule named.
    static let hostile: [(String, RecipientError.Rule)] = [
        ("Alice<alice@example.com>", .displayName),
        ("<alice@example.com>", .displayName),
        ("alice@example.com>", .displayName),
        ("Alice <alice@example.com>", .controlOrWhitespace),
        ("alice(comment)@example.com", .comment),
        ("alice@(comment)example.com", .comment),
        ("\"alice@evil.example\"@example.com", .quotedLocalPart),
        ("\"alice\"@example.com", .quotedLocalPart),
        ("alice\\@evil.example@example.com", .backslash),
        ("alice@evil.example@example.com", .multipleAt),
        ("a@b@c.example", .multipleAt),
        ("@relay.example:alice@example.com", .routeOrListSyntax),
        ("alice@example.com,eve@evil.example", .routeOrListSyntax),
        ("alice@example.com;eve@evil.example", .routeOrListSyntax),
        ("undisclosed-recipients:;", .routeOrListSyntax),
        ("mailto:alice@example.com", .routeOrListSyntax),
        ("alice%evil.example@example.com", .routingCharacter),
        ("evil.example!alice@example.com", .routingCharacter),
        ("=?utf-8?q?alice=40evil.example?=@example.com", .encodedWord),
        ("alice@=?utf-8?b?ZXZpbA==?=.example", .encodedWord),
        ("alice@[127.0.0.1]", .addressLiteral),
        ("alice@[IPv6:::1]", .addressLiteral),
        ("alice@example.com\n", .controlOrWhitespace),
        ("alice@example.com\r\nBcc: eve@evil.example", .controlOrWhitespace),
        ("alice@example.com\u{0}", .controlOrWhitespace),
        ("alice\t@example.com", .controlOrWhitespace),
        ("alice@exam ple.com", .controlOrWhitespace),
        ("alice@example.com\u{00A0}", .controlOrWhitespace),
        ("alice\u{200B}@example.com", .invisibleCharacter),
        ("alice@exa\u{202E}lpmaxe.com", .invisibleCharacter),
        ("alice@ex\u{00AD}ample.com", .invisibleCharacter),
        ("alice@example.com\u{FEFF}", .invisibleCharacter),
        ("alice@example\u{3002}com", .unicodeDotVariant),
        ("alice@example\u{FF0E}com", .unicodeDotVariant),
        ("alice", .missingAt),
        ("@example.com", .localPartEmpty),
        ("alice@", .domainEmpty),
        (".alice@example.com", .localPartDots),
        ("alice.@example.com", .localPartDots),
        ("al..ice@example.com", .localPartDots),
        ("ålice@example.com", .localPartCharacter),
        (String(repeating: "a", count: 65) + "@example.com", .localPartTooLong),
        ("alice@example..com", .labelEmpty),
        ("alice@.example.com", .labelEmpty),
        ("alice@example.com..", .labelEmpty),
        ("alice@-example.com", .labelHyphen),
        ("alice@example-.com", .labelHyphen),
        ("alice@" + String(repeating: "a", count: 64) + ".com", .labelTooLong),
        ("alice@ex--ample.com", .reservedHyphens),
        ("alice@exam_ple.com", .domainCharacter),
        ("alice@example.com#", .domainCharacter),
        ("alice@exa$mple.com", .domainCharacter),
        ("alice@xn--zz.com", .invalidPunycode),
        ("alice@xn--a.com", .invalidPunycode),
        ("alice@xn--example-.com", .invalidPunycode),
        ("alice@localhost", .singleLabelDomain),
        ("alice@127.0.0.1", .numericTopLevelDomain),
        ("", .empty),
    ]

    @Test("hostile addresses are refused with the rule they break")
    func hostileAddresses() {
        #expect(Self.hostile.count >= 30)
        for (input, rule) in Self.hostile {
            do {
                let accepted = try normalizer.email(input)
                Issue.record("accepted hostile address as \(accepted)")
            } catch {
                #expect(error.rule == rule, "input index \(Self.hostile.firstIndex { $0.0 == input } ?? -1)")
            }
        }
    }

    @Test("the local part keeps its case: Alice@ and alice@ are different recipients")
    func localPartCaseSensitive() throws {
        #expect(try normalizer.email("Alice@example.com") != normalizer.email("alice@example.com"))
    }

    @Test("full-width look-alike letters do not normalise to the ASCII domain")
    func fullWidthNotConflated() throws {
        #expect(try normalizer.email("alice@ｅｘａｍｐｌｅ.com") != normalizer.email("alice@example.com"))
    }

    @Test("error messages name the rule and do not echo the address")
    func errorMessages() {
        do {
            _ = try normalizer.email("secret.person@evil.example@example.com")
            Issue.record("expected a refusal")
        } catch {
            #expect(error.description.contains("second '@'"))
            #expect(!error.description.contains("secret.person"))
        }
    }

    @Test("non-canonical strings are refused when read back as canonical recipients")
    func canonicalReadBack() {
        #expect(throws: RecipientError(.notCanonical)) { try Recipient(canonical: "mailto:alice@EXAMPLE.com") }
        #expect(throws: RecipientError(.notCanonical)) { try Recipient(canonical: "https://Hooks.example.com/") }
        #expect(throws: RecipientError(.notCanonical)) { try Recipient(canonical: "slack:#General") }
    }
}

@Suite("recipient normalisation: webhooks and channels")
struct WebhookAndChannelNormalizationTests {
    let normalizer = RecipientNormalizer()

    @Test(
        "webhook URLs normalise scheme, host, default port, path and percent-encoding",
        arguments: [
            ("https://hooks.example.com", "https://hooks.example.com/"),
            ("HTTPS://Hooks.Example.COM:443/a/b", "https://hooks.example.com/a/b"),
            ("https://hooks.example.com:8443/x", "https://hooks.example.com:8443/x"),
            ("https://hooks.example.com:08443/x", "https://hooks.example.com:8443/x"),
            ("https://hooks.example.com/%7euser/%41", "https://hooks.example.com/~user/A"),
            ("https://hooks.example.com/a%2fb?q=%2f&x=%e2%82%ac", "https://hooks.example.com/a%2Fb?q=%2F&x=%E2%82%AC"),
            ("https://hooks.example.com/x?", "https://hooks.example.com/x"),
            ("https://hooks.example.com./x", "https://hooks.example.com/x"),
            ("https://bücher.example/hook", "https://xn--bcher-kva.example/hook"),
            ("https://192.168.10.20/hook", "https://192.168.10.20/hook"),
        ])
    func validWebhooks(input: String, canonical: String) throws {
        let recipient = try normalizer.webhook(input)
        #expect(recipient.canonical == canonical)
        #expect(recipient.kind == .webhook)
        #expect(try normalizer.webhook(canonical) == recipient)
    }

    @Test(
        "hostile webhook URLs are refused with the rule they break",
        arguments: [
            ("http://hooks.example.com/", RecipientError.Rule.schemeNotAllowed),
            ("ftp://hooks.example.com/", .schemeNotAllowed),
            ("javascript:alert(1)", .notAbsoluteURL),
            ("//hooks.example.com/x", .notAbsoluteURL),
            ("hooks.example.com/x", .notAbsoluteURL),
            ("https://user:pw@hooks.example.com/", .userInfo),
            ("https://hooks.example.com@evil.example/", .userInfo),
            ("https://hooks.example.com/x#frag", .fragment),
            ("https://hooks.example.com\\@evil.example/", .backslash),
            ("https://[::1]/hook", .ipv6NotSupported),
            ("https://2130706433/", .invalidIPv4),
            ("https://127.000.0.1/", .invalidIPv4),
            ("https://256.0.0.1/", .invalidIPv4),
            ("https://0x7f.0.0.1/", .numericTopLevelDomain),
            ("https://hooks.example.com:0/", .invalidPort),
            ("https://hooks.example.com:65536/", .invalidPort),
            ("https://hooks.example.com:/", .invalidPort),
            ("https://hooks.example.com:44a/", .invalidPort),
            ("https://hooks.example.com/a/../admin", .dotSegment),
            ("https://hooks.example.com/a/%2e%2E/admin", .dotSegment),
            ("https://hooks.example.com/./x", .dotSegment),
            ("https://hooks.example.com/a b", .controlOrWhitespace),
            ("https://hooks.example.com/\u{202E}x", .invisibleCharacter),
            ("https://hooks.example.com/ü", .urlCharacter),
            ("https://hooks.example.com/<script>", .urlCharacter),
            ("https://hooks.example.com/%zz", .invalidPercentEncoding),
            ("https://hooks.example.com/%4", .invalidPercentEncoding),
            ("https:///x", .notAbsoluteURL),
            ("https://localhost/x", .singleLabelDomain),
        ])
    func hostileWebhooks(input: String, rule: RecipientError.Rule) {
        #expect(throws: RecipientError(rule)) { try normalizer.webhook(input) }
    }

    @Test("http webhooks are accepted only when explicitly allowed, and then keep http")
    func insecureOptIn() throws {
        let relaxed = RecipientNormalizer(allowInsecureWebhooks: true)
        #expect(try relaxed.webhook("http://hooks.example.com:80/x").canonical == "http://hooks.example.com/x")
        #expect(try relaxed.webhook("http://hooks.example.com/x") != relaxed.webhook("https://hooks.example.com/x"))
    }

    @Test(
        "channels normalise to service:#name (lower case) or service:@member (case kept)",
        arguments: [
            ("slack:#payments", "slack:#payments"),
            ("Slack:#Payments", "slack:#payments"),
            ("teams:#finance-ops.eu", "teams:#finance-ops.eu"),
            ("slack:@U024BE7LH", "slack:@U024BE7LH"),
        ])
    func validChannels(input: String, canonical: String) throws {
        let recipient = try normalizer.channel(input)
        #expect(recipient.canonical == canonical)
        #expect(recipient.kind == .channel)
    }

    @Test(
        "malformed channels are refused with the rule they break",
        arguments: [
            ("payments", RecipientError.Rule.channelService),
            ("slack:payments", .channelService),
            ("1slack:#x", .channelService),
            (":#x", .channelService),
            ("sl_ack:#x", .channelService),
            ("https:#x", .reservedService),
            ("mailto:#x", .reservedService),
            ("slack:#", .channelName),
            ("slack:#général", .channelName),
            ("slack:#a/b", .channelName),
            ("slack:#a:b", .channelName),
            ("slack:#a b", .controlOrWhitespace),
            ("slack:#" + String(repeating: "a", count: 81), .channelName),
        ])
    func hostileChannels(input: String, rule: RecipientError.Rule) {
        #expect(throws: RecipientError(rule)) { try normalizer.channel(input) }
    }

    @Test("an email, a webhook and a channel never share a canonical form")
    func kindsDisjoint() throws {
        let forms = [
            try normalizer.email("ops@example.com"), try normalizer.webhook("https://example.com/ops"),
            try normalizer.channel("slack:#ops"),
        ]
        #expect(Set(forms).count == 3)
        #expect(Set(forms.map(\.kind)).count == 3)
    }
}
