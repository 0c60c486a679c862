using System.Text;
using Twin.FirmwareSim.Net;

namespace Twin.Drivers.Tests.Scpi;

/// <summary>A line device that answers queries from a table of raw byte replies (for reply-format edge cases).</summary>
public sealed class ScriptedDevice(Dictionary<string, byte[]> replies) : ILineDevice
{
    public string Name => "scripted";

    public async ValueTask HandleLineAsync(string line, ILineReplySink reply, CancellationToken cancellationToken)
    {
        if (line == "*OPC?;*OPC?") await reply.SendLineAsync("1;1", cancellationToken);
        else if (replies.TryGetValue(line, out var bytes)) await reply.SendRawAsync(bytes, cancellationToken);
    }

    public void OnDisconnected() { }

    public static byte[] Ascii(string s) => Encoding.Latin1.GetBytes(s);
}
