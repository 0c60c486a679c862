namespace Twin.Drivers.Instruments;

/// <summary>Splits comma-separated SCPI response data into numbers.</summary>
public static class ReplyFields
{
    /// <summary>Parses exactly <c>values.Length</c> comma-separated numbers.</summary>
    /// <param name="reply">Response text, e.g. <c>4.123E+00,1.0E-03,1700000000,0.25</c>.</param>
    /// <param name="values">Receives the numbers.</param>
    /// <returns>False when the count differs or a field is not a finite number.</returns>
    public static bool TryParseNumbers(ReadOnlySpan<char> reply, Span<double> values)
    {
        int n = 0;
        foreach (var range in reply.Split(','))
        {
            if (n == values.Length || !ScpiNumbers.TryParse(reply[range], out values[n])) return false;
            n++;
        }
        return n == values.Length;
    }
}
