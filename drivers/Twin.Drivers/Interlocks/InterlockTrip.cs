namespace Twin.Drivers.Interlocks;

/// <summary>Why a measurement tripped the interlock.</summary>
/// <param name="Quantity">"voltage", "current" or "temperature".</param>
/// <param name="Value">Measured value in V, A or °C.</param>
/// <param name="Limit">The limit that was crossed, same unit.</param>
public sealed record InterlockTrip(string Quantity, double Value, double Limit)
{
    /// <summary>Human-readable reason, e.g. "voltage 4.312 V above the hard limit 4.300 V".</summary>
    public override string ToString()
    {
        string unit = Quantity switch { "voltage" => "V", "current" => "A", _ => "°C" };
        if (Quantity == "voltage" && Value <= Limit && Limit - Value <= 1e-3)
            return $"voltage {Value:0.000} V held at the hard limit {Limit:0.000} V (instrument in compliance)";
        string dir = Quantity == "voltage" && Value < Limit ? "below" : "above";
        return $"{Quantity} {Value:0.000} {unit} {dir} the hard limit {Limit:0.000} {unit}";
    }
}
