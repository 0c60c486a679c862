using Twin.Testing.Influx;

namespace Twin.Storage.Tests.Support;

/// <summary>One real InfluxDB shared by the tests of a collection; each test uses a database of its own.</summary>
public sealed class InfluxFixture : IAsyncLifetime
{
    private int _next;

    public InfluxServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await InfluxServer.LaunchAsync(database: null);

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>Creates a fresh database and returns its name.</summary>
    public async Task<string> NewDatabaseAsync(string prefix)
    {
        string name = $"{prefix}_{Interlocked.Increment(ref _next)}";
        await Server.CreateDatabaseAsync(name);
        return name;
    }
}

[CollectionDefinition(Name)]
public sealed class InfluxCollection : ICollectionFixture<InfluxFixture>
{
    public const string Name = "real InfluxDB";
}

/// <summary>Temporary directory deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => System.IO.Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "twin-spool-" + Guid.NewGuid().ToString("N")[..12]);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }
}
