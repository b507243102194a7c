import Testing

@testable import WardenOAuth

@Suite("Token encodings")
struct Base64URLTests {
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
