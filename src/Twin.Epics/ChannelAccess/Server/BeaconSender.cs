using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Twin.Epics.ChannelAccess.Codec;

namespace Twin.Epics.ChannelAccess.Server;

/// <summary>
/// Sends the server's beacon (CA_PROTO_RSRV_IS_UP: minor version, TCP port, a sequential beacon id, the server's
/// address) to the beacon addresses — fast after the start (0.02 s, doubling) so clients waiting for the server
/// reconnect at once, then every beacon period.
/// </summary>
internal sealed class BeaconSender
{
    private readonly Socket _udp;
    private readonly CaServerOptions _options;
    private readonly Func<ushort> _tcpPort;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private uint _id;

    public BeaconSender(Socket udp, CaServerOptions options, Func<ushort> tcpPort, ILogger log, TimeProvider time)
    {
        _udp = udp;
        _options = options;
        _tcpPort = tcpPort;
        _log = log;
        _time = time;
    }

    /// <summary>Beacons sent.</summary>
    public long Sent;

    /// <summary>The beacon message with an id.</summary>
    internal byte[] Beacon(uint id)
    {
        uint address = _options.Interface.Equals(IPAddress.Any) ? 0 : BinaryPrimitives.ReadUInt32BigEndian(_options.Interface.GetAddressBytes());
        return CaMessage.Bare(CaHeader.Of(CaCommand.Beacon, 0, CaMessage.MinorVersion, _tcpPort(), id, address));
    }

    public async Task RunAsync(CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(20);
        while (!ct.IsCancellationRequested)
        {
            var beacon = Beacon(_id++);
            foreach (var target in _options.BeaconTargets)
            {
                try
                {
                    await _udp.SendToAsync(beacon, SocketFlags.None, target, ct).ConfigureAwait(false);
                    Interlocked.Increment(ref Sent);
                }
                catch (SocketException e)
                {
                    _log.LogDebug("beacon to {Target} failed: {Error}", target, e.Message);
                }
            }
            await Task.Delay(delay, _time, ct).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.BeaconPeriod.Ticks));
        }
    }
}
