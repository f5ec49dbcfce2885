import DropFormats

extension CSVRowEncoder {
    /// Appends a row that `encode` accepted to a bulk Arrow file, cell by cell from its bytes,
    /// each as its column's Arrow type (`ArrowSchemaPlan`, from the same survey) and with the
    /// same values the JSON of the stream path carries. The row was checked by `encode`, so
    /// nothing here can fail.
    /// - Parameters:
    ///   - generatedId: the id `encode` generated for the row, if it did (not made twice).
    ///   - doubles: space for a list of scores.
    func appendArrow(
        _ fields: CSVFields, generatedId: UnsafeBufferPointer<UInt8>, to row: inout ArrowStreamWriter.Row, doubles: inout [Double]
    ) {
        let fillsIds = fill != nil
        for index in kinds.indices {
            let cell = index < fields.count ? fields[index] : UnsafeBufferPointer(start: nil, count: 0)
            if CSVCellBytes.isMissing(cell) {
                if index == idIndex, fillsIds {
                    row.utf8(generatedId)
                } else if index == timestampIndex, let fillTimestamp {
                    row.int64(fillTimestamp)
                } else {
                    row.null()
                }
                continue
            }
            switch row.type(of: index) {
            case .utf8:
                row.utf8(cell)
            case .int64:
                guard case .integer(let value)? = CSVCellBytes.canonicalNumber(cell) else { preconditionFailure("encode took a non-integer") }
                row.int64(value)
            case .double:
                switch CSVCellBytes.canonicalNumber(cell) {
                case .integer(let value)?: row.double(Double(value))
                case .double?: row.double(Self.double(cell) ?? .nan)
                case nil: preconditionFailure("encode took a non-number")
                }
            case .bool:
                row.bool(CSVCellBytes.boolean(cell) ?? false)
            case .listOfDouble:
                Self.scoreValues(cell, into: &doubles)
                doubles.withUnsafeBufferPointer { row.doubles($0) }
            }
        }
        if fillsIds, idIndex == nil { row.utf8(generatedId) }
        if timestampIndex == nil, let fillTimestamp { row.int64(fillTimestamp) }
    }

    /// The numbers of a scores list `encode` accepted (`[0.9, 0.1]`, blanks anywhere between).
    private static func scoreValues(_ cell: CSVCellBytes.Bytes, into doubles: inout [Double]) {
        doubles.removeAll(keepingCapacity: true)
        var start = 1
        let end = cell.count - 1
        while start < end {
            while start < end, cell[start] == UInt8(ascii: " ") || cell[start] == UInt8(ascii: "\t") || cell[start] == UInt8(ascii: ",") {
                start += 1
            }
            var stop = start
            while stop < end, cell[stop] != UInt8(ascii: ","), cell[stop] != UInt8(ascii: " "), cell[stop] != UInt8(ascii: "\t") { stop += 1 }
            if stop > start { doubles.append(double(UnsafeBufferPointer(rebasing: cell[start..<stop])) ?? .nan) }
            start = stop
        }
    }
}
