using System.Globalization;

namespace Twin.Drivers.Triggers;

/// <summary>
/// The trigger-box line protocol spoken by <see cref="TcpLineTrigger"/> and the simulated trigger box
/// (<c>Twin.FirmwareSim.Diffraction.TriggerBoxSimulator</c>). Defined by this project.
/// </summary>
/// <remarks>
/// <para>ASCII lines terminated by LF (a preceding CR is ignored), at most <see cref="MaxLineLength"/> bytes.
/// Tokens are separated by single or multiple spaces; numbers use the invariant culture ('.' decimal point).</para>
/// <list type="table">
/// <item><term><c>*IDN?</c></term><description>→ one line identifying the box, e.g. <c>Twin,SimTriggerBox,0,1.0</c>.</description></item>
/// <item><term><c>TRIG &lt;id&gt; &lt;exposure_s&gt;</c></term><description>
/// → <c>ACK &lt;id&gt;</c> at once (within the driver's ack timeout, default 2 s), then when the exposure has finished
/// <c>DONE &lt;id&gt; &lt;start_unix_ns&gt; &lt;end_unix_ns&gt; key=value…</c>, or <c>ERR &lt;id&gt; &lt;text&gt;</c> instead of
/// either line (e.g. <c>ERR P12 busy</c> when an exposure is running).</description></item>
/// <item><term>anything else</term><description>→ <c>ERR - &lt;text&gt;</c> (<c>-</c> stands for "no pattern id").</description></item>
/// </list>
/// <para>Pattern ids: 1–64 characters of <c>[A-Za-z0-9_.-]</c>, not starting with '.', so they are safe as file names.
/// Times: UTC, ns since the Unix epoch (as on the bus, README.md, "Topics and payloads"). DONE keys (values contain no spaces; the URI is percent-escaped):
/// <c>wavelength_A</c> (Å) or <c>energy_keV</c> (at least one), <c>tth_min</c> and <c>tth_max</c> (2θ range, degrees),
/// <c>detector</c>, <c>uri</c> — all required; <c>exposure_s</c> (actual exposure, defaults to the requested one) —
/// optional. Unknown keys are ignored so the box can add keys without breaking older drivers (a box knows nothing of
/// the cell: the lithium content at mid-exposure is the twin's, filled in by the driver).</para>
/// </remarks>
public static class TriggerProtocol
{
    /// <summary>Longest line accepted, bytes including the terminator.</summary>
    public const int MaxLineLength = 4096;

    /// <summary>Longest pattern id, characters.</summary>
    public const int MaxPatternIdLength = 64;

    /// <summary>Identification query.</summary>
    public const string IdentifyCommand = "*IDN?";

    /// <summary>Whether <paramref name="patternId"/> is a valid pattern id (1–64 of <c>[A-Za-z0-9_.-]</c>, not starting with '.').</summary>
    /// <param name="patternId">The candidate id.</param>
    /// <returns>True when valid.</returns>
    public static bool IsValidPatternId(string? patternId)
    {
        if (string.IsNullOrEmpty(patternId) || patternId.Length > MaxPatternIdLength || patternId[0] == '.') return false;
        foreach (char ch in patternId)
            if (!(char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-')) return false;
        return true;
    }

    /// <summary>Formats the trigger command.</summary>
    /// <param name="patternId">A valid pattern id.</param>
    /// <param name="exposureS">Exposure, s.</param>
    /// <returns>The line without terminator, e.g. <c>TRIG P0001 10</c>.</returns>
    public static string FormatTrig(string patternId, double exposureS) =>
        $"TRIG {patternId} {exposureS.ToString("R", CultureInfo.InvariantCulture)}";

    internal static void ValidateRequest(string patternId, double exposureS)
    {
        if (!IsValidPatternId(patternId))
            throw new ArgumentException(
                $"invalid pattern id '{patternId}': expected 1–{MaxPatternIdLength} characters of [A-Za-z0-9_.-], not starting with '.'",
                nameof(patternId));
        if (!(exposureS > 0) || !double.IsFinite(exposureS))
            throw new ArgumentOutOfRangeException(nameof(exposureS), exposureS, "exposure must be a positive finite number of seconds");
    }

    /// <summary>Splits a line into space-separated tokens.</summary>
    internal static string[] Tokens(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Parses the tokens of a DONE line (token 0 = "DONE", token 1 = id) into a record.</summary>
    /// <returns>Null and an error text when the line is malformed.</returns>
    internal static AcquiredPattern? ParseDone(string[] t, double requestedExposureS, out string? error)
    {
        error = null;
        if (t.Length < 4) { error = "expected DONE <id> <start_unix_ns> <end_unix_ns> key=value…"; return null; }
        if (!long.TryParse(t[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out long start) || start < 0)
        { error = $"start time '{t[2]}' is not a non-negative integer of ns since the Unix epoch"; return null; }
        if (!long.TryParse(t[3], NumberStyles.Integer, CultureInfo.InvariantCulture, out long end) || end < start)
        { error = $"end time '{t[3]}' is not an integer of ns since the Unix epoch at or after the start"; return null; }

        var kv = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 4; i < t.Length; i++)
        {
            int eq = t[i].IndexOf('=');
            if (eq <= 0) { error = $"expected key=value, found '{t[i]}'"; return null; }
            kv[t[i][..eq]] = t[i][(eq + 1)..];
        }

        double? wavelength = null, energy = null, exposure = requestedExposureS;
        if (!OptionalPositive(kv, "wavelength_A", ref wavelength, ref error)) return null;
        if (!OptionalPositive(kv, "energy_keV", ref energy, ref error)) return null;
        if (!OptionalPositive(kv, "exposure_s", ref exposure, ref error)) return null;
        if (wavelength is null && energy is null) { error = "missing wavelength_A= or energy_keV="; return null; }
        if (!Finite(kv, "tth_min", out double tthMin, ref error) || !Finite(kv, "tth_max", out double tthMax, ref error)) return null;
        if (!(tthMax > tthMin)) { error = $"tth_max {tthMax} is not above tth_min {tthMin}"; return null; }
        if (!kv.TryGetValue("detector", out var detector) || detector.Length == 0) { error = "missing detector="; return null; }
        if (!kv.TryGetValue("uri", out var uri)) { error = "missing uri="; return null; }

        return new AcquiredPattern(t[1], start, end, exposure!.Value, wavelength, energy, tthMin, tthMax, detector, uri);
    }

    private static bool OptionalPositive(Dictionary<string, string> kv, string key, ref double? value, ref string? error)
    {
        if (!kv.TryGetValue(key, out var s)) return true;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v > 0) || !double.IsFinite(v))
        {
            error = $"{key} '{s}' is not a positive number";
            return false;
        }
        value = v;
        return true;
    }

    private static bool Finite(Dictionary<string, string> kv, string key, out double value, ref string? error)
    {
        value = double.NaN;
        if (!kv.TryGetValue(key, out var s)) { error = $"missing {key}="; return false; }
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) || !double.IsFinite(value))
        {
            error = $"{key} '{s}' is not a number";
            return false;
        }
        return true;
    }
}
