import Testing

@testable import WardenRedaction

@Suite("Redactor")
struct RedactorTests {
    @Test func wholeMatchIsReplacedWithItsTypeLabel() {
        let text = "user alice@example.com paid with 4111111111111111 from 203.0.113.7"
        #expect(
            Redactor().redact(text)
                == "user [REDACTED:email] paid with [REDACTED:card] from [REDACTED:ipv4]")
    }

    @Test func textWithoutFindingsIsUnchanged() {
        let text = "GET /health 200 12ms version=v1.2 at 2026-11-26T12:00:00Z"
        #expect(Redactor().redact(text) == text)
        #expect(Redactor().redact("") == "")
    }

    @Test func multibyteTextAroundFindingsIsPreserved() {
        #expect(Redactor().redact("Grüße an jürgen@example.de ✓") == "Grüße an [REDACTED:email] ✓")
        #expect(Redactor().redact("Grüße — anna@example.de ✓") == "Grüße — [REDACTED:email] ✓")
    }

    @Test func keyedHashCorrelatesEqualValuesWithoutRevealingThem() {
        let redactor = Redactor(replacement: .keyedHash(TestHasher(key: Array("tenant-a".utf8))))
        let output = redactor.redact("a=bob@example.com b=bob@example.com c=carol@example.com")
        let tags = output.split(separator: " ").map { String($0.split(separator: "=")[1]) }
        #expect(tags[0] == tags[1])
        #expect(tags[0] != tags[2])
        #expect(tags[0].hasPrefix("[REDACTED:email:"))
        #expect(tags[0].count == "[REDACTED:email:]".count + 12)
        #expect(!output.contains("bob"))
    }

    @Test func keyedHashDependsOnTheKey() {
        let a = Redactor(replacement: .keyedHash(TestHasher(key: [1]))).redact("bob@example.com")
        let b = Redactor(replacement: .keyedHash(TestHasher(key: [2]))).redact("bob@example.com")
        #expect(a != b)
    }

    @Test func redactingRedactedTextChangesNothing() {
        let text = "password=hunter2 token=Zx81kQ93mmAl02 bob@example.com +44 20 7946 0958 secret=9f8e7d6c5b4a3210"
        for redactor in [Redactor(), Redactor(replacement: .keyedHash(TestHasher(key: [7])))] {
            let once = redactor.redact(text)
            #expect(redactor.redact(once) == once)
        }
    }

    @Test func overlappingCandidatesMergeSoNoByteLeaks() {
        let a = Finding(type: .phone, rule: "phone", byteRange: 0..<10)
        let b = Finding(type: .card, rule: "luhn", byteRange: 5..<20)
        let c = Finding(type: .email, rule: "email", byteRange: 30..<40)
        #expect(
            OverlapResolver.resolve([a, b, c]) == [
                Finding(type: .card, rule: "luhn", byteRange: 0..<20), c,
            ])
    }

    @Test func overlapResolutionDoesNotDependOnDetectorOrder() {
        let candidates = [
            Finding(type: .secret, rule: "generic-api-key", byteRange: 4..<44),
            Finding(type: .apiKey, rule: "github-pat", byteRange: 4..<44),
            Finding(type: .bearerToken, rule: "bearer-token", byteRange: 4..<44),
            Finding(type: .ipv4, rule: "ipv4", byteRange: 50..<60),
            Finding(type: .phone, rule: "phone", byteRange: 50..<60),
        ]
        let expected = [
            Finding(type: .apiKey, rule: "github-pat", byteRange: 4..<44),
            Finding(type: .ipv4, rule: "ipv4", byteRange: 50..<60),
        ]
        #expect(OverlapResolver.resolve(candidates) == expected)
        #expect(OverlapResolver.resolve(candidates.reversed()) == expected)
    }

    @Test func typesOutsideTheConfiguredSetAreLeftAlone() {
        let redactor = Redactor(types: [.email])
        #expect(redactor.redact("bob@example.com 203.0.113.7") == "[REDACTED:email] 203.0.113.7")
    }

    @Test func configurationLintingFlagsCredentialsButNotReferencesOrPersonalData() {
        let redactor = Redactor()
        #expect(redactor.containsSecret("ghp_" + String(repeating: "a1B2", count: 9)))
        #expect(redactor.containsSecret("postgres://app:pa55word@db/app"))
        #expect(!redactor.containsSecret("secret://github-token"))
        #expect(!redactor.containsSecret("approver@example.com"))
        #expect(redactor.secretFindings(in: "x AKIAIOSFODNN7EXAMPLE y").map(\.rule) == ["aws-access-token"])
    }

    @Test func findingRangesPointAtTheMatchedText() throws {
        let text = "é bob@example.com"
        let finding = try #require(Redactor().findings(in: text).first)
        let range = try #require(finding.range(in: text))
        #expect(String(text[range]) == "bob@example.com")
        #expect(finding.byteRange == 3..<18)
        #expect(finding.range(in: "short") == nil)
    }
}

@Suite("Redactor on arbitrary input")
struct ArbitraryInputTests {
    /// SplitMix64: a fixed-seed generator so the test is reproducible.
    struct SeededGenerator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func findingsAreDisjointOrderedAndOnCharacterBoundariesForAnyInput() {
        let alphabet = Array("0123456789abcdefABCDEFxyz @:.-_=+/()\"'\\;,\n\té€🔐[]{}eyJghp_AKIA-----BEGIN ")
        var generator = SeededGenerator(state: 42)
        let redactor = Redactor()
        for _ in 0..<2000 {
            let length = Int.random(in: 0..<120, using: &generator)
            let text = String((0..<length).map { _ in alphabet.randomElement(using: &generator) ?? "a" })
            let findings = redactor.findings(in: text)
            var previousEnd = 0
            for finding in findings {
                #expect(finding.byteRange.lowerBound >= previousEnd)
                #expect(!finding.byteRange.isEmpty)
                #expect(finding.byteRange.upperBound <= text.utf8.count)
                previousEnd = finding.byteRange.upperBound
                let utf8 = text.utf8
                let lower = utf8.index(utf8.startIndex, offsetBy: finding.byteRange.lowerBound)
                let upper = utf8.index(utf8.startIndex, offsetBy: finding.byteRange.upperBound)
                #expect(lower.samePosition(in: text.unicodeScalars) != nil)
                #expect(upper.samePosition(in: text.unicodeScalars) != nil)
            }
            let redacted = redactor.redact(text)
            #expect(redactor.redact(redacted) == redacted)
        }
    }
}

@Suite("Configuration linting")
struct ConfigurationLintTests {
    @Test func plainValueUnderAPasswordKeyIsALiteralSecret() {
        let findings = Redactor().secretFindings(inValue: "hunter2", key: "database.password")
        #expect(findings.map(\.type) == [.password])
        #expect(findings.first?.byteRange == 0..<7)
    }

    @Test func referencesAndHarmlessValuesPass() {
        let redactor = Redactor()
        #expect(redactor.secretFindings(inValue: "secret://db-password", key: "database.password").isEmpty)
        #expect(redactor.secretFindings(inValue: "${DB_PASSWORD}", key: "password").isEmpty)
        #expect(redactor.secretFindings(inValue: "approvals@example.com", key: "approver").isEmpty)
        #expect(redactor.secretFindings(inValue: "read write", key: "token_scopes").isEmpty)
    }

    @Test func randomValueUnderATokenKeyAndProviderKeysUnderAnyKeyAreSecrets() {
        let redactor = Redactor()
        #expect(redactor.secretFindings(inValue: "Zx81kQ93mmAl02pq", key: "upstream.token").map(\.type) == [.secret])
        let key = "sk_live_" + String(repeating: "4eC39H", count: 4)
        #expect(redactor.secretFindings(inValue: key, key: "description").map(\.rule) == ["stripe-access-token"])
    }
}
