using System.Buffers;
using Twin.Messaging.Mqtt.Codec;

namespace Twin.Messaging.Mqtt.Packets;

/// <summary>Will message carried in CONNECT (MQTT 5.0 §3.1.3.2–§3.1.3.4).</summary>
internal sealed class MqttWill
{
    /// <summary>Will topic.</summary>
    public required string Topic { get; init; }
    /// <summary>Will payload.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }
    /// <summary>Will QoS 0–2.</summary>
    public byte Qos { get; init; }
    /// <summary>Will retain.</summary>
    public bool Retain { get; init; }
    /// <summary>Will properties (MQTT 5 only).</summary>
    public MqttProperties Properties { get; init; } = new();
}

/// <summary>CONNECT (MQTT 5.0 §3.1, MQTT 3.1.1 §3.1).</summary>
internal sealed class ConnectPacket : MqttPacket
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.Connect;
    /// <summary>Protocol level 4 or 5.</summary>
    public MqttProtocolVersion ProtocolVersion { get; init; } = MqttProtocolVersion.V500;
    /// <summary>Client identifier (may be empty: the server assigns one, MQTT 5.0 §3.1.3.1).</summary>
    public string ClientId { get; init; } = "";
    /// <summary>Clean Start (5.0) / Clean Session (3.1.1) flag.</summary>
    public bool CleanStart { get; init; }
    /// <summary>Keep alive in seconds, 0 = off.</summary>
    public ushort KeepAliveSeconds { get; init; }
    /// <summary>User name or null.</summary>
    public string? Username { get; init; }
    /// <summary>Password or null.</summary>
    public byte[]? Password { get; init; }
    /// <summary>Will message or null.</summary>
    public MqttWill? Will { get; init; }
    /// <summary>CONNECT properties (MQTT 5 only).</summary>
    public MqttProperties Properties { get; init; } = new();

    /// <inheritdoc />
    public override void WriteBody(IBufferWriter<byte> w, MqttProtocolVersion version)
    {
        w.WriteString("MQTT");
        w.WriteByte((byte)ProtocolVersion);
        byte flags = 0;
        if (Username is not null) flags |= 0x80;
        if (Password is not null) flags |= 0x40;
        if (Will is not null)
        {
            flags |= 0x04;
            flags |= (byte)((Will.Qos & 3) << 3);
            if (Will.Retain) flags |= 0x20;
        }
        if (CleanStart) flags |= 0x02;
        w.WriteByte(flags);
        w.WriteUInt16(KeepAliveSeconds);
        bool v5 = ProtocolVersion == MqttProtocolVersion.V500;
        if (v5) MqttPropertyCodec.Write(w, Properties);
        w.WriteString(ClientId);
        if (Will is not null)
        {
            if (v5) MqttPropertyCodec.Write(w, Will.Properties);
            w.WriteString(Will.Topic);
            w.WriteBinary(Will.Payload.Span);
        }
        if (Username is not null) w.WriteString(Username);
        if (Password is not null) w.WriteBinary(Password);
    }

    /// <summary>Decodes the body (MQTT 5.0 §3.1.2–§3.1.3); the protocol level comes from the packet itself.</summary>
    public static ConnectPacket Decode(ref MqttBufferReader r)
    {
        string name = r.ReadString("protocol name");
        if (name != "MQTT")
            throw r.Malformed($"protocol name '{name}' is not 'MQTT'");
        byte level = r.ReadByte("protocol level");
        if (level != 4 && level != 5)
            throw new MqttProtocolException(MqttReasonCode.UnsupportedProtocolVersion, $"CONNECT protocol level {level} is not supported");
        var version = (MqttProtocolVersion)level;
        byte flags = r.ReadByte("connect flags");
        if ((flags & 0x01) != 0)
            throw r.Malformed("reserved connect flag bit 0 is set (MQTT 5.0 §3.1.2.3)");
        bool hasWill = (flags & 0x04) != 0;
        byte willQos = (byte)((flags >> 3) & 3);
        bool willRetain = (flags & 0x20) != 0;
        if (willQos == 3)
            throw r.Malformed("will QoS 3");
        if (!hasWill && (willQos != 0 || willRetain))
            throw r.Malformed("will QoS or will retain set without the will flag (MQTT 5.0 §3.1.2.6)");
        bool hasUser = (flags & 0x80) != 0, hasPassword = (flags & 0x40) != 0;
        if (version == MqttProtocolVersion.V311 && hasPassword && !hasUser)
            throw r.Malformed("password flag without user name flag (MQTT 3.1.1 §3.1.2.9)");
        ushort keepAlive = r.ReadUInt16("keep alive");
        var props = version == MqttProtocolVersion.V500 ? MqttPropertyCodec.Read(ref r, MqttPropertyContext.Connect) : new MqttProperties();
        string clientId = r.ReadString("client identifier");
        MqttWill? will = null;
        if (hasWill)
        {
            var willProps = version == MqttProtocolVersion.V500 ? MqttPropertyCodec.Read(ref r, MqttPropertyContext.Will) : new MqttProperties();
            string topic = r.ReadString("will topic");
            byte[] payload = r.ReadBinary("will payload");
            will = new MqttWill { Topic = topic, Payload = payload, Qos = willQos, Retain = willRetain, Properties = willProps };
        }
        string? user = hasUser ? r.ReadString("user name") : null;
        byte[]? password = hasPassword ? r.ReadBinary("password") : null;
        r.EnsureEnd();
        return new ConnectPacket
        {
            ProtocolVersion = version, ClientId = clientId, CleanStart = (flags & 0x02) != 0, KeepAliveSeconds = keepAlive,
            Username = user, Password = password, Will = will, Properties = props,
        };
    }
}
