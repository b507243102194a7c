import Testing
import WardenRedaction

@Suite("Email addresses")
struct EmailTests {
    @Test func plainAndTaggedAddressesAreFound() {
        #expect(
            matches(.email, in: "to=alice.smith+billing@mail.example.co.uk;") == [
                "alice.smith+billing@mail.example.co.uk"
            ])
        #expect(matches(.email, in: "contact <bob@example.org>.") == ["bob@example.org"])
    }

    @Test func mentionsAndHostPromptsAreNotEmails() {
        #expect(matches(.email, in: "ping @alice and root@localhost and a@b.c") == [])
    }

    @Test func urlUserInfoIsNotAnEmail() {
        #expect(matches(.email, in: "postgres://admin:pw@db.example.com/app") == [])
    }
}

@Suite("Phone numbers")
struct PhoneTests {
    @Test(arguments: [
        "+1-780-563-6083x7783", "(591)341-7776", "206.269.0743", "+44 20 7946 0958", "+44(0)115 4960914",
        "(01632) 960391", "07700 900123", "+49 (0) 9141 777631", "03662 585178", "04 15 39 15 00",
        "+33 (0)1 41 63 60 83", "00669 074391",
    ])
    func commonFormatsAreFound(number: String) {
        #expect(matches(.phone, in: "call \(number) today") == [number])
    }

    @Test func parenthesisedInternationalNumberIsFound() {
        #expect(matches(.phone, in: "reach me (+44 20 7946 0958)") == ["+44 20 7946 0958"])
    }

    @Test(arguments: [
        "2024-01-15 12:30:45", "15.01.2024 10:30", "1700000000123", "order 5408447115", "1.234.567.890",
        "1234567.890", "v1.2.3", "2024-01-15", "4111 1111 1111 1111",
    ])
    func datesIntegersAndAmountsAreNotPhones(text: String) {
        #expect(matches(.phone, in: "at \(text) done") == [])
    }

    @Test func ungroupedDigitsNeedAPhoneKeywordForThisNumber() {
        #expect(matches(.phone, in: "phone=0499105579 ok") == ["0499105579"])
        #expect(matches(.phone, in: "sms to 0034691180 ok") == ["0034691180"])
        #expect(matches(.phone, in: "phone=+1 555 123 4567 order=5408447115") == ["+1 555 123 4567"])
        #expect(matches(.phone, in: "road call great next. ts=1612585300808") == [])
        #expect(matches(.phone, in: "hotel 1234567890 tellis@example.com 1649459534") == [])
    }
}

@Suite("IBANs")
struct IBANTests {
    @Test func validIBANsAreFoundCompactAndGrouped() {
        #expect(matches(.iban, in: "iban=GB82WEST12345698765432") == ["GB82WEST12345698765432"])
        #expect(matches(.iban, in: "IBAN: DE89 3704 0044 0532 0130 00.") == ["DE89 3704 0044 0532 0130 00"])
    }

    @Test func badChecksumOrWrongCountryLengthIsNotAnIBAN() {
        #expect(matches(.iban, in: "iban=DE89370400440532013001") == [])
        #expect(matches(.iban, in: "iban=DE8937040044053201300") == [])
        #expect(matches(.iban, in: "iban=XX82WEST12345698765432") == [])
    }
}

@Suite("Payment cards")
struct CardTests {
    @Test(arguments: [
        "4111111111111111", "5555555555554444", "378282246310005", "6011111111111117",
        "4111 1111 1111 1111", "4111-1111-1111-1111", "3530111333300000",
    ])
    func luhnValidNumbersWithKnownIssuersAreFound(number: String) {
        #expect(matches(.card, in: "card=\(number).") == [number])
    }

    @Test func invalidLuhnIsNotACard() {
        #expect(matches(.card, in: "card=4111111111111112") == [])
    }

    @Test func luhnValidNumberWithoutAnIssuerIsNotACard() {
        #expect(matches(.card, in: "id=1234567812345670") == [])
    }

    @Test func uuidsAndMixedSeparatorsAreNotCards() {
        #expect(matches(.card, in: "request_id=12345678-1234-1234-1234-123456789012") == [])
        #expect(matches(.card, in: "id=550e8400-e29b-41d4-a716-446655440000") == [])
        #expect(matches(.card, in: "4111 1111-1111 1111") == [])
    }
}

@Suite("National identifiers")
struct NationalIDTests {
    @Test func usSSNsAreFound() {
        #expect(matches(.usSSN, in: "ssn=536-22-1234,") == ["536-22-1234"])
        #expect(matches(.usSSN, in: "SSN 536 22 1234") == ["536 22 1234"])
    }

    @Test(arguments: ["000-12-3456", "666-12-3456", "900-12-3456", "536-00-1234", "536-22-0000", "536-22-12345"])
    func neverIssuedSSNsAreNotFound(ssn: String) {
        #expect(matches(.usSSN, in: "ssn=\(ssn)") == [])
    }

    @Test func ukNationalInsuranceNumbersAreFound() {
        #expect(matches(.ukNINO, in: "nino=AB 12 34 56 C") == ["AB 12 34 56 C"])
        #expect(matches(.ukNINO, in: "nino=JG103759A") == ["JG103759A"])
    }

    @Test(arguments: ["QQ123456C", "GB123456A", "AO123456B", "AB123456E", "AB12345C"])
    func unallocatedNINOPrefixesAndSuffixesAreNotFound(nino: String) {
        #expect(matches(.ukNINO, in: "nino=\(nino)") == [])
    }
}

@Suite("IP addresses")
struct IPAddressTests {
    @Test func ipv4AddressesAreFound() {
        #expect(matches(.ipv4, in: "from 203.0.113.7:443 and 10.0.0.1.") == ["203.0.113.7", "10.0.0.1"])
    }

    @Test func outOfRangeOrLongerDottedRunsAreNotIPv4() {
        #expect(matches(.ipv4, in: "256.1.1.1 1.2.3.4.5 1.2.3.1000 a1.2.3.4") == [])
    }

    @Test func zeroPaddedOctetsAreStillAnAddress() {
        #expect(matches(.ipv4, in: "peer 010.000.000.001 up") == ["010.000.000.001"])
    }

    @Test(arguments: [
        "2001:db8::1", "fe80::1ff:fe23:4567:890a", "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
        "::ffff:192.0.2.1", "::1",
    ])
    func ipv6AddressesAreFound(address: String) {
        #expect(matches(.ipv6, in: "client=\(address) ok") == [address])
    }

    @Test func timesMacAddressesAndScopeOperatorsAreNotIPv6() {
        #expect(matches(.ipv6, in: "12:30:45 00:1a:2b:3c:4d:5e std::string a:b:c") == [])
    }
}
