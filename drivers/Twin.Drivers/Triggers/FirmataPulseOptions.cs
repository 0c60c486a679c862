namespace Twin.Drivers.Triggers;

/// <summary>Settings of <see cref="FirmataPulseTrigger"/>. The fixed metadata is used when no watched folder is paired.</summary>
public sealed record FirmataPulseOptions
{
    /// <summary>Whether the pulse is a high level (idle low); false = a low pulse (idle high). Default true.</summary>
    public bool ActiveHigh { get; init; } = true;

    /// <summary>Pulse width (1 ms – 10 s; each edge is one Firmata message, so the width's jitter is the serial
    /// latency, about a millisecond at 57600 baud). Default 10 ms.</summary>
    public TimeSpan PulseWidth { get; init; } = TimeSpan.FromMilliseconds(10);

    /// <summary>Wavelength of the beam, Å (used without a paired folder, or when the file gives none).</summary>
    public double? WavelengthA { get; init; }

    /// <summary>Photon energy, keV (used without a paired folder).</summary>
    public double? EnergyKeV { get; init; }

    /// <summary>Lower end of the detector's 2θ range, degrees (used without a paired folder).</summary>
    public double TwoThetaMinDeg { get; init; }

    /// <summary>Upper end of the detector's 2θ range, degrees (used without a paired folder).</summary>
    public double TwoThetaMaxDeg { get; init; }

    /// <summary>Detector name (used without a paired folder). Default "ttl-detector".</summary>
    public string Detector { get; init; } = "ttl-detector";

    /// <summary>URI of the pattern without a paired folder; <c>{id}</c> is replaced by the pattern id. Default empty.</summary>
    public string UriTemplate { get; init; } = "";
}
