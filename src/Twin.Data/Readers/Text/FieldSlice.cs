namespace Twin.Data.Readers.Text;

/// <summary>Where one field lies inside a line: start offset and length in bytes (quotes already removed).</summary>
/// <param name="Start">Offset of the first byte of the field's content.</param>
/// <param name="Length">Length of the content in bytes.</param>
internal readonly record struct FieldSlice(int Start, int Length)
{
    /// <summary>The field's bytes within <paramref name="line"/>.</summary>
    public ReadOnlySpan<byte> Of(ReadOnlySpan<byte> line) => line.Slice(Start, Length);
}
