import DropFormats

/// What reading a tar archive needs of the gzip stream beyond `nextBytes(upTo:)`: whole header
/// blocks, skipping contents nobody asked for, and reading on to the end so that the CRC-32 is
/// checked. Only `TarGzReader` reads this way; the product's gzip input reads chunk by chunk.
extension GzipFileReader {
    /// Exactly `count` bytes; nil if the data ended before the first of them, fewer than
    /// `count` if it ended in between (the caller decides whether that is damage).
    func nextBytes(exactly count: Int) throws -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        while bytes.count < count {
            let received = try nextBytes(upTo: count - bytes.count) { bytes.append(contentsOf: $0) }
            if received == 0 { return bytes.isEmpty ? nil : bytes }
        }
        return bytes
    }

    /// Skips `count` bytes; returns false if the data ended first.
    func skip(_ count: Int64) throws -> Bool {
        var left = count
        while left > 0 {
            let skipped = try nextBytes(upTo: Int(min(left, Int64(Self.chunkSize)))) { _ in }
            if skipped == 0 { return false }
            left -= Int64(skipped)
        }
        return true
    }

    /// Reads to the end of the last member, so zlib checks the CRC-32 of every byte even when
    /// the caller needs nothing past the tar end blocks.
    func drain() throws {
        while try skip(Int64(Self.chunkSize)) {}
    }
}
