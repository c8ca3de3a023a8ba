@testable import QuickLook
import Testing

/// The quick look's rank selection against a full sort: every rank of random arrays, with runs of equal
/// values, sorted and reversed input, single elements.
struct OrderStatisticTests {
    @Test func everyRankEqualsTheSortedArraysElement() {
        var generator = SystemRandomNumberGenerator()
        for count in [1, 2, 3, 5, 17, 64, 257, 1000] {
            for distinct in [1, 3, count] {
                let values = (0..<count).map { _ in Double(Int.random(in: 0..<distinct, using: &generator)) * 0.5 - 1 }
                for arrangement in [values, values.sorted(), values.sorted().reversed()] {
                    let sorted = arrangement.sorted()
                    for rank in 0..<count {
                        var work = arrangement
                        #expect(OrderStatistic.select(rank, in: &work) == sorted[rank],
                                "rank \(rank) of \(count) values, \(distinct) distinct")
                    }
                }
            }
        }
    }

    @Test func twoRanksOfOneArrayAsTheStretchTakesThem() {
        var values = (0..<65_536).map { Double(($0 * 7919) % 4099) }
        let sorted = values.sorted()
        let low = OrderStatistic.select(1311, in: &values)
        let high = OrderStatistic.select(64_224, in: &values)
        #expect(low == sorted[1311] && high == sorted[64_224])
    }
}
