namespace Twin.Drivers.Tests.Experiment;

/// <summary>
/// Runner tests drive an accelerated simulator (600–1200× real time): run them one class at a time, since on a
/// 2-core machine 50 ms of starvation is a simulated minute and overshoots a lithium-content condition.
/// </summary>
[CollectionDefinition(Name)]
public sealed class SimulatorCollection
{
    /// <summary>Collection name.</summary>
    public const string Name = "accelerated simulator";
}
