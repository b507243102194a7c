import Testing
import WardenCore

@Suite("Digests and media types")
struct HexAndMediaTypeTests {
    @Test("SHA-256 digests are lower-case hex (FIPS 180-2 'abc' vector)")
    func digestOfABC() {
        #expect(
            Digest.sha256Hex(Array("abc".utf8))
                == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Hex.lowercase([0x00, 0x0F, 0xA0, 0xFF]) == "000fa0ff")
        #expect(Hex.lowercase([]) == "")
    }

    @Test("A Content-Type's media type drops parameters, white space and case")
    func essence() {
        #expect(MediaType.essence(of: "application/json") == "application/json")
        #expect(MediaType.essence(of: " Application/JSON ; charset=utf-8") == "application/json")
        #expect(MediaType.essence(of: "\ttext/event-stream;charset=utf-8") == "text/event-stream")
        #expect(MediaType.essence(of: "application/json-seq") == "application/json-seq")
        #expect(MediaType.essence(of: ";") == "")
        #expect(MediaType.essence(of: "") == "")
    }
}
