namespace Twin.Data.Readers.Text;

/// <summary>
/// Splits one delimited line into fields by byte offsets, without allocating. Fields wrapped in double
/// quotes may contain the delimiter; the quotes are removed from the slice (a doubled quote inside stays
/// doubled: see <see cref="FieldText.Unescape"/>).
/// </summary>
internal static class FieldSplitter
{
    /// <summary>
    /// Fills <paramref name="fields"/> with the first <c>fields.Length</c> fields of <paramref name="line"/>
    /// and returns how many were found (fewer when the line is shorter). Stops early: the rest of a long
    /// line is never scanned.
    /// </summary>
    public static int Split(ReadOnlySpan<byte> line, byte delimiter, Span<FieldSlice> fields)
    {
        int count = 0;
        int position = 0;
        while (count < fields.Length)
        {
            if (position < line.Length && line[position] == (byte)'"')
            {
                position = SplitQuoted(line, position, delimiter, out fields[count]);
            }
            else
            {
                int length = line[position..].IndexOf(delimiter);
                if (length < 0)
                {
                    fields[count++] = new FieldSlice(position, line.Length - position);
                    return count;
                }

                fields[count] = new FieldSlice(position, length);
                position += length;
            }

            count++;
            if (position >= line.Length)
            {
                return count;
            }

            position++; // past the delimiter
            if (position == line.Length)
            {
                // A trailing delimiter ends the line with one empty field.
                if (count < fields.Length)
                {
                    fields[count++] = new FieldSlice(position, 0);
                }

                return count;
            }
        }

        return count;
    }

    /// <summary>Splits a whole line into decoded strings (header rows only: allocates).</summary>
    public static List<string> SplitToStrings(ReadOnlySpan<byte> line, byte delimiter)
    {
        var slices = new FieldSlice[line.Count(delimiter) + 1];
        int count = Split(line, delimiter, slices);
        var names = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            names.Add(FieldText.Unescape(slices[i].Of(line)));
        }

        return names;
    }

    private static int SplitQuoted(ReadOnlySpan<byte> line, int openQuote, byte delimiter, out FieldSlice field)
    {
        int contentStart = openQuote + 1;
        int position = contentStart;
        while (true)
        {
            int quote = line[position..].IndexOf((byte)'"');
            if (quote < 0)
            {
                // Unterminated quote: take the rest of the line as the field.
                field = new FieldSlice(contentStart, line.Length - contentStart);
                return line.Length;
            }

            position += quote;
            if (position + 1 < line.Length && line[position + 1] == (byte)'"')
            {
                position += 2; // doubled quote inside the field
                continue;
            }

            field = new FieldSlice(contentStart, position - contentStart);
            int after = line[(position + 1)..].IndexOf(delimiter);
            return after < 0 ? line.Length : position + 1 + after;
        }
    }
}
