namespace Twin.Epics.ProcessVariables;

/// <summary>A process variable's native type: what a client sees as the channel's native DBR type.</summary>
public enum PvKind
{
    /// <summary>64-bit floating point (DBR_DOUBLE).</summary>
    Double,
    /// <summary>32-bit signed integer (DBR_LONG).</summary>
    Long,
    /// <summary>Enumerated state, an index into <see cref="PvMetadata.States"/> (DBR_ENUM, at most 16 states of 25 characters).</summary>
    Enum,
    /// <summary>Text of at most 39 characters (DBR_STRING).</summary>
    String,
}
