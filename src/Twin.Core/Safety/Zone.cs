namespace Twin.Core.Safety;

/// <summary>
/// Lithium-content zones of the safety window (docs/model.md §4; Jousseaume et al., Energy Environ. Sci.
/// 2024, 17, 2753: exponential anisotropic strain below c_Li = 0.40, §3.5–3.6; d_TM plateau at 0.32, §3.4).
/// Ordered from safest to most severe so that <c>zone &gt; Zone.Caution</c> reads naturally.
/// </summary>
public enum Zone : byte
{
    /// <summary>c_Li ≥ caution limit (default 0.45).</summary>
    Safe = 0,
    /// <summary>critical limit ≤ c_Li &lt; caution limit (defaults 0.40 … 0.45).</summary>
    Caution = 1,
    /// <summary>c_Li &lt; critical limit (default 0.40): past the d_IL maximum, strain grows exponentially.</summary>
    Critical = 2,
    /// <summary>c_Li &lt; deep limit (default 0.32): d_TM plateau, structure collapsed.</summary>
    Deep = 3,
}

/// <summary>Lower-case names of <see cref="Zone"/> as written to files and payloads.</summary>
public static class ZoneNames
{
    /// <summary>"safe", "caution", "critical" or "deep".</summary>
    /// <param name="zone">The zone.</param>
    /// <returns>The zone's name in lower case.</returns>
    /// <exception cref="ArgumentOutOfRangeException">When <paramref name="zone"/> is not a defined zone.</exception>
    public static string Name(this Zone zone) => zone switch
    {
        Zone.Safe => "safe",
        Zone.Caution => "caution",
        Zone.Critical => "critical",
        Zone.Deep => "deep",
        _ => throw new ArgumentOutOfRangeException(nameof(zone), zone, "expected safe, caution, critical or deep"),
    };

    /// <summary>The zone named "safe", "caution", "critical" or "deep" (case-insensitive).</summary>
    /// <param name="name">The name.</param>
    /// <returns>The zone.</returns>
    /// <exception cref="FormatException">Not one of the four names; the message names the value.</exception>
    public static Zone Parse(string name) => name.ToLowerInvariant() switch
    {
        "safe" => Zone.Safe,
        "caution" => Zone.Caution,
        "critical" => Zone.Critical,
        "deep" => Zone.Deep,
        _ => throw new FormatException($"zone '{name}': expected safe, caution, critical or deep"),
    };
}
