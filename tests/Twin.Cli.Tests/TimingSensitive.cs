namespace Twin.Cli.Tests;

/// <summary>
/// Tests that run real-time or accelerated processes (live pipeline, closed loop, driver processes) share this
/// collection so they do not run at the same time: on a 2-core machine two of them together starve each other, and
/// at 1200× simulated speed 100 ms of starvation is two simulated minutes.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TimingSensitive
{
    /// <summary>Collection name.</summary>
    public const string Name = "timing-sensitive processes";
}
