namespace Twin.FirmwareSim.Firmata;

/// <summary>
/// A TMP36 analog temperature sensor read by a 10-bit ADC, as on an Arduino Uno analog input.
/// </summary>
/// <remarks>
/// Sensor: output voltage V = 0.5 V + 10 mV/°C · T (scale factor 10 mV/°C, 750 mV at 25 °C, specified −40 °C to
/// +125 °C) — Analog Devices, "TMP35/TMP36/TMP37 Low Voltage Temperature Sensors", data sheet Rev. H, Table 4 and
/// Figure 6. ADC: result = ⌊V_IN · 1024 / V_REF⌋, clipped to 0–1023, with V_REF = AVcc = 5 V on the Uno — Microchip,
/// "ATmega328P" data sheet (DS40002061A), §24.7 "ADC Conversion Result". The sensor's own ±2 °C accuracy and noise are
/// not modelled (modelling assumption: an ideal sensor, so a test can compare to the set value within one ADC step).
/// Thread-safe.
/// </remarks>
public sealed class Tmp36Sensor
{
    /// <summary>Output at 0 °C, V (TMP36 data sheet).</summary>
    public const double OffsetV = 0.5;

    /// <summary>Scale factor, V/°C (TMP36 data sheet).</summary>
    public const double ScaleVPerC = 0.010;

    /// <summary>ADC reference of the Uno (AVcc), V.</summary>
    public const double ReferenceV = 5.0;

    /// <summary>ADC resolution, bits (ATmega328P).</summary>
    public const int AdcBits = 10;

    private long _temperatureBits = BitConverter.DoubleToInt64Bits(25.0);

    /// <summary>The temperature at the sensor, °C (default 25 °C, a modelling assumption for a lab bench).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not finite.</exception>
    public double TemperatureC
    {
        get => BitConverter.Int64BitsToDouble(Interlocked.Read(ref _temperatureBits));
        set
        {
            if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "temperature must be a finite number of °C");
            Interlocked.Exchange(ref _temperatureBits, BitConverter.DoubleToInt64Bits(value));
        }
    }

    /// <summary>Sensor output voltage now, V (clipped to 0 … V_REF: the output cannot leave the supply rails).</summary>
    public double OutputV => Math.Clamp(OffsetV + ScaleVPerC * TemperatureC, 0, ReferenceV);

    /// <summary>ADC counts now (0–1023).</summary>
    public int AdcCounts => Math.Clamp((int)Math.Floor(OutputV * (1 << AdcBits) / ReferenceV), 0, (1 << AdcBits) - 1);

    /// <summary>Temperature step of one ADC count, °C (5 V / 1024 / 10 mV/°C ≈ 0.49 °C).</summary>
    public static double ResolutionC => ReferenceV / (1 << AdcBits) / ScaleVPerC;
}
