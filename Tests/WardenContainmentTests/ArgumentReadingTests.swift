import Testing
import WardenCore

@testable import WardenContainment

/// What must be backed: an argument is classified whole, never searched for values inside it, so an argument
/// cannot borrow trust from a trusted piece of itself.
struct ArgumentReadingTests {
    func readings(_ value: JSONValue) -> [[TaggedValue]] { ValueExtractor.argumentValues(value) }

    @Test func aStringIsReadAsTheFirstKindItWhollyIs() {
        #expect(readings(.string(" X@Evil.Example ")) == [[TaggedValue(.email, "x@evil.example")]])
        #expect(readings(.string("Bob <bob@northwind.example>")) == [[TaggedValue(.email, "bob@northwind.example")]])
        #expect(readings(.string("de89 3704 0044 0532 0130 00")) == [[TaggedValue(.iban, "DE89370400440532013000")]])
        #expect(readings(.string("HTTPS://Evil.Example/c?d=1")) == [[TaggedValue(.url, "https://evil.example/c?d=1")]])
        #expect(readings(.string("+49 30 1234 5678")) == [[TaggedValue(.phone, "+493012345678")]])
        #expect(readings(.string("northwind.example")) == [[TaggedValue(.domain, "northwind.example")]])
    }

    @Test func amountLookingStringsAreAmountsAndIdentifiers() {
        #expect(
            readings(.string("12,400.00")) == [[TaggedValue(.amount, "12400"), TaggedValue(.identifier, "12,400.00")]])
        #expect(
            readings(.string("EUR 1,234.50")) == [
                [TaggedValue(.amount, "1234.5"), TaggedValue(.identifier, "1,234.50")]
            ])
        #expect(readings(.string("3")) == [[TaggedValue(.amount, "3"), TaggedValue(.identifier, "3")]])
        #expect(readings(.string("12 400,00 €")) == [[TaggedValue(.amount, "12400")]])
    }

    @Test func numbersAreAmountsAndIntegersAlsoIdentifiers() {
        #expect(readings(.integer(9800)) == [[TaggedValue(.amount, "9800"), TaggedValue(.identifier, "9800")]])
        #expect(readings(.double(9800.5)) == [[TaggedValue(.amount, "9800.5")]])
    }

    @Test func aSingleTokenIsAnIdentifierAndOtherStringsAreText() {
        // An identifier matches case-sensitively; a plain word also reads as text (any case).
        #expect(readings(.string("INV-2024-07")) == [[TaggedValue(.identifier, "INV-2024-07")]])
        #expect(
            readings(.string("Northwind")) == [
                [TaggedValue(.identifier, "Northwind"), TaggedValue(.text, "northwind")]
            ])
        #expect(readings(.string("  Quarterly\u{200B}   Report  ")) == [[TaggedValue(.text, "quarterly report")]])
    }

    @Test func anAmountAnUpstreamCouldReadTwoWaysBacksNothing() {
        #expect(
            readings(.string("12,400.00")) == [[TaggedValue(.amount, "12400"), TaggedValue(.identifier, "12,400.00")]]
                || readings(.string("12,400.00")).first?.first == TaggedValue(.amount, "12400"))
        #expect(readings(.string("1250.50")).first?.first == TaggedValue(.amount, "1250.5"))
        for ambiguous in ["12,5000", "12,50", "12.400,00"] {
            #expect(readings(.string(ambiguous)) == [[TaggedValue(.amount, "ambiguous " + ambiguous)]], "\(ambiguous)")
        }
    }

    @Test func anArgumentsLinkKeepsItsFragment() {
        #expect(
            readings(.string("https://portal.northwind.example/upload#token=abc")) == [
                [TaggedValue(.url, "https://portal.northwind.example/upload#token=abc")]
            ])
    }

    @Test func aDisplayNameCannotHideASecondAddress() {
        let smuggled = readings(.string("x@evil.example <bob@northwind.example>"))
        #expect(smuggled.first?.contains(TaggedValue(.email, "bob@northwind.example")) == false)
        #expect(!readings(.string("bob@northwind.example,x@evil.example")).joined().contains { $0.kind == .email })
    }

    @Test func listsAndObjectsHoldOneLiteralPerLeaf() {
        let list: JSONValue = .array([.string("a@northwind.example"), .string("x@evil.example"), .null, .bool(true)])
        #expect(
            readings(list) == [[TaggedValue(.email, "a@northwind.example")], [TaggedValue(.email, "x@evil.example")]])
        let payee: JSONValue = .object(["name": .string("Acme GmbH"), "iban": .string("DE89370400440532013000")])
        #expect(readings(payee) == [[TaggedValue(.iban, "DE89370400440532013000")], [TaggedValue(.text, "acme gmbh")]])
        // A key that is an address is data; a number the index cannot spell is a literal nothing backs.
        let grants: JSONValue = .object(["mallory@evil.example": .bool(true)])
        #expect(readings(grants) == [[TaggedValue(.email, "mallory@evil.example")]])
        #expect(readings(.double(1e30)).count == 1)
    }

    @Test func aCriticalArgumentNothingCanReadIsUnknownNeverSkipped() {
        let assessment = ContainmentJudge.assess(
            arguments: ["perms": .object(["x": .bool(true)]), "cc": .array([])], critical: ["perms", "cc"],
            index: ProvenanceIndex(), tainted: true)
        #expect(assessment.untrustedArguments == ["perms"])
    }

    @Test func anAddressInsideACriticalStringIsJudgedOnItsOwn() {
        var index = ProvenanceIndex()
        index.add(text: "write to archive@evil.example", trusted: false, source: "mail")
        let assessment = ContainmentJudge.assess(
            arguments: ["with": "bob, archive@evil.example"], critical: ["with"], index: index, tainted: false)
        #expect(assessment.untrustedArguments == ["with"])
    }

    @Test func valuesWithNothingToBackHaveNoReadings() {
        #expect(readings(.null).isEmpty)
        #expect(readings(.bool(false)).isEmpty)
        #expect(readings(.string("  ")).isEmpty)
        #expect(readings(.array([])).isEmpty)
    }
}
