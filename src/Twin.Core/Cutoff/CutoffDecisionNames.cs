namespace Twin.Core.Cutoff;

/// <summary>Names of <see cref="CutoffDecision"/> as written to payloads and the database.</summary>
public static class CutoffDecisionNames
{
    /// <summary>"continue", "stop_lithium" or "stop_voltage".</summary>
    /// <param name="decision">The decision.</param>
    /// <returns>Its name.</returns>
    public static string Name(this CutoffDecision decision) => decision switch
    {
        CutoffDecision.StopLithium => "stop_lithium",
        CutoffDecision.StopVoltage => "stop_voltage",
        _ => "continue",
    };

    /// <summary>The decision a wire name stands for.</summary>
    /// <param name="name">"continue", "stop_lithium" or "stop_voltage".</param>
    /// <param name="decision">The decision (<see cref="CutoffDecision.Continue"/> when the name is unknown).</param>
    /// <returns>False when the name is none of the three.</returns>
    public static bool TryParse(string? name, out CutoffDecision decision)
    {
        decision = name switch
        {
            "stop_lithium" => CutoffDecision.StopLithium,
            "stop_voltage" => CutoffDecision.StopVoltage,
            _ => CutoffDecision.Continue,
        };
        return name is "continue" or "stop_lithium" or "stop_voltage";
    }
}
