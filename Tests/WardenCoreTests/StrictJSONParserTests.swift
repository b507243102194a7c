import Testing

@testable import WardenCore

@Suite("Strict JSON parsing refuses what could be read two ways")
struct StrictJSONParserTests {
    let parser = StrictJSONParser()

    @Test("parses every JSON type exactly")
    func parsesValues() throws {
        let value = try parser.parse(#"{"a":[1,-2,3.5,true,false,null,"x\u00e9\n"],"b":{}}"#)
        #expect(
            value["a"]
                == .array([.integer(1), .integer(-2), .double(3.5), .bool(true), .bool(false), .null, .string("xé\n")]))
        #expect(value["b"] == .object([:]))
    }

    @Test(
        "refuses malformed or ambiguous documents",
        arguments: [
            #"{"a":1,"a":2}"#,  // duplicate member: two readers could see two meanings
            #"{"a":1"#,
            #"[1,]"#,
            #"01"#,
            #"1 2"#,
            #""\ud800""#,  // lone surrogate
            #""\udc00x""#,
            "\"a\u{01}\"",  // raw control character
            #"NaN"#,
            #"1e999"#,
            #"{'a':1}"#,
            "",
            #"tru"#,
        ]
    )
    func refusesMalformed(_ text: String) {
        #expect(throws: StrictJSONParser.ParseError.self) { try parser.parse(text) }
    }

    @Test("refuses invalid UTF-8 in strings")
    func refusesInvalidUTF8() {
        let bytes: [UInt8] = [0x22, 0xC0, 0xAF, 0x22]  // overlong encoding of '/'
        #expect(throws: StrictJSONParser.ParseError.self) { try parser.parse(bytes) }
    }

    @Test("bounds nesting depth and size")
    func boundsDepthAndSize() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(throws: StrictJSONParser.ParseError.self) { try parser.parse(deep) }
        let small = StrictJSONParser(limits: .init(maxDepth: 8, maxBytes: 10, maxStringBytes: 4))
        #expect(throws: StrictJSONParser.ParseError.self) { try small.parse(#"["12345678901"]"#) }
    }

    @Test("joins surrogate pairs")
    func surrogatePairs() throws {
        #expect(try parser.parse(#""\ud83d\ude00""#) == .string("😀"))
    }
}

@Suite("Canonical JSON (RFC 8785) gives one encoding per value")
struct CanonicalJSONTests {
    @Test("sorts members by UTF-16 code units and escapes minimally")
    func sortsAndEscapes() throws {
        let value = try StrictJSONParser().parse(#"{"b":1,"a":"\u000f\"","\u20ac":0,"\ud83d\ude00":1,"é":2}"#)
        // U+20AC sorts before U+1F600, whose first UTF-16 unit is 0xD83D.
        #expect(CanonicalJSON.string(value) == #"{"a":"\u000f\"","b":1,"é":2,"€":0,"😀":1}"#)
    }

    @Test(
        "formats numbers as ECMAScript does",
        arguments: [
            (1.0, "1"), (0.5, "0.5"), (-0.0, "0"), (1e21, "1e+21"), (1e20, "100000000000000000000"),
            (1.5e-7, "1.5e-7"), (0.000001, "0.000001"), (123.456, "123.456"), (4.5e300, "4.5e+300"),
        ]
    )
    func formatsNumbers(_ pair: (Double, String)) {
        #expect(CanonicalJSON.string(.double(pair.0)) == pair.1)
    }

    @Test("member order does not change the digest")
    func digestIgnoresOrder() throws {
        let a = try StrictJSONParser().parse(#"{"to":"a@example.com","amount":5}"#)
        let b = try StrictJSONParser().parse(#"{ "amount" : 5 , "to" : "a@example.com" }"#)
        #expect(CanonicalJSON.sha256Hex(a) == CanonicalJSON.sha256Hex(b))
        #expect(CanonicalJSON.sha256Hex(a).count == 64)
    }
}

@Suite("Tool names are exact ASCII server.tool pairs")
struct QualifiedToolNameTests {
    @Test("accepts plain names")
    func accepts() throws {
        let name = try #require(QualifiedToolName(parsing: "billing.pay_invoice"))
        #expect(name.server == "billing" && name.tool == "pay_invoice")
    }

    @Test(
        "refuses look-alikes and extra structure",
        arguments: [
            "billing", "billing.", ".x", "a.b.c", "billing.pay\u{200B}invoice", "bilIing.pay", "b\u{0456}lling.pay",
            " a.b", "a.b ", "a/b",
        ]
    )
    func refuses(_ text: String) {
        if text == "bilIing.pay" {
            // ASCII capital I is a valid (different) name: exactness, not folding, is the defence.
            #expect(QualifiedToolName(parsing: text)?.server == "bilIing")
        } else {
            #expect(QualifiedToolName(parsing: text) == nil)
        }
    }
}
