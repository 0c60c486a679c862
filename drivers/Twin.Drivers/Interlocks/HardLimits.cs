namespace Twin.Drivers.Interlocks;

/// <summary>
/// Hard limits of one channel, enforced by the driver whatever the protocol, the twin or an operator asks for
/// (docs/model.md §5: the twin can never relax them).
/// </summary>
/// <param name="MaxVoltageV">Highest allowed cell voltage, V (also the instrument's voltage compliance while sourcing current).</param>
/// <param name="MinVoltageV">Lowest allowed cell voltage, V.</param>
/// <param name="MaxCurrentA">Highest allowed current magnitude, A.</param>
/// <param name="MaxTemperatureC">Highest allowed cell temperature, °C; checked when the instrument reports one.</param>
public sealed record HardLimits(double MaxVoltageV, double MinVoltageV, double MaxCurrentA, double MaxTemperatureC = 60)
{
    /// <summary>Checks the limits are consistent.</summary>
    /// <exception cref="ArgumentException">A limit is not finite, not positive where it must be, or min ≥ max.</exception>
    public void Validate()
    {
        if (!double.IsFinite(MaxVoltageV) || !double.IsFinite(MinVoltageV) || !(MinVoltageV < MaxVoltageV))
            throw new ArgumentException($"voltage limits must be finite with min < max, got {MinVoltageV} V … {MaxVoltageV} V");
        if (!(MaxCurrentA > 0) || !double.IsFinite(MaxCurrentA)) throw new ArgumentException($"max current must be a positive number of amperes, got {MaxCurrentA}");
        if (!double.IsFinite(MaxTemperatureC)) throw new ArgumentException($"max temperature must be finite, got {MaxTemperatureC}");
    }
}
