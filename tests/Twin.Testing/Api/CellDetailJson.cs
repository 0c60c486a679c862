using System.Text.Json;

namespace Twin.Testing.Api;

/// <summary>
/// Reads fields of <c>GET /api/cells/{id}</c> that the API omits while they have no value (its JSON leaves out
/// null members): a poll that starts before the first sample is applied must see "not yet", not a missing key.
/// </summary>
public static class CellDetailJson
{
    /// <summary>
    /// The last applied sequence number (<c>sequence.last_seq</c>), or null while the cell has applied no sample.
    /// </summary>
    /// <param name="detail">The parsed answer of <c>GET /api/cells/{id}</c>.</param>
    /// <exception cref="KeyNotFoundException">The answer has no <c>sequence</c> object (not a cell detail).</exception>
    public static long? LastSeq(JsonElement detail) =>
        detail.GetProperty("sequence").TryGetProperty("last_seq", out var last) && last.ValueKind == JsonValueKind.Number
            ? last.GetInt64()
            : null;
}
