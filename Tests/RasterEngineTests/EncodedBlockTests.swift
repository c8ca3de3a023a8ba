@testable import RasterEngine
import Testing

/// The constant-block table's key: equal encoded bytes are one key, any other bytes another
/// (a prefix, one byte changed, an empty block).
@Suite struct EncodedBlockTests {
    @Test func equalBytesAreOneKeyOtherBytesAnother() {
        let bytes: [UInt8] = (0..<100).map { UInt8($0 * 7 % 251) }
        var changed = bytes
        changed[57] ^= 1
        var table: [EncodedBlock: UInt8] = [EncodedBlock(bytes: bytes): 1]
        #expect(table[EncodedBlock(bytes: Array(bytes))] == 1)
        #expect(EncodedBlock(bytes: bytes).hashValue == EncodedBlock(bytes: Array(bytes)).hashValue)
        #expect(table[EncodedBlock(bytes: changed)] == nil)
        #expect(table[EncodedBlock(bytes: Array(bytes.dropLast()))] == nil)
        table[EncodedBlock(bytes: [])] = 0
        #expect(table[EncodedBlock(bytes: [])] == 0)
        #expect(table.count == 2)
    }
}
