using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Twin.Core.Materials;

/// <summary>Reading of the data files whose numbers refer to citations under "sources" (materials, OCP tables).</summary>
internal static class SourcedJson
{
    /// <summary>Deserialises a file; malformed JSON or a JSON null becomes a <see cref="FormatException"/> naming the file.</summary>
    public static T Read<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> type, string origin, string what) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw new FormatException($"{origin}: expected a JSON object, found null");
        }
        catch (JsonException e)
        {
            throw new FormatException($"{origin}: not a valid {what}: {e.Message}", e);
        }
    }

    /// <summary>The citation of a source id, or a <see cref="FormatException"/> naming the file and where the id was used.</summary>
    public static string Cite(IReadOnlyDictionary<string, string> sources, string id, string origin, string where) =>
        sources.TryGetValue(id, out var s)
            ? s
            : throw new FormatException($"{origin}: {where} refers to source '{id}', which is not defined under \"sources\"");
}
