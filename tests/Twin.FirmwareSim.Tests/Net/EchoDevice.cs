using Twin.FirmwareSim.Net;

namespace Twin.FirmwareSim.Tests.Net;

/// <summary>A line device that answers every line with "echo:&lt;line&gt;" and counts disconnects.</summary>
public sealed class EchoDevice : ILineDevice
{
    private int _disconnects;

    public string Name => "echo";

    public int Disconnects => Volatile.Read(ref _disconnects);

    public List<string> Lines { get; } = [];

    public async ValueTask HandleLineAsync(string line, ILineReplySink reply, CancellationToken cancellationToken)
    {
        lock (Lines) Lines.Add(line);
        await reply.SendLineAsync("echo:" + line, cancellationToken);
    }

    public void OnDisconnected() => Interlocked.Increment(ref _disconnects);
}
