namespace Twin.Messaging.Security;

/// <summary>
/// Who signed a message, as proven by the key that verified its signature (never by anything in the payload).
/// </summary>
public enum SignerRole : byte
{
    /// <summary>The twin service: its <c>state</c>, <c>alarm</c> and <c>status</c> messages, and commands it sends.</summary>
    Twin,
    /// <summary>A person operating the experiment: commands to a driver.</summary>
    Operator,
}

/// <summary>Text form of <see cref="SignerRole"/> as the experiment file and the command permissions spell it.</summary>
public static class SignerRoles
{
    /// <summary>The role's name: <c>twin</c> or <c>operator</c>.</summary>
    /// <param name="role">The role.</param>
    /// <returns>Its name.</returns>
    public static string Name(this SignerRole role) => role switch
    {
        SignerRole.Twin => "twin",
        SignerRole.Operator => "operator",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "unknown signer role"),
    };

    /// <summary>Parses a role name.</summary>
    /// <param name="name">Text, <c>twin</c> or <c>operator</c> (case-sensitive).</param>
    /// <param name="role">The role.</param>
    /// <returns>False for any other text.</returns>
    public static bool TryParse(string? name, out SignerRole role)
    {
        switch (name)
        {
            case "twin":
                role = SignerRole.Twin;
                return true;
            case "operator":
                role = SignerRole.Operator;
                return true;
            default:
                role = default;
                return false;
        }
    }
}
