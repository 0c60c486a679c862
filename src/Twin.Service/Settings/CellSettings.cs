using System.Text.Json.Serialization;
using Twin.Core.Cutoff;
using Twin.Core.Safety;

namespace Twin.Service.Settings;

/// <summary>
/// The settings of a cell an operator may change while it runs: the safety-window limits (docs/model.md §4) and
/// the cut-off-by-lithium policy (docs/model.md §5). Field names as in the experiment file.
/// </summary>
/// <param name="Caution">Caution limit, c_Li (default 0.45).</param>
/// <param name="Critical">Critical limit, c_Li (default 0.40).</param>
/// <param name="Deep">Deep limit, c_Li (default 0.32).</param>
/// <param name="Hysteresis">Zone hysteresis, c_Li (default 0.005).</param>
/// <param name="CutoffEnabled">True: charges end at c_Li,min; false: only the voltage limit ends them.</param>
/// <param name="CLiMin">c_Li,min of the cut-off, for the lower bound c_Li − kσ (default 0.40).</param>
/// <param name="VMax">Hard upper voltage of the cut-off, V (default 4.2).</param>
public sealed record CellSettings(
    [property: JsonPropertyName("caution")] double Caution,
    [property: JsonPropertyName("critical")] double Critical,
    [property: JsonPropertyName("deep")] double Deep,
    [property: JsonPropertyName("hysteresis")] double Hysteresis,
    [property: JsonPropertyName("cutoff_enabled")] bool CutoffEnabled,
    [property: JsonPropertyName("c_li_min")] double CLiMin,
    [property: JsonPropertyName("v_max")] double VMax)
{
    /// <summary>The settings held by limits and a policy.</summary>
    /// <param name="limits">Safety-window limits.</param>
    /// <param name="cutoff">Cut-off policy.</param>
    /// <returns>The settings.</returns>
    public static CellSettings From(SafetyLimits limits, LithiumCutoffPolicy cutoff) =>
        new(limits.CautionCLi, limits.CriticalCLi, limits.DeepCLi, limits.Hysteresis, cutoff.Enabled, cutoff.CLiMin, cutoff.HardVoltageLimitV);

    /// <summary>The safety-window limits.</summary>
    [JsonIgnore] public SafetyLimits Limits => new(Caution, Critical, Deep, Hysteresis);

    /// <summary>The cut-off policy.</summary>
    [JsonIgnore] public LithiumCutoffPolicy Cutoff => new(CLiMin, VMax, CutoffEnabled);

    /// <summary>Checks the limits and the policy, and that c_Li,min is not below the deep limit.</summary>
    /// <exception cref="ArgumentException">The first invalid value, named, with what was expected.</exception>
    public void Validate()
    {
        Limits.Validate();
        Cutoff.Validate();
        if (CLiMin < Deep) throw new ArgumentException($"c_Li,min {CLiMin} lies below the deep limit {Deep}: a charge would end only after the structure collapsed");
        if (VMax > 5.0) throw new ArgumentException($"v_max must be at most 5.0 V for a layered-oxide cathode, got {VMax}");
    }

    /// <summary>The fields that differ from another settings record, as "name: old → new".</summary>
    /// <param name="before">The earlier settings.</param>
    /// <returns>The changes, empty when equal.</returns>
    public IReadOnlyList<string> DiffFrom(CellSettings before)
    {
        var d = new List<string>();
        void Add<T>(string name, T a, T b) { if (!EqualityComparer<T>.Default.Equals(a, b)) d.Add(FormattableString.Invariant($"{name}: {a} → {b}")); }
        Add("caution", before.Caution, Caution);
        Add("critical", before.Critical, Critical);
        Add("deep", before.Deep, Deep);
        Add("hysteresis", before.Hysteresis, Hysteresis);
        Add("cutoff_enabled", before.CutoffEnabled, CutoffEnabled);
        Add("c_li_min", before.CLiMin, CLiMin);
        Add("v_max", before.VMax, VMax);
        return d;
    }
}
