namespace Twin.Epics.ChannelAccess.Codec;

/// <summary>
/// Channel Access status codes (ECA_*) as sent in replies: message number shifted left by 3, ORed with a severity
/// (success 1, warning 0, error 2, info 3, fatal 6), per the EPICS base header <c>caerr.h</c> that the protocol
/// specification refers to.
/// </summary>
public enum CaStatus : uint
{
    /// <summary>ECA_NORMAL: success (message 0, success).</summary>
    Normal = 1,
    /// <summary>ECA_ALLOCMEM: the server is out of memory or a limit (message 6, warning).</summary>
    AllocMem = 48,
    /// <summary>ECA_TOLARGE: the request is too large (message 9, warning).</summary>
    TooLarge = 72,
    /// <summary>ECA_BADTYPE: unknown or unsupported data type (message 14, error).</summary>
    BadType = 114,
    /// <summary>ECA_INTERNAL: internal failure (message 17, fatal).</summary>
    Internal = 142,
    /// <summary>ECA_GETFAIL: the read failed (message 19, warning).</summary>
    GetFail = 152,
    /// <summary>ECA_PUTFAIL: the write was refused by the PV (message 20, warning).</summary>
    PutFail = 160,
    /// <summary>ECA_BADCOUNT: element count out of range (message 22, warning).</summary>
    BadCount = 176,
    /// <summary>ECA_BADSTR: malformed string (message 23, error).</summary>
    BadString = 186,
    /// <summary>ECA_BADMASK: invalid event mask (message 41, error).</summary>
    BadMask = 330,
    /// <summary>ECA_NORDACCESS: no read access (message 46, warning).</summary>
    NoReadAccess = 368,
    /// <summary>ECA_NOWTACCESS: no write access (message 47, warning).</summary>
    NoWriteAccess = 376,
    /// <summary>ECA_BADCHID: unknown channel id (message 51, error).</summary>
    BadChannelId = 410,
}
