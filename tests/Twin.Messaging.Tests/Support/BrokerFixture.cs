using Twin.Messaging.Mqtt;
using Twin.Testing.Mosquitto;
using Xunit.Abstractions;
using Twin.Testing.Logging;

namespace Twin.Messaging.Tests.Support;

/// <summary>One plain Mosquitto broker shared by the tests of a class.</summary>
public sealed class BrokerFixture : IAsyncLifetime
{
    /// <summary>The broker.</summary>
    public MosquittoBroker Broker { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync() => Broker = await MosquittoBroker.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync() => await Broker.DisposeAsync();
}

/// <summary>Client options for tests.</summary>
public static class TestClients
{
    /// <summary>Options for the broker's plain listener, logging to the test output.</summary>
    public static MqttClientOptions Options(MosquittoBroker broker, string clientId, ITestOutputHelper? output,
        MqttProtocolVersion version = MqttProtocolVersion.V500) => new()
        {
            Host = broker.Host,
            Port = broker.Port,
            ClientId = clientId,
            ProtocolVersion = version,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(500),
            Logger = LineLogger.To(LogTo(output)),
        };

    /// <summary>A log callback that writes to the test output while the test runs.</summary>
    public static Action<string>? LogTo(ITestOutputHelper? output) => output is null ? null : line =>
    {
        try { output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}"); } catch (InvalidOperationException) { }
    };

    /// <summary>Mosquitto command-line protocol switch.</summary>
    public static string CliVersion(MqttProtocolVersion v) => v == MqttProtocolVersion.V500 ? "mqttv5" : "mqttv311";
}
