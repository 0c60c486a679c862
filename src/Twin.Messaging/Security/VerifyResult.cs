namespace Twin.Messaging.Security;

/// <summary>Why a message was refused.</summary>
public enum RefusalReason : byte
{
    /// <summary>Accepted (no refusal).</summary>
    None,
    /// <summary>The message carries no signature.</summary>
    Unsigned,
    /// <summary>Signature properties present but malformed (missing, repeated or unparsable).</summary>
    Malformed,
    /// <summary>Signed with a key id this process does not hold.</summary>
    UnknownKey,
    /// <summary>Signed with a valid key of a role that may not send this kind of message.</summary>
    WrongRole,
    /// <summary>The MAC does not match: the message was changed or signed with another secret.</summary>
    BadSignature,
    /// <summary>Signed longer ago than the freshness window allows (e.g. an old retained message).</summary>
    Stale,
    /// <summary>Signed further in the future than the freshness window allows (clock skew or forgery).</summary>
    FromTheFuture,
    /// <summary>Not newer than a message already accepted from that key on that topic (a replay).</summary>
    Replayed,
}

/// <summary>Outcome of verifying one message.</summary>
/// <param name="Reason"><see cref="RefusalReason.None"/> when accepted.</param>
/// <param name="Key">The key that verified the signature (also set for <see cref="RefusalReason.WrongRole"/>, <see cref="RefusalReason.Stale"/>, <see cref="RefusalReason.FromTheFuture"/> and <see cref="RefusalReason.Replayed"/>), else null.</param>
/// <param name="TimestampNs">Signing time, ns since the Unix epoch (0 when unparsable).</param>
/// <param name="SessionId">The signer's session id ("" when absent).</param>
/// <param name="Detail">Why, in words, for events and command replies.</param>
public readonly record struct VerifyResult(RefusalReason Reason, MessageKey? Key, long TimestampNs, string SessionId, string Detail)
{
    /// <summary>Whether the message was accepted.</summary>
    public bool Accepted => Reason == RefusalReason.None;

    /// <summary>The role proven by the signature; only meaningful when <see cref="Accepted"/>.</summary>
    /// <exception cref="InvalidOperationException">The message was not accepted.</exception>
    public SignerRole Role => Accepted ? Key!.Role : throw new InvalidOperationException("a refused message proves no role");
}
