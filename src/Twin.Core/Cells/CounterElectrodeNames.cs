namespace Twin.Core.Cells;

/// <summary>Names of <see cref="CounterElectrode"/> in experiment files: "li_metal", "graphite", "reference".</summary>
public static class CounterElectrodeNames
{
    /// <summary>The accepted names, for messages.</summary>
    public const string Expected = "li_metal, graphite or reference";

    /// <summary>The file name of a counter electrode, or null for <see cref="CounterElectrode.Unspecified"/>.</summary>
    /// <param name="electrode">The counter electrode.</param>
    /// <returns>"li_metal", "graphite", "reference" or null.</returns>
    public static string? Name(this CounterElectrode electrode) => electrode switch
    {
        CounterElectrode.LiMetal => "li_metal",
        CounterElectrode.Graphite => "graphite",
        CounterElectrode.Reference => "reference",
        _ => null,
    };

    /// <summary>Parses a name from an experiment file; null (key absent) is <see cref="CounterElectrode.Unspecified"/>.</summary>
    /// <param name="name">"li_metal", "graphite", "reference" (exact, lower case) or null.</param>
    /// <returns>The counter electrode.</returns>
    /// <exception cref="ArgumentException">Any other text; the message names the value and the accepted names.</exception>
    public static CounterElectrode Parse(string? name) => name switch
    {
        null => CounterElectrode.Unspecified,
        "li_metal" => CounterElectrode.LiMetal,
        "graphite" => CounterElectrode.Graphite,
        "reference" => CounterElectrode.Reference,
        _ => throw new ArgumentException($"counter_electrode '{name}' is not known: expected {Expected}"),
    };
}
