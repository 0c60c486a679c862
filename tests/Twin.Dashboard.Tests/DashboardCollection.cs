namespace Twin.Dashboard.Tests;

/// <summary>
/// The dashboard's browser test classes run one after another: each starts a broker, <c>twin serve</c>, publishers
/// and Chromium, and on a 2-core machine two such classes together would starve the accelerated playback.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection
{
    /// <summary>Collection name.</summary>
    public const string Name = "dashboard in a browser";
}
