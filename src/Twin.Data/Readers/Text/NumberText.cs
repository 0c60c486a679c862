using System.Globalization;

namespace Twin.Data.Readers.Text;

/// <summary>
/// Parses numbers straight from UTF-8 field bytes, without allocating.
/// </summary>
/// <remarks>
/// Plain decimals with at most 19 significant digits and a small power of ten take an exact fast path
/// (integer mantissa times or divided by an exactly representable power of ten is correctly rounded by
/// IEEE arithmetic); anything else goes to <see cref="double.TryParse(ReadOnlySpan{byte}, NumberStyles, IFormatProvider?, out double)"/>
/// with the invariant culture, so results are identical to it. Files written with a decimal comma are
/// handled by copying the field to a small stack buffer with ',' replaced by '.'.
/// </remarks>
internal static class NumberText
{
    private const int MaxStackField = 128;

    // An array rather than a span over static data: unoptimised (Debug) code would otherwise allocate a
    // field handle on every access.
    private static readonly double[] PowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>Parses a floating-point field (surrounding blanks allowed). Empty text is not a number.</summary>
    public static bool TryParseDouble(ReadOnlySpan<byte> field, bool decimalComma, out double value)
    {
        field = FieldText.Trim(field);
        if (decimalComma && field.IndexOf((byte)',') >= 0)
        {
            if (field.Length > MaxStackField)
            {
                value = 0;
                return false;
            }

            Span<byte> copy = stackalloc byte[field.Length];
            field.CopyTo(copy);
            copy.Replace((byte)',', (byte)'.');
            return TryParseTrimmed(copy, out value);
        }

        return TryParseTrimmed(field, out value);
    }

    /// <summary>
    /// Parses an integer field. Integral values written as decimals ("3.000E+000", "12.0") are accepted;
    /// fractional values are not.
    /// </summary>
    public static bool TryParseInt(ReadOnlySpan<byte> field, bool decimalComma, out int value)
    {
        field = FieldText.Trim(field);
        if (TryParseSimpleInt(field, out value))
        {
            return true;
        }

        if (TryParseDouble(field, decimalComma, out double d) && d == Math.Floor(d) && d >= int.MinValue && d <= int.MaxValue)
        {
            value = (int)d;
            return true;
        }

        value = 0;
        return false;
    }

    private static bool TryParseSimpleInt(ReadOnlySpan<byte> s, out int value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 10)
        {
            return false;
        }

        int i = 0;
        bool negative = false;
        if (s[0] == (byte)'-' || s[0] == (byte)'+')
        {
            negative = s[0] == (byte)'-';
            i = 1;
            if (s.Length == 1)
            {
                return false;
            }
        }

        long acc = 0;
        for (; i < s.Length; i++)
        {
            uint digit = (uint)(s[i] - (byte)'0');
            if (digit > 9)
            {
                return false;
            }

            acc = (acc * 10) + digit;
        }

        acc = negative ? -acc : acc;
        if (acc is < int.MinValue or > int.MaxValue)
        {
            return false;
        }

        value = (int)acc;
        return true;
    }

    private static bool TryParseTrimmed(ReadOnlySpan<byte> s, out double value)
    {
        if (TryParseFast(s, out value))
        {
            return true;
        }

        return !s.IsEmpty && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>Exact fast path for "[-+]digits[.digits][e[-+]digits]"; false means "use the general parser".</summary>
    private static bool TryParseFast(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        int i = 0;
        int n = s.Length;
        if (n == 0)
        {
            return false;
        }

        bool negative = false;
        if (s[0] == (byte)'-' || s[0] == (byte)'+')
        {
            negative = s[0] == (byte)'-';
            i = 1;
        }

        ulong mantissa = 0;
        int significant = 0;
        int exponent = 0;
        int digits = 0;
        for (; i < n; i++)
        {
            uint digit = (uint)(s[i] - (byte)'0');
            if (digit > 9)
            {
                break;
            }

            digits++;
            if (mantissa == 0 && digit == 0)
            {
                continue; // leading zero
            }

            if (++significant > 19)
            {
                return false;
            }

            mantissa = (mantissa * 10) + digit;
        }

        if (i < n && s[i] == (byte)'.')
        {
            for (i++; i < n; i++)
            {
                uint digit = (uint)(s[i] - (byte)'0');
                if (digit > 9)
                {
                    break;
                }

                digits++;
                exponent--;
                if (mantissa == 0 && digit == 0)
                {
                    continue;
                }

                if (++significant > 19)
                {
                    return false;
                }

                mantissa = (mantissa * 10) + digit;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        if (i < n && (s[i] | 0x20) == (byte)'e')
        {
            i++;
            bool negativeExponent = false;
            if (i < n && (s[i] == (byte)'-' || s[i] == (byte)'+'))
            {
                negativeExponent = s[i] == (byte)'-';
                i++;
            }

            int start = i;
            int explicitExponent = 0;
            for (; i < n && i - start < 4; i++)
            {
                uint digit = (uint)(s[i] - (byte)'0');
                if (digit > 9)
                {
                    break;
                }

                explicitExponent = (explicitExponent * 10) + (int)digit;
            }

            if (i == start)
            {
                return false;
            }

            exponent += negativeExponent ? -explicitExponent : explicitExponent;
        }

        if (i != n)
        {
            return false;
        }

        if (mantissa > (1UL << 53) || exponent < -22 || exponent > 22)
        {
            return false;
        }

        double result = mantissa;
        result = exponent < 0 ? result / PowersOfTen[-exponent] : result * PowersOfTen[exponent];
        value = negative ? -result : result;
        return true;
    }
}
