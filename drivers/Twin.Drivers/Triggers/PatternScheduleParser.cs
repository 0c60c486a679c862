using System.Globalization;

namespace Twin.Drivers.Triggers;

/// <summary>Parser of the text form of <see cref="PatternSchedule"/> (grammar in <see cref="PatternSchedule.Parse"/>).</summary>
internal static class PatternScheduleParser
{
    private static readonly string[] s_lithiumUnits = ["c_li", "cli", "c-li", "li", "δc_li", "Δc_li", "dc_li", "delta_c_li"];

    public static List<ScheduleRule> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rules = new List<ScheduleRule>();
        int start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] is not (';' or ',' or '\n' or '\r')) continue;
            var clause = Tokenize(text, start, i);
            if (clause.Count > 0) rules.Add(ParseClause(text, clause, i));
            start = i + 1;
        }
        if (rules.Count == 0) throw Error(text, 0, "expected at least one rule such as 'every 0.02 c_Li' or 'every 10 minutes'");
        return rules;
    }

    private static ScheduleRule ParseClause(string text, List<(string Word, int At)> t, int clauseEnd)
    {
        int pos = 0;
        (string Word, int At) Next(string expected)
        {
            if (pos >= t.Count) throw Error(text, clauseEnd, $"expected {expected}, found the end of the rule");
            return t[pos++];
        }

        var every = Next("'every'");
        if (!every.Word.Equals("every", StringComparison.OrdinalIgnoreCase))
            throw Error(text, every.At, $"expected 'every', found '{every.Word}'");

        var first = Next("a number or 'c_Li'");
        bool lithiumFirst = IsLithiumUnit(first.Word);
        var numTok = lithiumFirst ? Next("a c_Li spacing such as 0.02") : first;
        double value = Number(text, numTok, lithiumFirst ? "a c_Li spacing such as 0.02" : "a number (c_Li spacing or time)");

        bool lithium = lithiumFirst;
        double timeScale = 0;
        if (!lithiumFirst)
        {
            if (pos >= t.Count) throw Error(text, clauseEnd, $"expected a unit after {numTok.Word}: c_Li, s, min or h");
            var unit = t[pos];
            if (IsLithiumUnit(unit.Word)) { lithium = true; pos++; }
            else if (unit.Word.Equals("below", StringComparison.OrdinalIgnoreCase)) lithium = true; // unit omitted
            else if (TimeScale(unit.Word) is { } sc) { timeScale = sc; pos++; }
            else throw Error(text, unit.At, $"expected a unit after {numTok.Word}: c_Li, s, min or h, found '{unit.Word}'");
        }

        if (!lithium)
        {
            if (pos < t.Count) throw Error(text, t[pos].At, $"expected the end of the time rule, found '{t[pos].Word}' ('below' applies to c_Li spacings only)");
            if (!(value > 0) || !double.IsFinite(value)) throw Error(text, numTok.At, $"expected a positive time interval, found {numTok.Word}");
            double seconds = value * timeScale;
            if (seconds < 1e-3 || seconds > TimeSpan.MaxValue.TotalSeconds / 2) throw Error(text, numTok.At, $"expected an interval between 1 ms and many years, found {numTok.Word}");
            return new TimeIntervalRule(TimeSpan.FromSeconds(seconds));
        }

        if (!(value >= 1e-4 && value <= 1)) throw Error(text, numTok.At, $"expected a c_Li spacing between 0.0001 and 1, found {numTok.Word}");
        double? below = null;
        if (pos < t.Count)
        {
            var kw = t[pos++];
            if (!kw.Word.Equals("below", StringComparison.OrdinalIgnoreCase))
                throw Error(text, kw.At, $"expected 'below' or the end of the rule, found '{kw.Word}'");
            var b = Next("a c_Li threshold such as 0.45");
            double threshold = Number(text, b, "a c_Li threshold such as 0.45");
            if (!(threshold > 0 && threshold <= 2)) throw Error(text, b.At, $"expected a c_Li threshold in (0, 2], found {b.Word}");
            below = threshold;
            if (pos < t.Count && IsLithiumUnit(t[pos].Word)) pos++; // "below 0.45 c_Li"
            if (pos < t.Count) throw Error(text, t[pos].At, $"expected the end of the rule, found '{t[pos].Word}'");
        }
        return new LithiumGridRule(value, below);
    }

    private static List<(string Word, int At)> Tokenize(string text, int from, int to)
    {
        var list = new List<(string, int)>();
        int i = from;
        while (i < to)
        {
            while (i < to && char.IsWhiteSpace(text[i])) i++;
            int s = i;
            while (i < to && !char.IsWhiteSpace(text[i])) i++;
            if (i > s) list.Add((text[s..i], s));
        }
        return list;
    }

    private static bool IsLithiumUnit(string w)
    {
        foreach (var u in s_lithiumUnits) if (w.Equals(u, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    private static double? TimeScale(string w) => w.ToLowerInvariant() switch
    {
        "s" or "sec" or "secs" or "second" or "seconds" => 1,
        "min" or "mins" or "minute" or "minutes" => 60,
        "h" or "hr" or "hrs" or "hour" or "hours" => 3600,
        _ => null,
    };

    private static double Number(string text, (string Word, int At) tok, string expected)
    {
        if (!double.TryParse(tok.Word, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw Error(text, tok.At, $"expected {expected}, found '{tok.Word}'");
        return v;
    }

    private static FormatException Error(string text, int index, string message)
    {
        string oneLine = text.Replace('\n', ' ').Replace('\r', ' ');
        return new FormatException(
            $"pattern schedule, column {index + 1}: {message}{Environment.NewLine}  {oneLine}{Environment.NewLine}  {new string(' ', Math.Min(index, oneLine.Length))}^");
    }
}
