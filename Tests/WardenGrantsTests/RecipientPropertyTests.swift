import Testing
import WardenGrants

/// Deterministic pseudo-random generator (SplitMix64) so property tests are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

struct AddressGenerator {
    var random: SplitMix64
    static let localCharacters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-_=")
    static let labelCharacters = Array("abcdefghijklmnopqrstuvwxyz0123456789")
    static let unicodeLetters = Array("äöüßéñçøåλπждяあいう中文한")

    mutating func pick(_ characters: [Character], _ count: Int) -> String {
        String((0..<count).map { _ in characters[Int.random(in: 0..<characters.count, using: &random)] })
    }

    mutating func localPart() -> String {
        var parts: [String] = []
        for _ in 0..<Int.random(in: 1...3, using: &random) {
            parts.append(pick(Self.localCharacters, Int.random(in: 1...8, using: &random)))
        }
        return parts.joined(separator: ".")
    }

    mutating func label() -> String {
        if Bool.random(using: &random) && Bool.random(using: &random) {
            return pick(Self.labelCharacters, Int.random(in: 1...4, using: &random))
                + pick(Self.unicodeLetters, Int.random(in: 1...3, using: &random))
        }
        return pick(Array("abcdefghijklmnopqrstuvwxyz"), 1)
            + pick(Self.labelCharacters, Int.random(in: 0...10, using: &random))
    }

    mutating func domain() -> String {
        (0..<Int.random(in: 1...3, using: &random)).map { _ in label() }.joined(separator: ".")
            + "." + pick(Array("abcdefghijklmnopqrstuvwxyz"), Int.random(in: 2...4, using: &random))
    }

    mutating func address() -> (local: String, domain: String) { (localPart(), domain()) }

    /// Upper-cases random characters, only where that is a one-to-one case change (not ß → SS).
    mutating func flipCase(_ text: String) -> String {
        text.map { character -> String in
            let upper = character.uppercased()
            let reversible = upper.count == 1 && upper.lowercased() == String(character)
            return reversible && Bool.random(using: &random) ? upper : String(character)
        }.joined()
    }
}

@Suite("recipient normalisation properties")
struct RecipientPropertyTests {
    let normalizer = RecipientNormalizer()

    @Test("normalising is idempotent: the canonical address normalises to itself", arguments: [1, 2, 3, 4])
    func idempotent(seed: UInt64) throws {
        var generator = AddressGenerator(random: SplitMix64(state: seed))
        for _ in 0..<250 {
            let (local, domain) = generator.address()
            let once = try normalizer.email(local + "@" + domain)
            let twice = try normalizer.email(String(once.canonical.dropFirst("mailto:".count)))
            #expect(once == twice)
            #expect(try Recipient(canonical: once.canonical) == once)
        }
    }

    @Test("domain case and a trailing dot never change the recipient", arguments: [5, 6])
    func domainCaseInsensitive(seed: UInt64) throws {
        var generator = AddressGenerator(random: SplitMix64(state: seed))
        for _ in 0..<250 {
            let (local, domain) = generator.address()
            let plain = try normalizer.email(local + "@" + domain)
            let varied = try normalizer.email(local + "@" + generator.flipCase(domain) + ".")
            #expect(plain == varied)
        }
    }

    @Test("changing the case of a local-part letter always changes the recipient", arguments: [7, 8])
    func localPartCaseMatters(seed: UInt64) throws {
        var generator = AddressGenerator(random: SplitMix64(state: seed))
        for _ in 0..<250 {
            let (local, domain) = generator.address()
            guard let index = local.firstIndex(where: { $0.isLowercase }) else { continue }
            var changed = local
            changed.replaceSubrange(index...index, with: local[index].uppercased())
            #expect(try normalizer.email(local + "@" + domain) != normalizer.email(changed + "@" + domain))
        }
    }

    @Test("inserting any smuggling character anywhere in a valid address gets it refused", arguments: [9, 10])
    func smugglingCharactersRefused(seed: UInt64) throws {
        let smuggling: [Character] = [
            "<", ">", "(", ")", "\"", ",", ";", ":", "\\", "[", "]", " ", "\n", "\r", "\t", "\u{0}", "\u{7F}",
            "\u{200B}", "\u{202E}", "\u{2028}", "@", "%", "!", "\u{3002}",
        ]
        var generator = AddressGenerator(random: SplitMix64(state: seed))
        for _ in 0..<300 {
            let (local, domain) = generator.address()
            var address = Array(local + "@" + domain)
            let position = Int.random(in: 0...address.count, using: &generator.random)
            address.insert(smuggling[Int.random(in: 0..<smuggling.count, using: &generator.random)], at: position)
            #expect(throws: RecipientError.self) { try normalizer.email(String(address)) }
        }
    }

    @Test("Punycode labels round-trip: the xn-- form and the Unicode form are one recipient", arguments: [11, 12])
    func punycodeRoundTrip(seed: UInt64) throws {
        var generator = AddressGenerator(random: SplitMix64(state: seed))
        for _ in 0..<200 {
            let label = generator.pick(AddressGenerator.unicodeLetters, Int.random(in: 1...6, using: &generator.random))
            let unicode = try normalizer.email("a@" + label + ".example")
            let ascii = String(unicode.canonical.dropFirst("mailto:a@".count))
            #expect(ascii.hasPrefix("xn--"))
            #expect(try normalizer.email("a@" + ascii) == unicode)
            #expect(try normalizer.email("a@" + ascii.uppercased()) == unicode)
        }
    }

    @Test("webhook normalisation is idempotent over varied spellings", arguments: [13])
    func webhookIdempotent(seed: UInt64) throws {
        var generator = AddressGenerator(random: SplitMix64(state: seed))
        for _ in 0..<200 {
            let host = generator.domain()
            let path = (0..<Int.random(in: 0...3, using: &generator.random)).map { _ in
                generator.pick(AddressGenerator.localCharacters, Int.random(in: 1...6, using: &generator.random))
            }.joined(separator: "/")
            let url = "hTTpS://" + generator.flipCase(host) + ":443/" + path
            let once = try normalizer.webhook(url)
            #expect(try normalizer.webhook(once.canonical) == once)
            #expect(
                once.canonical.hasPrefix(
                    "https://" + String(try normalizer.email("a@" + host).canonical.dropFirst(9)) + "/"))
        }
    }
}
