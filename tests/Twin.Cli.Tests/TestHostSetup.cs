using System.Runtime.CompilerServices;
using Twin.Testing;

namespace Twin.Cli.Tests;

/// <summary>Runs once when the test assembly is loaded, before any test.</summary>
internal static class TestHostSetup
{
    /// <summary>Gives the simulated instruments that run inside this test host a thread pool that does not starve (<see cref="TestHostThreads"/>).</summary>
    [ModuleInitializer]
    internal static void Initialize() => TestHostThreads.Raise();
}
