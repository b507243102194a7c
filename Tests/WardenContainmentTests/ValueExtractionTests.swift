import Testing
import WardenCore

@testable import WardenContainment

/// What the index records from content: every value, whole, in one spelling per kind, so the same value written
/// two ways matches and a piece of a value never does.
struct ValueExtractionTests {
    func values(_ text: String, _ kind: ValueKind) -> Set<String> {
        Set(ValueExtractor.values(inText: text).filter { $0.kind == kind }.map(\.value))
    }

    @Test func emailsAreLowercasedAndTheirDomainIsKept() {
        let found = ValueExtractor.values(inText: "Write to <Bob.Smith@NorthWind.Example>, or ops@northwind.example.")
        #expect(found.contains(TaggedValue(.email, "bob.smith@northwind.example")))
        #expect(found.contains(TaggedValue(.email, "ops@northwind.example")))
        #expect(found.contains(TaggedValue(.domain, "northwind.example")))
        #expect(values("mailto:x@evil.example?subject=hi", .email) == ["x@evil.example"])
    }

    @Test func ibansAreOneValueWithOrWithoutSpacesAndMustPassTheChecksum() {
        #expect(values("IBAN: DE89 3704 0044 0532 0130 00.", .iban) == ["DE89370400440532013000"])
        #expect(values("iban de89370400440532013000", .iban) == ["DE89370400440532013000"])
        #expect(values("GB82 WEST 1234 5698 7654 32", .iban) == ["GB82WEST12345698765432"])
        // One digit off fails mod-97: not an IBAN (the token is still an identifier).
        #expect(values("DE89370400440532013001", .iban).isEmpty)
        #expect(values("DE89370400440532013001", .identifier) == ["DE89370400440532013001"])
    }

    @Test func lineBreaksWrittenAsEscapesSeparateValuesLikeLineBreaks() {
        // An iCalendar DESCRIPTION: the account runs up to an escaped line break, not into the next word.
        #expect(
            values(#"DESCRIPTION:Please pay to:\n  IBAN: GB48 SRLG 6083 7177 3019 46\n\nPlease do not quote"#, .iban)
                == ["GB48SRLG60837177301946"])
        #expect(values(#"contact\tpay@evil.example\r\n"#, .email).contains("pay@evil.example"))
    }

    @Test func aPossessiveIsNotPartOfTheValue() {
        #expect(
            values("Update vendor V-1001's IBAN and INV-7\u{2019}s status", .identifier).isSuperset(of: [
                "V-1001", "INV-7",
            ]))
    }

    @Test func theGroupsOfAnIBANAreNotValuesOfTheirOwn() {
        let found = ValueExtractor.values(inText: "Pay to DE89 3704 0044 0532 0130 00 today")
        #expect(!found.contains(TaggedValue(.amount, "130")))
        #expect(!found.contains(TaggedValue(.identifier, "3704")))
    }

    @Test func urlsAreNormalisedButPathAndQueryKeptExactly() {
        #expect(
            values("see HTTPS://Docs.Northwind.Example:443/Q3/Report?Id=7&x=%2F#top.", .url)
                == ["https://docs.northwind.example/Q3/Report?Id=7&x=%2F"])
        #expect(values("http://northwind.example:80", .url) == ["http://northwind.example/"])
        #expect(values("http://northwind.example:8080/a", .url) == ["http://northwind.example:8080/a"])
        #expect(values("[report](https://northwind.example/a_(b))", .url) == ["https://northwind.example/a_(b)"])
        #expect(values("(https://northwind.example/x)", .url) == ["https://northwind.example/x"])
        #expect(values("https://Docs.Northwind.Example/x", .domain) == ["docs.northwind.example"])
    }

    @Test func aURLsHostIsADomainButItsPartsAreNotOtherValues() {
        let found = ValueExtractor.values(inText: "https://evil.example/c?acct=12345&to=x@evil.example")
        #expect(!found.contains(TaggedValue(.amount, "12345")))
        #expect(!found.contains(TaggedValue(.email, "x@evil.example")))
    }

    @Test func bareDomainsNeedALetterTLDAndAreNotFileNames() {
        #expect(values("our partner northwind.example (NorthWind.Example.)", .domain) == ["northwind.example"])
        #expect(values("www.northwind.example/path", .domain) == ["www.northwind.example"])
        #expect(values("open q3.xlsx and report.pdf, v1.2, e.g. this", .domain).isEmpty)
        #expect(values("open q3.xlsx and report.pdf", .identifier) == ["q3.xlsx", "report.pdf"])
    }

    @Test func phonesNeedAPlusOrAPhoneShape() {
        #expect(values("call +49 30 1234 5678, then", .phone) == ["+493012345678"])
        #expect(values("call +49 (0)30 1234-5678", .phone) == ["+493012345678"])
        #expect(values("Tel:+1-555-123-4567", .phone) == ["+15551234567"])
        #expect(values("(030) 1234-5678", .phone) == ["03012345678"])
        // Dates, grouped numbers and short numbers are not phone numbers.
        #expect(values("on 2024-07-15 or 15.07.2024, 12 400 000 units, room 1234", .phone).isEmpty)
        // A ledger line's date and amount side by side are two values, not one number.
        #expect(values("Open: CC-20931  01/07/25  864.00  due 15/07/25", .phone).isEmpty)
        #expect(values("Open: CC-20931  01/07/25  864.00  due 15/07/25", .amount) == ["864"])
    }

    @Test func amountsInTheThreeSpellingsAreOneCanonicalDecimal() {
        #expect(values("total 12,400.00", .amount) == ["12400"])
        #expect(values("Summe 12.400,00", .amount) == ["12400"])
        #expect(values("EUR 1,234.5", .amount) == ["1234.5"])
        #expect(values("$99", .amount) == ["99"])
        #expect(values("99€ or 1'234.50 CHF or 100,- or 250,--", .amount) == ["99", "1234.5", "100", "250"])
        #expect(values("12 400,00 €", .amount) == ["12400"])
        #expect(values("1.500 units at 0.125", .amount) == ["1500", "0.125"])
        #expect(values("-42", .amount) == ["-42"])
    }

    @Test func identifiersAreWholeTokensAndCaseSensitive() {
        let found = values("Invoice INV-2024-07, ref INV_2024_07, ticket #3 and /finance/q3.pdf", .identifier)
        #expect(found.isSuperset(of: ["INV-2024-07", "INV_2024_07", "3", "/finance/q3.pdf"]))
        #expect(!found.contains("2024"))
        #expect(values("PO-ALPHA", .identifier) == ["PO-ALPHA"])
        // Slugs, channels and handles name things even without a digit.
        #expect(values("confirm in ap-team, #general and @rafa", .identifier) == ["ap-team", "general", "rafa"])
        #expect(values(#"C:\finance\report.docx"#, .identifier) == [#"C:\finance\report.docx"#])
        #expect(values("an ordinary sentence", .identifier).isEmpty)
        // Hexadecimal ids fold case; other identifiers keep it.
        #expect(values("7C9E6679-7425-40DE-944B-E07FC1F90AE7", .identifier) == ["7c9e6679-7425-40de-944b-e07fc1f90ae7"])
        #expect(values("Inv-7", .identifier) == ["Inv-7"])
    }

    @Test func theWholeShortTextIsAlsoOneNormalisedValue() {
        #expect(values("  Acme\u{00A0}GmbH \u{200B}\n Berlin ", .text) == ["acme gmbh berlin"])
        #expect(values("ＡＣＭＥ", .text) == ["acme"])
        // Too long to be one value: kept in overlapping pieces of at most half the longest value.
        let pieces = values(String(repeating: "a ", count: 1500), .text)
        #expect(!pieces.isEmpty && pieces.allSatisfy { $0.count <= ValueExtractor.maxTextLength / 2 })
        #expect(values("", .text).isEmpty)
    }

    @Test func structuredLinesHoldLeavesLikeJSONDoes() {
        let yaml = "- Amara\n- Chen\nrecipient: 'CH93 0076 2011 6238 5295 7'\nsubject: Rent March\nPlain prose line."
        #expect(values(yaml, .text).isSuperset(of: ["amara", "chen", "ch93 0076 2011 6238 5295 7", "rent march"]))
        #expect(!values(yaml, .text).contains("plain prose line."))
        #expect(values(yaml, .iban) == ["CH9300762011623852957"])
    }

    @Test func jsonNumbersAreAmountsAndIntegersIdentifiers() throws {
        let json = try StrictJSONParser().parse(
            #"{"id": 3, "total": 12400.0, "rate": 1e-05, "paid": false, "payee": {"name": "Acme GmbH"}, "amount_due": 90}"#
        )
        let found = ValueExtractor.values(in: json)
        // An integer is an amount only under an amount-like key: an invoice id must not back a payment's sum.
        #expect(!found.contains(TaggedValue(.amount, "3")))
        #expect(found.contains(TaggedValue(.amount, "90")))
        #expect(found.contains(TaggedValue(.identifier, "3")))
        #expect(found.contains(TaggedValue(.amount, "12400")))
        #expect(found.contains(TaggedValue(.amount, "0.00001")))
        #expect(found.contains(TaggedValue(.text, "acme gmbh")))
        // Keys are not values.
        #expect(!found.contains { $0.value == "payee" || $0.value == "total" })
    }

    @Test func jsonInsideAStringLeafIsReadToo() {
        let found = ValueExtractor.values(in: .object(["text": .string(#"{"iban":"DE89 3704 0044 0532 0130 00"}"#)]))
        #expect(found.contains(TaggedValue(.iban, "DE89370400440532013000")))
        #expect(found.contains(TaggedValue(.text, "de89 3704 0044 0532 0130 00")))
    }
}
