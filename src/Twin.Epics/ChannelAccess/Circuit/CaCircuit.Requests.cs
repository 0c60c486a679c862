using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Twin.Epics.ChannelAccess.Codec;
using Twin.Epics.ProcessVariables;

namespace Twin.Epics.ChannelAccess.Circuit;

internal sealed partial class CaCircuit
{
    private readonly Action<CaWriteAudit>? _audit;

    /// <summary>Answers one message. Returns false when the circuit is to be closed.</summary>
    private bool Handle(in CaHeader h, ReadOnlySpan<byte> payload)
    {
        switch (h.Kind)
        {
            case CaCommand.Version:
            case CaCommand.ReadSync:
                return true;
            case CaCommand.Echo:
                return Reply(CaMessage.Bare(CaHeader.Of(CaCommand.Echo)));
            case CaCommand.ClientName:
                User = NameIn(payload);
                return true;
            case CaCommand.HostName:
                Host = NameIn(payload);
                return true;
            case CaCommand.EventsOff:
                _output.EventsOff = true;
                return true;
            case CaCommand.EventsOn:
                _output.EventsOff = false;
                return true;
            case CaCommand.Search:
                return Search(h, payload);
            case CaCommand.CreateChannel:
                return CreateChannel(h, payload);
            case CaCommand.ClearChannel:
                return ClearChannel(h);
            case CaCommand.ReadNotify:
            case CaCommand.Read:
                return Read(h);
            case CaCommand.EventAdd:
                return Subscribe(h, payload);
            case CaCommand.EventCancel:
                return Unsubscribe(h);
            case CaCommand.WriteNotify:
            case CaCommand.Write:
                return Write(h, payload);
            default:
                Close($"unknown or unexpected command {h.Command}");
                return false;
        }
    }

    private bool Reply(byte[] message)
    {
        if (_output.Reply(message)) return true;
        Close($"the client left more than {_limits.MaxQueuedReplyBytes} bytes of replies unread");
        return false;
    }

    private static string NameIn(ReadOnlySpan<byte> payload) => DbrEncoder.ReadText(payload[..Math.Min(payload.Length, 512)]);

    private bool Search(in CaHeader h, ReadOnlySpan<byte> payload)
    {
        string name = DbrEncoder.ReadText(payload);
        if (_pvs.Find(name) is not null) return true; // a client searching over TCP is answered over UDP by every server; here there is nothing to add
        return h.DataType != CaMessage.DoReply || Reply(CaMessage.Bare(CaHeader.Of(CaCommand.NotFound, 0, h.DataType, h.DataCount, h.Parameter1, h.Parameter2)));
    }

    private bool CreateChannel(in CaHeader h, ReadOnlySpan<byte> payload)
    {
        uint cid = h.Parameter1;
        string name = DbrEncoder.ReadText(payload);
        var pv = _pvs.Find(name);
        if (pv is null) return Reply(CaMessage.Bare(CaHeader.Of(CaCommand.CreateChannelFailed, 0, 0, 0, cid)));
        if (_channels.Count >= _limits.MaxChannels)
        {
            Close($"more than {_limits.MaxChannels} channels on one circuit");
            return false;
        }
        bool write = pv.Writable && _access.MayWrite(User, Host, pv);
        var channel = new CaChannel(_nextSid++, cid, pv, write);
        _channels[channel.Sid] = channel;
        return Reply(CaMessage.Bare(CaHeader.Of(CaCommand.AccessRights, 0, 0, 0, cid, write ? 3u : 1u)))
            && Reply(CaMessage.Bare(CaHeader.Of(CaCommand.CreateChannel, 0, NativeType(pv.Kind), 1, cid, channel.Sid)));
    }

    /// <summary>The plain DBR type of a native kind.</summary>
    internal static ushort NativeType(PvKind kind) => kind switch
    {
        PvKind.Double => (ushort)DbrType.Double,
        PvKind.Long => (ushort)DbrType.Long,
        PvKind.Enum => (ushort)DbrType.Enum,
        _ => (ushort)DbrType.String,
    };

    private bool ClearChannel(in CaHeader h)
    {
        if (!_channels.Remove(h.Parameter1, out var channel))
            return Reply(CaMessage.Error(h, h.Parameter2, CaStatus.BadChannelId, $"no channel with SID {h.Parameter1}"));
        foreach (var s in _subscriptions.Values.Where(s => s.Channel == channel).ToList())
        {
            s.Active = false;
            channel.Pv.Unobserve(s);
            _subscriptions.Remove(s.Id);
        }
        return Reply(CaMessage.Bare(CaHeader.Of(CaCommand.ClearChannel, 0, 0, 0, h.Parameter1, h.Parameter2)));
    }

    /// <summary>Checks a data request's channel, type and count; on failure the reply is queued and null returned.</summary>
    private CaChannel? Checked(in CaHeader h, out int count, out bool ok)
    {
        count = 0;
        ok = true;
        if (!_channels.TryGetValue(h.Parameter1, out var channel))
        {
            ok = Reply(CaMessage.Error(h, 0, CaStatus.BadChannelId, $"no channel with SID {h.Parameter1}"));
            return null;
        }
        if (!DbrTypes.IsValid(h.DataType))
        {
            ok = Reply(CaMessage.Error(h, channel.Cid, CaStatus.BadType, $"data type {h.DataType} is not a DBR value type"));
            return null;
        }
        count = h.DataCount == 0 ? 1 : (int)Math.Min(h.DataCount, int.MaxValue); // 0: the native count (CA 4.13)
        if (count > 1)
        {
            ok = Reply(CaMessage.Error(h, channel.Cid, CaStatus.BadCount, $"{h.DataCount} elements asked of a scalar PV"));
            return null;
        }
        return channel;
    }

    private bool Read(in CaHeader h)
    {
        var channel = Checked(h, out int count, out bool ok);
        if (channel is null) return ok;
        var pv = channel.Pv;
        int payload = CaHeader.Padded(DbrEncoder.Size(h.DataType, count));
        var header = CaHeader.Of(h.Kind, (uint)payload, h.DataType, (uint)count, h.Kind == CaCommand.ReadNotify ? (uint)CaStatus.Normal : h.Parameter1, h.Parameter2);
        var message = new byte[header.EncodedSize + payload];
        int at = header.WriteTo(message);
        DbrEncoder.Encode(pv.Kind, pv.Metadata, pv.Value, h.DataType, count, message.AsSpan(at));
        return Reply(message);
    }

    private bool Subscribe(in CaHeader h, ReadOnlySpan<byte> payload)
    {
        var channel = Checked(h, out int count, out bool ok);
        if (channel is null) return ok;
        if (payload.Length < 16)
        {
            Close($"EVENT_ADD with a {payload.Length}-byte payload (16 expected)");
            return false;
        }
        var mask = (PvEvents)(BinaryPrimitives.ReadUInt16BigEndian(payload[12..]) & 0x0F);
        if (mask == PvEvents.None) return Reply(CaMessage.Error(h, channel.Cid, CaStatus.BadMask, "empty event mask"));
        if (_subscriptions.ContainsKey(h.Parameter2)) return Reply(CaMessage.Error(h, channel.Cid, CaStatus.BadMask, $"subscription id {h.Parameter2} is in use"));
        if (_subscriptions.Count >= _limits.MaxSubscriptions)
        {
            Close($"more than {_limits.MaxSubscriptions} monitors on one circuit");
            return false;
        }
        var s = new CaSubscription(h.Parameter2, channel, h.DataType, count, mask, _output.Pending);
        _subscriptions[s.Id] = s;
        channel.Pv.Observe(s);
        s.MarkPending(); // the current value first, as every server does
        return true;
    }

    private bool Unsubscribe(in CaHeader h)
    {
        if (!_subscriptions.Remove(h.Parameter2, out var s) || s.Channel.Sid != h.Parameter1)
            return Reply(CaMessage.Error(h, 0, CaStatus.BadChannelId, $"no monitor {h.Parameter2} on SID {h.Parameter1}"));
        s.Active = false;
        s.Channel.Pv.Unobserve(s);
        // the end of a monitor: an EVENT_ADD reply without payload
        return Reply(CaMessage.Bare(CaHeader.Of(CaCommand.EventAdd, 0, h.DataType, h.DataCount, h.Parameter1, h.Parameter2)));
    }

    private bool Write(in CaHeader h, ReadOnlySpan<byte> payload)
    {
        bool notify = h.Kind == CaCommand.WriteNotify;
        if (!_channels.TryGetValue(h.Parameter1, out var channel))
            return Reply(CaMessage.Error(h, 0, CaStatus.BadChannelId, $"no channel with SID {h.Parameter1}"));
        var pv = channel.Pv;
        CaStatus status = DbrDecoder.TryDecode(h.DataType, h.DataCount, payload, out double number, out string text);
        string message = status == CaStatus.Normal ? "" : $"cannot decode a value of type {h.DataType} × {h.DataCount}";
        if (status == CaStatus.Normal)
        {
            // checked again at the write: the rights sent at connection may predate the client's names
            if (!pv.Writable || !channel.CanWrite || !_access.MayWrite(User, Host, pv))
            {
                status = CaStatus.NoWriteAccess;
                message = pv.Writable ? $"{User}@{Host} may not write {pv.Name}" : $"{pv.Name} is read-only";
            }
            else
            {
                PvWriteResult result;
                try
                {
                    result = pv.WriteHandler!(new PvWrite(pv, number, text, User, Host));
                }
                catch (Exception e)
                {
                    _log.LogError(e, "CA write to {Pv} failed", pv.Name);
                    result = PvWriteResult.Refused("internal error: " + e.Message);
                }
                status = result.Accepted ? CaStatus.Normal : CaStatus.PutFail;
                message = result.Message;
            }
            _audit?.Invoke(new CaWriteAudit(User, Host, Peer?.ToString() ?? "", pv.Name, text, status == CaStatus.Normal, message));
            if (status != CaStatus.Normal) _log.LogWarning("CA write {Pv} = {Value} from {User}@{Host} ({Peer}) refused: {Why}", pv.Name, text, User, Host, Peer, message);
        }
        if (notify) return Reply(CaMessage.Bare(CaHeader.Of(CaCommand.WriteNotify, 0, h.DataType, h.DataCount, (uint)status, h.Parameter2)));
        return status == CaStatus.Normal || Reply(CaMessage.Error(h, channel.Cid, status, message));
    }
}
