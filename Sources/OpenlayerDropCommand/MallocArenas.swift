#if canImport(Glibc)
import Glibc
#endif

/// glibc gives each thread that allocates an arena of its own, and memory freed into one arena is
/// not reused by another: request bodies made on an encoder's thread and freed on the HTTP
/// client's end up spread over as many arenas as there are threads, each keeping its share
/// resident. With one arena, publishing a 1 GiB file with ids peaked 6 MiB lower
/// (`scripts/bench.sh`), at the same speed: the hot paths allocate per batch, not per row.
enum MallocArenas {
    /// One arena, unless `MALLOC_ARENA_MAX` asks for another number. Called first thing.
    static func limitUnlessConfigured() {
        #if canImport(Glibc)
        guard getenv("MALLOC_ARENA_MAX") == nil else { return }
        // `mallopt` is declared in <malloc.h>, which the Glibc module leaves out: looked up instead.
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let arenaMaximum: Int32 = -8  // M_ARENA_MAX
        _ = unsafeBitCast(symbol, to: Mallopt.self)(arenaMaximum, 1)
        #endif
    }
}
