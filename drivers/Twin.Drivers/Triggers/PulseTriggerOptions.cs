namespace Twin.Drivers.Triggers;

/// <summary>
/// What every pulse trigger (<see cref="TtlPulseTrigger"/>, <see cref="FirmataPulseTrigger"/>) shares: the pulse width
/// and the fixed metadata of a pattern record, used when no watched folder is paired (or when its file lacks them).
/// </summary>
public abstract record PulseTriggerOptions
{
    /// <summary>Pulse width (1 ms – 10 s; the achievable minimum depends on the OS timer and the link's latency). Default 10 ms.</summary>
    public TimeSpan PulseWidth { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Wavelength of the beam, Å (used without a paired folder, or when the file gives none).</summary>
    public double? WavelengthA { get; init; }

    /// <summary>Photon energy, keV (used without a paired folder, or when the file gives none).</summary>
    public double? EnergyKeV { get; init; }

    /// <summary>Lower end of the detector's 2θ range, degrees (used without a paired folder).</summary>
    public double TwoThetaMinDeg { get; init; }

    /// <summary>Upper end of the detector's 2θ range, degrees (used without a paired folder).</summary>
    public double TwoThetaMaxDeg { get; init; }

    /// <summary>Detector name (used without a paired folder). Default "ttl-detector".</summary>
    public string Detector { get; init; } = "ttl-detector";

    /// <summary>URI of the pattern without a paired folder; <c>{id}</c> is replaced by the pattern id. Default empty.</summary>
    public string UriTemplate { get; init; } = "";

    /// <summary>Checks the pulse width.</summary>
    /// <param name="paramName">The options parameter's name, for the exception.</param>
    /// <exception cref="ArgumentOutOfRangeException">The width is below 1 ms or above 10 s.</exception>
    internal void ValidateWidth(string paramName)
    {
        if (PulseWidth < TimeSpan.FromMilliseconds(1) || PulseWidth > TimeSpan.FromSeconds(10))
            throw new ArgumentOutOfRangeException(paramName, PulseWidth, "pulse width must be between 1 ms and 10 s");
    }
}
