namespace Twin.Drivers.IoBox;

/// <summary>
/// Converts an analog sensor's ADC counts into a temperature for a linear sensor V = <see cref="OffsetV"/> +
/// <see cref="ScaleVPerC"/> · T read by an ADC with reference <see cref="ReferenceV"/>. The defaults are a TMP36 on an
/// Arduino Uno: 10 mV/°C and 500 mV at 0 °C (750 mV at 25 °C), specified −40 °C to +125 °C — Analog Devices,
/// "TMP35/TMP36/TMP37 Low Voltage Temperature Sensors", data sheet Rev. H, Table 4 — and a 10-bit ADC on AVcc = 5 V whose
/// result is ⌊V · 2ⁿ / V_REF⌋ — Microchip, "ATmega328P" data sheet, §24.7 "ADC Conversion Result".
/// </summary>
/// <remarks>
/// A count n stands for an input between n and n+1 steps, so the middle of that interval is converted: the error is at
/// most half a step (5 V / 1024 / 10 mV/°C ≈ 0.24 °C for the defaults) plus the sensor's own accuracy (±2 °C typical
/// for the TMP36).
/// </remarks>
public sealed record AnalogTemperatureConversion
{
    /// <summary>Sensor output at 0 °C, V. Default 0.5 (TMP36).</summary>
    public double OffsetV { get; init; } = 0.5;

    /// <summary>Sensor scale factor, V/°C. Default 0.010 (TMP36).</summary>
    public double ScaleVPerC { get; init; } = 0.010;

    /// <summary>ADC reference voltage, V. Default 5.0 (Uno, AVcc).</summary>
    public double ReferenceV { get; init; } = 5.0;

    /// <summary>Lowest temperature the sensor is specified for, °C; a reading below is treated as a fault. Default −40 (TMP36).</summary>
    public double MinValidC { get; init; } = -40;

    /// <summary>Highest temperature the sensor is specified for, °C; a reading above is treated as a fault. Default 125 (TMP36).</summary>
    public double MaxValidC { get; init; } = 125;

    /// <summary>Checks the parameters.</summary>
    /// <exception cref="ArgumentException">A value is not finite, the scale or reference is not positive, or the valid range is empty.</exception>
    public void Validate()
    {
        if (!double.IsFinite(OffsetV)) throw new ArgumentException($"sensor offset must be a finite voltage, not {OffsetV}", nameof(OffsetV));
        if (!(ScaleVPerC > 0) || !double.IsFinite(ScaleVPerC)) throw new ArgumentException($"sensor scale must be a positive number of V/°C, not {ScaleVPerC}", nameof(ScaleVPerC));
        if (!(ReferenceV > 0) || !double.IsFinite(ReferenceV)) throw new ArgumentException($"ADC reference must be a positive voltage, not {ReferenceV}", nameof(ReferenceV));
        if (!(MinValidC < MaxValidC)) throw new ArgumentException($"valid temperature range must have min < max, not {MinValidC}…{MaxValidC} °C", nameof(MinValidC));
    }

    /// <summary>The input voltage a count stands for (middle of its step), V.</summary>
    /// <param name="counts">ADC counts.</param>
    /// <param name="adcBits">ADC resolution, bits (1–16).</param>
    /// <returns>Voltage, V.</returns>
    public double ToVolts(uint counts, int adcBits)
    {
        if (adcBits is < 1 or > 16) throw new ArgumentOutOfRangeException(nameof(adcBits), adcBits, "ADC resolution must be 1–16 bits");
        return (counts + 0.5) * ReferenceV / (1 << adcBits);
    }

    /// <summary>The temperature a count stands for, °C.</summary>
    /// <param name="counts">ADC counts.</param>
    /// <param name="adcBits">ADC resolution, bits.</param>
    /// <returns>Temperature, °C.</returns>
    public double ToCelsius(uint counts, int adcBits) => (ToVolts(counts, adcBits) - OffsetV) / ScaleVPerC;

    /// <summary>Temperature per ADC count, °C.</summary>
    /// <param name="adcBits">ADC resolution, bits.</param>
    /// <returns>Step, °C.</returns>
    public double StepC(int adcBits) => ReferenceV / (1 << adcBits) / ScaleVPerC;
}
