using Twin.Drivers.Interlocks;

namespace Twin.Drivers.Experiment;

/// <summary>A reading crossed a hard limit; the runner turned the output off and stopped.</summary>
public sealed class InterlockTrippedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InterlockTrippedException(InterlockTrip trip) : base($"interlock: {trip}") => Trip = trip;

    /// <summary>The limit that tripped.</summary>
    public InterlockTrip Trip { get; }
}
