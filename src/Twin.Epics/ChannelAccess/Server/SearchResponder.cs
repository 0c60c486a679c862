using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Twin.Epics.ChannelAccess.Codec;
using Twin.Epics.ProcessVariables;

namespace Twin.Epics.ChannelAccess.Server;

/// <summary>
/// Answers name searches on the server's UDP port: a datagram holds CA_PROTO_VERSION and one or more CA_PROTO_SEARCH
/// messages; for each name this server has, the reply datagram gets a search reply (the TCP port to connect to), and a
/// unicast search with DO_REPLY for a name it lacks gets CA_PROTO_NOT_FOUND. Malformed datagrams are dropped and
/// counted (logged at most once a minute).
/// </summary>
internal sealed class SearchResponder
{
    private readonly Socket _udp;
    private readonly PvRegistry _pvs;
    private readonly Func<ushort> _tcpPort;
    private readonly ILogger _log;
    private readonly TimeProvider _time;
    private long _lastMalformedLog = long.MinValue;

    public SearchResponder(Socket udp, PvRegistry pvs, Func<ushort> tcpPort, ILogger log, TimeProvider time)
    {
        _udp = udp;
        _pvs = pvs;
        _tcpPort = tcpPort;
        _log = log;
        _time = time;
    }

    /// <summary>Searches answered with a reply.</summary>
    public long Answered;

    /// <summary>Datagrams dropped as malformed.</summary>
    public long Malformed;

    public async Task RunAsync(CancellationToken ct)
    {
        var buffer = new byte[65_536];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!ct.IsCancellationRequested)
        {
            SocketReceiveFromResult r;
            try
            {
                r = await _udp.ReceiveFromAsync(buffer, SocketFlags.None, any, ct).ConfigureAwait(false);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.ConnectionReset or SocketError.MessageSize)
            {
                continue; // an ICMP "port unreachable" for an earlier reply, or an oversized datagram
            }
            var reply = Answer(buffer.AsSpan(0, r.ReceivedBytes));
            if (reply is null) continue;
            try
            {
                await _udp.SendToAsync(reply, SocketFlags.None, r.RemoteEndPoint, ct).ConfigureAwait(false);
            }
            catch (SocketException e)
            {
                _log.LogDebug("search reply to {Peer} failed: {Error}", r.RemoteEndPoint, e.Message);
            }
        }
    }

    /// <summary>The reply datagram for a search datagram, or null when there is nothing to answer.</summary>
    internal byte[]? Answer(ReadOnlySpan<byte> datagram)
    {
        using var reply = new MemoryStream();
        int at = 0;
        while (at < datagram.Length)
        {
            if (!CaHeader.TryRead(datagram[at..], out var h, out int length) || h.PayloadSize > datagram.Length - at - length)
            {
                DropMalformed(datagram.Length);
                return null;
            }
            var payload = datagram.Slice(at + length, (int)h.PayloadSize);
            at += length + (int)h.PayloadSize;
            if (h.Kind != CaCommand.Search) continue; // VERSION and anything else a datagram may carry
            string name = DbrEncoder.ReadText(payload);
            if (_pvs.Find(name) is not null)
            {
                if (reply.Length == 0) reply.Write(CaMessage.Bare(CaHeader.Of(CaCommand.Version, 0, 0, CaMessage.MinorVersion)));
                reply.Write(CaMessage.SearchReply(_tcpPort(), h.Parameter1));
                Interlocked.Increment(ref Answered);
            }
            else if (h.DataType == CaMessage.DoReply)
            {
                reply.Write(CaMessage.Bare(CaHeader.Of(CaCommand.NotFound, 0, h.DataType, h.DataCount, h.Parameter1, h.Parameter2)));
            }
        }
        return reply.Length == 0 ? null : reply.ToArray();
    }

    private void DropMalformed(int bytes)
    {
        Interlocked.Increment(ref Malformed);
        long now = _time.GetTimestamp();
        if (_lastMalformedLog != long.MinValue && _time.GetElapsedTime(_lastMalformedLog, now) < TimeSpan.FromMinutes(1)) return;
        _lastMalformedLog = now;
        _log.LogWarning("dropped a malformed {Bytes}-byte CA search datagram ({Count} so far)", bytes, Interlocked.Read(ref Malformed));
    }
}
