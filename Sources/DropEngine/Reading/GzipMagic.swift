import DropFormats

#if canImport(Glibc)
import Glibc
#endif

/// Whether a file starts as gzip does (1F 8B), whatever its name says: a compressed file named
/// `.csv` is refused for what it is, not for the columns its bytes seem to lack.
enum GzipMagic {
    static func starts(_ path: String) throws -> Bool {
        let descriptor = try RegularFile.openForReading(path)
        defer { close(descriptor) }
        var magic: (UInt8, UInt8) = (0, 0)
        let count = withUnsafeMutableBytes(of: &magic) { pread(descriptor, $0.baseAddress, 2, 0) }
        return count == 2 && magic.0 == 0x1F && magic.1 == 0x8B
    }
}
