import DropJSON

/// The `page`/`perPage` window of a list route and the `_meta` object that describes it.
///
/// Openlayer's list routes are paged this way; the sandbox follows suit so that a client that
/// forgets to read past the first page fails here as it would against the real API.
struct Paging {
    var page: Int
    var perPage: Int

    /// Reads `page` (default 1) and `perPage` (default `defaultPerPage`, at most `maxPerPage`;
    /// larger values are a 400 so a client relying on an unbounded page learns it early).
    init(_ query: QueryParameters, defaultPerPage: Int = 100, maxPerPage: Int = 100) throws {
        page = try query.positiveInteger("page") ?? 1
        perPage = try query.positiveInteger("perPage") ?? defaultPerPage
        guard perPage <= maxPerPage else {
            throw SandboxError.badRequest("Query parameter 'perPage' must be at most \(maxPerPage).")
        }
    }

    /// How many items precede this page.
    var offset: Int {
        let (product, overflow) = (page - 1).multipliedReportingOverflow(by: perPage)
        return overflow ? Int.max : product
    }

    func meta(totalItems: Int) -> JSONValue {
        let totalPages = totalItems == 0 ? 0 : (totalItems + perPage - 1) / perPage
        return .object(.init(pairs: [
            "page": .integer(Int64(page)),
            "perPage": .integer(Int64(perPage)),
            "totalItems": .integer(Int64(totalItems)),
            "totalPages": .integer(Int64(totalPages)),
        ]))
    }

    /// `{"_meta": {...}, "items": [...]}`, the shape of every Openlayer list response.
    func listBody(items: [JSONValue], totalItems: Int) -> JSONValue {
        .object(.init(pairs: ["_meta": meta(totalItems: totalItems), "items": .array(items)]))
    }
}
