namespace Twin.Epics.ChannelAccess.Codec;

/// <summary>Builds complete messages (header + padded payload) the server sends.</summary>
public static class CaMessage
{
    /// <summary>The protocol minor version this server speaks (CA_MINOR_PROTOCOL_REVISION 13, EPICS base 3.14 and later).</summary>
    public const ushort MinorVersion = 13;

    /// <summary>Search reply flag DO_REPLY: answer a failed unicast search with CA_PROTO_NOT_FOUND.</summary>
    public const ushort DoReply = 10;

    /// <summary>A message without payload.</summary>
    /// <param name="header">Header (its payload size must be 0).</param>
    /// <returns>The bytes.</returns>
    public static byte[] Bare(CaHeader header)
    {
        var bytes = new byte[header.EncodedSize];
        header.WriteTo(bytes);
        return bytes;
    }

    /// <summary>A message whose payload is a zero-terminated ASCII string (padded to 8 bytes), e.g. a channel name.</summary>
    /// <param name="command">Command.</param>
    /// <param name="text">Text.</param>
    /// <param name="dataType">Data type field.</param>
    /// <param name="dataCount">Count field.</param>
    /// <param name="p1">Parameter 1.</param>
    /// <param name="p2">Parameter 2.</param>
    /// <returns>The bytes.</returns>
    public static byte[] WithText(CaCommand command, string text, ushort dataType = 0, uint dataCount = 0, uint p1 = 0, uint p2 = 0)
    {
        int payload = CaHeader.Padded(text.Length + 1);
        var header = CaHeader.Of(command, (uint)payload, dataType, dataCount, p1, p2);
        var bytes = new byte[header.EncodedSize + payload];
        int at = header.WriteTo(bytes);
        DbrEncoder.WriteText(text, bytes.AsSpan(at, text.Length + 1));
        return bytes;
    }

    /// <summary>The search reply (CA_PROTO_SEARCH response): the server's TCP port, SID 0xFFFFFFFF, the client's CID, and the
    /// server's minor version as the 8-byte payload.</summary>
    /// <param name="tcpPort">Port of the server's TCP listener.</param>
    /// <param name="cid">The search's CID.</param>
    /// <returns>The bytes.</returns>
    public static byte[] SearchReply(ushort tcpPort, uint cid)
    {
        var bytes = new byte[CaHeader.Size + 8];
        CaHeader.Of(CaCommand.Search, 8, tcpPort, 0, 0xFFFF_FFFF, cid).WriteTo(bytes);
        bytes[CaHeader.Size] = 0;
        bytes[CaHeader.Size + 1] = (byte)MinorVersion;
        return bytes;
    }

    /// <summary>CA_PROTO_ERROR: the failed request's header and a message.</summary>
    /// <param name="request">The request's header (its standard 16-byte form is returned).</param>
    /// <param name="cid">The channel's CID (0 when none).</param>
    /// <param name="status">Why.</param>
    /// <param name="message">In words.</param>
    /// <returns>The bytes.</returns>
    public static byte[] Error(in CaHeader request, uint cid, CaStatus status, string message)
    {
        int payload = CaHeader.Padded(CaHeader.Size + message.Length + 1);
        var header = CaHeader.Of(CaCommand.Error, (uint)payload, 0, 0, cid, (uint)status);
        var bytes = new byte[header.EncodedSize + payload];
        int at = header.WriteTo(bytes);
        var echoed = request with { PayloadSize = Math.Min(request.PayloadSize, 0xFFFE), DataCount = Math.Min(request.DataCount, 0xFFFF) };
        echoed.WriteTo(bytes.AsSpan(at));
        DbrEncoder.WriteText(message, bytes.AsSpan(at + CaHeader.Size, message.Length + 1));
        return bytes;
    }
}
