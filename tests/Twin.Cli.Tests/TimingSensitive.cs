namespace Twin.Cli.Tests;

/// <summary>
/// Tests that run real-time or accelerated processes (live pipeline, closed loop, driver processes) share this
/// collection, and it runs alone, after every other test of the assembly: on a 2-core machine a replay or a headless
/// browser beside one of them takes the CPU from the driver's sampling loop, and at 1200× simulated speed a
/// 0.6 s stall is twelve simulated minutes of charge with no reading (a cut-off seen acting at c_Li 0.397
/// instead of 0.406, with the previous reading at 0.430). The simulated instruments inside this test host get a thread
/// pool that does not starve (<see cref="Twin.Testing.TestHostThreads"/>, set by <see cref="TestHostSetup"/>).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingSensitive
{
    /// <summary>Collection name.</summary>
    public const string Name = "timing-sensitive processes";
}
