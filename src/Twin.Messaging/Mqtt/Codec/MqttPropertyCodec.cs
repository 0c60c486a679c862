using System.Buffers;

namespace Twin.Messaging.Mqtt.Codec;

/// <summary>Where a property block appears; decides which properties are allowed (MQTT 5.0 §2.2.2.2, table 2-4).</summary>
internal enum MqttPropertyContext
{
    /// <summary>CONNECT variable header.</summary>
    Connect,
    /// <summary>CONNECT payload, Will Properties (MQTT 5.0 §3.1.3.2).</summary>
    Will,
    /// <summary>CONNACK.</summary>
    ConnAck,
    /// <summary>PUBLISH.</summary>
    Publish,
    /// <summary>PUBACK, PUBREC, PUBREL, PUBCOMP.</summary>
    PublishResponse,
    /// <summary>SUBSCRIBE.</summary>
    Subscribe,
    /// <summary>SUBACK.</summary>
    SubAck,
    /// <summary>UNSUBSCRIBE.</summary>
    Unsubscribe,
    /// <summary>UNSUBACK.</summary>
    UnsubAck,
    /// <summary>DISCONNECT.</summary>
    Disconnect,
    /// <summary>AUTH.</summary>
    Auth,
}

/// <summary>Reads and writes MQTT 5.0 property blocks (MQTT 5.0 §2.2.2): a Variable Byte Integer length, then properties.</summary>
internal static class MqttPropertyCodec
{
    private static ulong Bits(params MqttPropertyId[] ids)
    {
        ulong m = 0;
        foreach (var id in ids) m |= 1UL << (int)id;
        return m;
    }

    private static readonly ulong ConnectAllowed = Bits(MqttPropertyId.SessionExpiryInterval, MqttPropertyId.AuthenticationMethod,
        MqttPropertyId.AuthenticationData, MqttPropertyId.RequestProblemInformation, MqttPropertyId.RequestResponseInformation,
        MqttPropertyId.ReceiveMaximum, MqttPropertyId.TopicAliasMaximum, MqttPropertyId.UserProperty, MqttPropertyId.MaximumPacketSize);

    private static readonly ulong WillAllowed = Bits(MqttPropertyId.PayloadFormatIndicator, MqttPropertyId.MessageExpiryInterval,
        MqttPropertyId.ContentType, MqttPropertyId.ResponseTopic, MqttPropertyId.CorrelationData, MqttPropertyId.WillDelayInterval,
        MqttPropertyId.UserProperty);

    private static readonly ulong ConnAckAllowed = Bits(MqttPropertyId.SessionExpiryInterval, MqttPropertyId.AssignedClientIdentifier,
        MqttPropertyId.ServerKeepAlive, MqttPropertyId.AuthenticationMethod, MqttPropertyId.AuthenticationData,
        MqttPropertyId.ResponseInformation, MqttPropertyId.ServerReference, MqttPropertyId.ReasonString, MqttPropertyId.ReceiveMaximum,
        MqttPropertyId.TopicAliasMaximum, MqttPropertyId.MaximumQos, MqttPropertyId.RetainAvailable, MqttPropertyId.UserProperty,
        MqttPropertyId.MaximumPacketSize, MqttPropertyId.WildcardSubscriptionAvailable, MqttPropertyId.SubscriptionIdentifierAvailable,
        MqttPropertyId.SharedSubscriptionAvailable);

    private static readonly ulong PublishAllowed = Bits(MqttPropertyId.PayloadFormatIndicator, MqttPropertyId.MessageExpiryInterval,
        MqttPropertyId.ContentType, MqttPropertyId.ResponseTopic, MqttPropertyId.CorrelationData, MqttPropertyId.SubscriptionIdentifier,
        MqttPropertyId.TopicAlias, MqttPropertyId.UserProperty);

    private static readonly ulong ReasonAndUser = Bits(MqttPropertyId.ReasonString, MqttPropertyId.UserProperty);

    private static readonly ulong SubscribeAllowed = Bits(MqttPropertyId.SubscriptionIdentifier, MqttPropertyId.UserProperty);

    private static readonly ulong UnsubscribeAllowed = Bits(MqttPropertyId.UserProperty);

    private static readonly ulong DisconnectAllowed = Bits(MqttPropertyId.SessionExpiryInterval, MqttPropertyId.ServerReference,
        MqttPropertyId.ReasonString, MqttPropertyId.UserProperty);

    private static readonly ulong AuthAllowed = Bits(MqttPropertyId.AuthenticationMethod, MqttPropertyId.AuthenticationData,
        MqttPropertyId.ReasonString, MqttPropertyId.UserProperty);

    private static ulong Allowed(MqttPropertyContext context) => context switch
    {
        MqttPropertyContext.Connect => ConnectAllowed,
        MqttPropertyContext.Will => WillAllowed,
        MqttPropertyContext.ConnAck => ConnAckAllowed,
        MqttPropertyContext.Publish => PublishAllowed,
        MqttPropertyContext.PublishResponse or MqttPropertyContext.SubAck or MqttPropertyContext.UnsubAck => ReasonAndUser,
        MqttPropertyContext.Subscribe => SubscribeAllowed,
        MqttPropertyContext.Unsubscribe => UnsubscribeAllowed,
        MqttPropertyContext.Disconnect => DisconnectAllowed,
        MqttPropertyContext.Auth => AuthAllowed,
        _ => 0,
    };

    /// <summary>
    /// Reads a property block. An identifier not valid for the packet is a Malformed Packet (MQTT 5.0 §2.2.2.2);
    /// a property other than User Property (or Subscription Identifier in PUBLISH) included twice, or a value outside
    /// its allowed range, is a Protocol Error.
    /// </summary>
    public static MqttProperties Read(ref MqttBufferReader reader, MqttPropertyContext context)
    {
        int length = reader.ReadVariableByteInteger("property length");
        if (length > reader.Remaining)
            throw reader.Malformed($"property length {length} exceeds the {reader.Remaining} byte(s) left in the packet");
        if (length == 0)
            return new MqttProperties();
        var r = new MqttBufferReader(reader.ReadBytes(length, "properties"), reader.PacketName);
        var p = new MqttProperties();
        ulong allowed = Allowed(context);
        ulong seen = 0;
        while (r.Remaining > 0)
        {
            int id = r.ReadVariableByteInteger("property identifier");
            if (id >= 64 || (allowed & (1UL << id)) == 0)
                throw r.Malformed($"property identifier 0x{id:X2} is not valid in {(context == MqttPropertyContext.Will ? "the will properties" : r.PacketName)}");
            var pid = (MqttPropertyId)id;
            bool repeatable = pid == MqttPropertyId.UserProperty
                || (pid == MqttPropertyId.SubscriptionIdentifier && context == MqttPropertyContext.Publish);
            if (!repeatable)
            {
                if ((seen & (1UL << id)) != 0)
                    throw r.ProtocolError($"property {pid} included more than once");
                seen |= 1UL << id;
            }
            switch (pid)
            {
                case MqttPropertyId.PayloadFormatIndicator: p.PayloadFormatIndicator = ZeroOrOne(ref r, pid); break;
                case MqttPropertyId.MessageExpiryInterval: p.MessageExpiryInterval = r.ReadUInt32(pid.ToString()); break;
                case MqttPropertyId.ContentType: p.ContentType = r.ReadString("content type"); break;
                case MqttPropertyId.ResponseTopic: p.ResponseTopic = r.ReadString("response topic"); break;
                case MqttPropertyId.CorrelationData: p.CorrelationData = r.ReadBinary("correlation data"); break;
                case MqttPropertyId.SubscriptionIdentifier:
                    int sid = r.ReadVariableByteInteger("subscription identifier");
                    if (sid == 0)
                        throw r.ProtocolError("subscription identifier 0 (MQTT 5.0 §3.3.2.3.8)");
                    (p.SubscriptionIdentifiers ??= []).Add(sid);
                    break;
                case MqttPropertyId.SessionExpiryInterval: p.SessionExpiryInterval = r.ReadUInt32(pid.ToString()); break;
                case MqttPropertyId.AssignedClientIdentifier: p.AssignedClientIdentifier = r.ReadString("assigned client identifier"); break;
                case MqttPropertyId.ServerKeepAlive: p.ServerKeepAlive = r.ReadUInt16(pid.ToString()); break;
                case MqttPropertyId.AuthenticationMethod: p.AuthenticationMethod = r.ReadString("authentication method"); break;
                case MqttPropertyId.AuthenticationData: p.AuthenticationData = r.ReadBinary("authentication data"); break;
                case MqttPropertyId.RequestProblemInformation: p.RequestProblemInformation = ZeroOrOne(ref r, pid); break;
                case MqttPropertyId.WillDelayInterval: p.WillDelayInterval = r.ReadUInt32(pid.ToString()); break;
                case MqttPropertyId.RequestResponseInformation: p.RequestResponseInformation = ZeroOrOne(ref r, pid); break;
                case MqttPropertyId.ResponseInformation: p.ResponseInformation = r.ReadString("response information"); break;
                case MqttPropertyId.ServerReference: p.ServerReference = r.ReadString("server reference"); break;
                case MqttPropertyId.ReasonString: p.ReasonString = r.ReadString("reason string"); break;
                case MqttPropertyId.ReceiveMaximum:
                    p.ReceiveMaximum = r.ReadUInt16(pid.ToString());
                    if (p.ReceiveMaximum == 0)
                        throw r.ProtocolError("receive maximum 0 (MQTT 5.0 §3.2.2.3.3)");
                    break;
                case MqttPropertyId.TopicAliasMaximum: p.TopicAliasMaximum = r.ReadUInt16(pid.ToString()); break;
                case MqttPropertyId.TopicAlias: p.TopicAlias = r.ReadUInt16(pid.ToString()); break;
                case MqttPropertyId.MaximumQos: p.MaximumQos = ZeroOrOne(ref r, pid); break;
                case MqttPropertyId.RetainAvailable: p.RetainAvailable = ZeroOrOne(ref r, pid); break;
                case MqttPropertyId.UserProperty:
                    string name = r.ReadString("user property name");
                    string value = r.ReadString("user property value");
                    (p.UserProperties ??= []).Add(new(name, value));
                    break;
                case MqttPropertyId.MaximumPacketSize:
                    p.MaximumPacketSize = r.ReadUInt32(pid.ToString());
                    if (p.MaximumPacketSize == 0)
                        throw r.ProtocolError("maximum packet size 0 (MQTT 5.0 §3.2.2.3.6)");
                    break;
                case MqttPropertyId.WildcardSubscriptionAvailable: p.WildcardSubscriptionAvailable = ZeroOrOne(ref r, pid); break;
                case MqttPropertyId.SubscriptionIdentifierAvailable: p.SubscriptionIdentifierAvailable = ZeroOrOne(ref r, pid); break;
                case MqttPropertyId.SharedSubscriptionAvailable: p.SharedSubscriptionAvailable = ZeroOrOne(ref r, pid); break;
                default:
                    throw r.Malformed($"unknown property identifier 0x{id:X2}");
            }
        }
        return p;
    }

    private static byte ZeroOrOne(ref MqttBufferReader r, MqttPropertyId id)
    {
        byte b = r.ReadByte(id.ToString());
        if (b > 1)
            throw r.ProtocolError($"property {id} has value {b}; only 0 or 1 are allowed");
        return b;
    }

    /// <summary>Length of the property block's content (without its own length field).</summary>
    public static int ContentSize(MqttProperties p)
    {
        int n = 0;
        if (p.PayloadFormatIndicator is not null) n += 2;
        if (p.MessageExpiryInterval is not null) n += 5;
        if (p.ContentType is not null) n += 1 + MqttBufferWriter.StringSize(p.ContentType);
        if (p.ResponseTopic is not null) n += 1 + MqttBufferWriter.StringSize(p.ResponseTopic);
        if (p.CorrelationData is not null) n += 3 + p.CorrelationData.Length;
        if (p.SubscriptionIdentifiers is not null)
            foreach (var id in p.SubscriptionIdentifiers) n += 1 + MqttBufferWriter.VariableByteIntegerSize(id);
        if (p.SessionExpiryInterval is not null) n += 5;
        if (p.AssignedClientIdentifier is not null) n += 1 + MqttBufferWriter.StringSize(p.AssignedClientIdentifier);
        if (p.ServerKeepAlive is not null) n += 3;
        if (p.AuthenticationMethod is not null) n += 1 + MqttBufferWriter.StringSize(p.AuthenticationMethod);
        if (p.AuthenticationData is not null) n += 3 + p.AuthenticationData.Length;
        if (p.RequestProblemInformation is not null) n += 2;
        if (p.WillDelayInterval is not null) n += 5;
        if (p.RequestResponseInformation is not null) n += 2;
        if (p.ResponseInformation is not null) n += 1 + MqttBufferWriter.StringSize(p.ResponseInformation);
        if (p.ServerReference is not null) n += 1 + MqttBufferWriter.StringSize(p.ServerReference);
        if (p.ReasonString is not null) n += 1 + MqttBufferWriter.StringSize(p.ReasonString);
        if (p.ReceiveMaximum is not null) n += 3;
        if (p.TopicAliasMaximum is not null) n += 3;
        if (p.TopicAlias is not null) n += 3;
        if (p.MaximumQos is not null) n += 2;
        if (p.RetainAvailable is not null) n += 2;
        if (p.UserProperties is not null)
            foreach (var kv in p.UserProperties) n += 1 + MqttBufferWriter.StringSize(kv.Key) + MqttBufferWriter.StringSize(kv.Value);
        if (p.MaximumPacketSize is not null) n += 5;
        if (p.WildcardSubscriptionAvailable is not null) n += 2;
        if (p.SubscriptionIdentifierAvailable is not null) n += 2;
        if (p.SharedSubscriptionAvailable is not null) n += 2;
        return n;
    }

    /// <summary>Writes the property length and the properties.</summary>
    public static void Write(IBufferWriter<byte> w, MqttProperties p)
    {
        w.WriteVariableByteInteger(ContentSize(p));
        if (p.PayloadFormatIndicator is { } pfi) { w.WriteByte((byte)MqttPropertyId.PayloadFormatIndicator); w.WriteByte(pfi); }
        if (p.MessageExpiryInterval is { } mei) { w.WriteByte((byte)MqttPropertyId.MessageExpiryInterval); w.WriteUInt32(mei); }
        if (p.ContentType is { } ct) { w.WriteByte((byte)MqttPropertyId.ContentType); w.WriteString(ct); }
        if (p.ResponseTopic is { } rt) { w.WriteByte((byte)MqttPropertyId.ResponseTopic); w.WriteString(rt); }
        if (p.CorrelationData is { } cd) { w.WriteByte((byte)MqttPropertyId.CorrelationData); w.WriteBinary(cd); }
        if (p.SubscriptionIdentifiers is { } sids)
            foreach (var id in sids) { w.WriteByte((byte)MqttPropertyId.SubscriptionIdentifier); w.WriteVariableByteInteger(id); }
        if (p.SessionExpiryInterval is { } sei) { w.WriteByte((byte)MqttPropertyId.SessionExpiryInterval); w.WriteUInt32(sei); }
        if (p.AssignedClientIdentifier is { } aci) { w.WriteByte((byte)MqttPropertyId.AssignedClientIdentifier); w.WriteString(aci); }
        if (p.ServerKeepAlive is { } ska) { w.WriteByte((byte)MqttPropertyId.ServerKeepAlive); w.WriteUInt16(ska); }
        if (p.AuthenticationMethod is { } am) { w.WriteByte((byte)MqttPropertyId.AuthenticationMethod); w.WriteString(am); }
        if (p.AuthenticationData is { } ad) { w.WriteByte((byte)MqttPropertyId.AuthenticationData); w.WriteBinary(ad); }
        if (p.RequestProblemInformation is { } rpi) { w.WriteByte((byte)MqttPropertyId.RequestProblemInformation); w.WriteByte(rpi); }
        if (p.WillDelayInterval is { } wdi) { w.WriteByte((byte)MqttPropertyId.WillDelayInterval); w.WriteUInt32(wdi); }
        if (p.RequestResponseInformation is { } rri) { w.WriteByte((byte)MqttPropertyId.RequestResponseInformation); w.WriteByte(rri); }
        if (p.ResponseInformation is { } ri) { w.WriteByte((byte)MqttPropertyId.ResponseInformation); w.WriteString(ri); }
        if (p.ServerReference is { } sr) { w.WriteByte((byte)MqttPropertyId.ServerReference); w.WriteString(sr); }
        if (p.ReasonString is { } rs) { w.WriteByte((byte)MqttPropertyId.ReasonString); w.WriteString(rs); }
        if (p.ReceiveMaximum is { } rm) { w.WriteByte((byte)MqttPropertyId.ReceiveMaximum); w.WriteUInt16(rm); }
        if (p.TopicAliasMaximum is { } tam) { w.WriteByte((byte)MqttPropertyId.TopicAliasMaximum); w.WriteUInt16(tam); }
        if (p.TopicAlias is { } ta) { w.WriteByte((byte)MqttPropertyId.TopicAlias); w.WriteUInt16(ta); }
        if (p.MaximumQos is { } mq) { w.WriteByte((byte)MqttPropertyId.MaximumQos); w.WriteByte(mq); }
        if (p.RetainAvailable is { } ra) { w.WriteByte((byte)MqttPropertyId.RetainAvailable); w.WriteByte(ra); }
        if (p.UserProperties is { } ups)
            foreach (var kv in ups) { w.WriteByte((byte)MqttPropertyId.UserProperty); w.WriteString(kv.Key); w.WriteString(kv.Value); }
        if (p.MaximumPacketSize is { } mps) { w.WriteByte((byte)MqttPropertyId.MaximumPacketSize); w.WriteUInt32(mps); }
        if (p.WildcardSubscriptionAvailable is { } wsa) { w.WriteByte((byte)MqttPropertyId.WildcardSubscriptionAvailable); w.WriteByte(wsa); }
        if (p.SubscriptionIdentifierAvailable is { } sia) { w.WriteByte((byte)MqttPropertyId.SubscriptionIdentifierAvailable); w.WriteByte(sia); }
        if (p.SharedSubscriptionAvailable is { } ssa) { w.WriteByte((byte)MqttPropertyId.SharedSubscriptionAvailable); w.WriteByte(ssa); }
    }
}
