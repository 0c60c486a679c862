namespace Twin.Core.Samples;

/// <summary>Wire names of <see cref="StepKind"/>: "charge", "discharge", "rest", "other"; unknown has none.</summary>
public static class StepKindNames
{
    /// <summary>The wire name, or null for <see cref="StepKind.Unknown"/>.</summary>
    /// <param name="kind">The kind.</param>
    /// <returns>"charge", "discharge", "rest", "other" or null.</returns>
    public static string? Name(this StepKind kind) => kind switch
    {
        StepKind.Charge => "charge",
        StepKind.Discharge => "discharge",
        StepKind.Rest => "rest",
        StepKind.Other => "other",
        _ => null,
    };

    /// <summary>The kind of a wire name; null or any other text is <see cref="StepKind.Unknown"/>.</summary>
    /// <param name="name">A wire name.</param>
    /// <returns>The kind.</returns>
    public static StepKind Parse(string? name) => name switch
    {
        "charge" => StepKind.Charge,
        "discharge" => StepKind.Discharge,
        "rest" => StepKind.Rest,
        "other" => StepKind.Other,
        _ => StepKind.Unknown,
    };
}
