import Testing

@testable import WardenOAuth

@Suite("Strict JSON parser")
struct StrictJSONParserTests {
    private func parse(_ text: String) -> JSONValue? {
        StrictJSONParser.parse(Array(text.utf8))
    }

    @Test("valid documents parse to the values they spell")
    func parsesValidJSON() {
        #expect(
            parse(#" {"a": [1, -2.5e2, true, false, null], "b": {"c": "x\"\\\/\n\u00e9\ud83d\ude00"}} "#)
                == .object([
                    "a": [.number(1), .number(-250), .bool(true), .bool(false), .null],
                    "b": .object(["c": .string("x\"\\/\né😀")]),
                ]))
        #expect(parse("0") == .number(0))
        #expect(parse(#""""#) == .string(""))
        #expect(parse("[]") == .array([]))
        #expect(parse("{}") == .object([:]))
    }

    @Test("duplicate member names are refused")
    func refusesDuplicateMembers() {
        #expect(parse(#"{"alg":"RS256","alg":"none"}"#) == nil)
        #expect(parse(#"{"a":{"b":1,"b":2}}"#) == nil)
    }

    @Test(
        "malformed documents are refused",
        arguments: [
            "", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "01", "1.", ".5", "-", "1e", "+1",
            "tru", "nul", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\ud800\"", "\"\\ud800\\u0041\"", "[1] [2]", "{} x",
            "\"a\tb\"", "NaN", "1e999",
        ])
    func refusesMalformed(text: String) {
        #expect(parse(text) == nil)
    }

    @Test("invalid UTF-8 inside a string is refused")
    func refusesInvalidUTF8() {
        #expect(StrictJSONParser.parse([0x22, 0xC3, 0x28, 0x22]) == nil)
        #expect(StrictJSONParser.parse([0x22, 0xC3, 0xA9, 0x22]) == .string("é"))
    }

    @Test("nesting deeper than the limit is refused")
    func boundsDepth() {
        let limit = StrictJSONParser.maximumDepth
        let atLimit = String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1)
        let beyond = String(repeating: "[", count: limit + 2) + String(repeating: "]", count: limit + 2)
        #expect(parse(atLimit) != nil)
        #expect(parse(beyond) == nil)
    }

    @Test("base64url decoding is strict: alphabet, length and trailing bits")
    func base64URL() {
        #expect(Base64URL.decode("aGk") == Array("hi".utf8))
        #expect(Base64URL.decode("aGk=") == nil)
        #expect(Base64URL.decode("aGl") == nil)
        #expect(Base64URL.decode("a+k") == nil)
        #expect(Base64URL.decode("a") == nil)
        #expect(Base64URL.decode("") == [])
        let bytes: [UInt8] = Array(0...255)
        #expect(Base64URL.decode(Substring(Base64URL.encode(bytes))) == bytes)
    }
}
