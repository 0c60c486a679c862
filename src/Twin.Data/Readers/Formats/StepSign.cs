using Twin.Core.Samples;

namespace Twin.Data.Readers.Formats;

/// <summary>The sign convention of readers whose source writes current or charge unsigned beside a step kind.</summary>
internal static class StepSign
{
    /// <summary>Applies the sign of a declared step kind to a magnitude: positive on charge, negative on discharge,
    /// as given otherwise (zero stays +0).</summary>
    /// <param name="magnitude">The value as the source writes it.</param>
    /// <param name="kind">The step kind the source declares.</param>
    /// <returns>The signed value.</returns>
    public static double Apply(double magnitude, StepKind kind) => kind switch
    {
        StepKind.Charge => Math.Abs(magnitude),
        StepKind.Discharge => 0.0 - Math.Abs(magnitude),
        _ => magnitude,
    };
}
