namespace Twin.Drivers.IoBox;

/// <summary>Settings of an <see cref="ArduinoIoBox"/>.</summary>
public sealed record IoBoxOptions
{
    /// <summary>Analog channel of the temperature sensor (0 = A0). Default 0.</summary>
    public int TemperatureChannel { get; init; }

    /// <summary>Digital pin driven as the TTL trigger output, or null for none. On an Uno, 2–19.</summary>
    public int? TriggerPin { get; init; }

    /// <summary>Sensor conversion. Default: TMP36 on a 5 V, 10-bit ADC.</summary>
    public AnalogTemperatureConversion Conversion { get; init; } = new();

    /// <summary>
    /// A temperature older than this is a fault: the board reports the channel every sampling interval (19 ms by
    /// default), so a gap this long means it stopped (silent link, garbled bytes, reset). Default 1 s (an engineering
    /// choice: about 50 reporting intervals, far below any thermal time constant of a cell).
    /// </summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Analog sampling interval to program into the board, or null to keep the firmware's (19 ms).</summary>
    public TimeSpan? SamplingInterval { get; init; }

    /// <summary>How long connecting (the board's version, firmware, capability and analog-mapping queries) may take. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Checks the settings.</summary>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    public void Validate()
    {
        if (TemperatureChannel is < 0 or > 15) throw new ArgumentException($"temperature channel must be an analog channel 0–15 (A0–A15), not {TemperatureChannel}", nameof(TemperatureChannel));
        if (TriggerPin is < 0 or > 127) throw new ArgumentException($"trigger pin must be a digital pin 0–127, not {TriggerPin}", nameof(TriggerPin));
        ArgumentNullException.ThrowIfNull(Conversion);
        Conversion.Validate();
        if (StaleAfter <= TimeSpan.Zero) throw new ArgumentException($"stale-after must be positive, not {StaleAfter}", nameof(StaleAfter));
        if (SamplingInterval is { } s && (s < TimeSpan.FromMilliseconds(1) || s > TimeSpan.FromMilliseconds(16383)))
            throw new ArgumentException($"sampling interval must be 1–16383 ms, not {s.TotalMilliseconds} ms", nameof(SamplingInterval));
        if (SamplingInterval is { } si && si >= StaleAfter)
            throw new ArgumentException($"sampling interval {si.TotalMilliseconds} ms must be shorter than stale-after {StaleAfter.TotalMilliseconds} ms", nameof(SamplingInterval));
        if (ConnectTimeout <= TimeSpan.Zero) throw new ArgumentException($"connect timeout must be positive, not {ConnectTimeout}", nameof(ConnectTimeout));
    }

    /// <summary>Parses an analog pin name: "A0"…"A15" or a channel number "0"…"15".</summary>
    /// <param name="text">The text.</param>
    /// <param name="what">What it is, for the error (e.g. "io_box.temperature_pin").</param>
    /// <returns>The channel.</returns>
    /// <exception cref="FormatException">Not an analog pin name.</exception>
    public static int ParseAnalogChannel(string text, string what)
    {
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim();
        if (t.StartsWith('A') || t.StartsWith('a')) t = t[1..];
        if (int.TryParse(t, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int ch) && ch is >= 0 and <= 15)
            return ch;
        throw new FormatException($"{what}: '{text}' is not an analog input; expected A0–A15");
    }
}
