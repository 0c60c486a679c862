using System.CommandLine;

namespace Twin.Cli.Commands;

/// <summary>The <c>--nexus PATH|none</c> and <c>--nexus-every SECONDS</c> options of serve and drive.</summary>
internal static class NexusOption
{
    /// <summary>Creates <c>--nexus</c>.</summary>
    public static Option<string?> Path() => new("--nexus")
    {
        Description = "The experiment's NeXus/HDF5 file (one NXentry per cell: electrochemistry, the twin's c_Li with σ, lattice, strain, zone, cycles, events, alarms, patterns); default experiment.nxs in the data directory; none: no file",
    };

    /// <summary>Creates <c>--nexus-every</c>.</summary>
    public static Option<double> Every() => new("--nexus-every")
    {
        Description = "Seconds between writes of the NeXus file when something changed (it is also written at a normal stop; after a crash the last write is what is left)",
        DefaultValueFactory = _ => 30,
    };

    /// <summary>The interval from <c>--nexus-every</c>.</summary>
    /// <exception cref="ArgumentException">Not a positive finite number of seconds.</exception>
    public static TimeSpan Interval(double seconds) => double.IsFinite(seconds) && seconds > 0 && seconds <= 86_400
        ? TimeSpan.FromSeconds(seconds)
        : throw new ArgumentException($"--nexus-every: expected seconds in (0, 86400], got {seconds}");
}
