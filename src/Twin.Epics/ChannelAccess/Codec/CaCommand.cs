namespace Twin.Epics.ChannelAccess.Codec;

/// <summary>
/// Channel Access command identifiers (the header's first field), as numbered in the Channel Access protocol
/// specification (EPICS base "Channel Access Protocol Specification", section "Commands"). Only the commands a server
/// receives or sends are named; the rest are refused by number.
/// </summary>
public enum CaCommand : ushort
{
    /// <summary>CA_PROTO_VERSION (0): protocol minor version and circuit priority; first message both ways on a circuit, and first in a search datagram.</summary>
    Version = 0,
    /// <summary>CA_PROTO_EVENT_ADD (1): subscribe to a channel's changes; also the server's update message.</summary>
    EventAdd = 1,
    /// <summary>CA_PROTO_EVENT_CANCEL (2): end a subscription.</summary>
    EventCancel = 2,
    /// <summary>CA_PROTO_READ (3): deprecated read without notification.</summary>
    Read = 3,
    /// <summary>CA_PROTO_WRITE (4): write without notification.</summary>
    Write = 4,
    /// <summary>CA_PROTO_SEARCH (6): find the server of a channel name (UDP, or TCP).</summary>
    Search = 6,
    /// <summary>CA_PROTO_EVENTS_OFF (8): the client asks the server to stop sending updates (flow control).</summary>
    EventsOff = 8,
    /// <summary>CA_PROTO_EVENTS_ON (9): the client can take updates again.</summary>
    EventsOn = 9,
    /// <summary>CA_PROTO_READ_SYNC (10): deprecated synchronisation marker.</summary>
    ReadSync = 10,
    /// <summary>CA_PROTO_ERROR (11): the server reports a failed request (the request's header and a message as payload).</summary>
    Error = 11,
    /// <summary>CA_PROTO_CLEAR_CHANNEL (12): the client releases a channel.</summary>
    ClearChannel = 12,
    /// <summary>CA_PROTO_RSRV_IS_UP (13): the server's beacon (UDP).</summary>
    Beacon = 13,
    /// <summary>CA_PROTO_NOT_FOUND (14): a unicast search found nothing here.</summary>
    NotFound = 14,
    /// <summary>CA_PROTO_READ_NOTIFY (15): read with a reply.</summary>
    ReadNotify = 15,
    /// <summary>CA_PROTO_REPEATER_CONFIRM (17): repeater registration confirmed (UDP).</summary>
    RepeaterConfirm = 17,
    /// <summary>CA_PROTO_CREATE_CHAN (18): connect a channel on a circuit.</summary>
    CreateChannel = 18,
    /// <summary>CA_PROTO_WRITE_NOTIFY (19): write with a reply.</summary>
    WriteNotify = 19,
    /// <summary>CA_PROTO_CLIENT_NAME (20): the client's user name.</summary>
    ClientName = 20,
    /// <summary>CA_PROTO_HOST_NAME (21): the client's host name.</summary>
    HostName = 21,
    /// <summary>CA_PROTO_ACCESS_RIGHTS (22): the server tells a channel's read/write rights.</summary>
    AccessRights = 22,
    /// <summary>CA_PROTO_ECHO (23): connection check, echoed.</summary>
    Echo = 23,
    /// <summary>CA_PROTO_REPEATER_REGISTER (24): a client registers with a repeater (UDP).</summary>
    RepeaterRegister = 24,
    /// <summary>CA_PROTO_CREATE_CH_FAIL (26): the server cannot create a channel.</summary>
    CreateChannelFailed = 26,
    /// <summary>CA_PROTO_SERVER_DISCONN (27): the server dropped a channel.</summary>
    ServerDisconnect = 27,
}
