namespace Twin.Service.Operations;

/// <summary>Who asks for an operation.</summary>
/// <param name="User">Signed-in user name.</param>
/// <param name="Role">The user's role.</param>
/// <param name="Remote">Client address, or null.</param>
public sealed record Actor(string User, string Role, string? Remote = null);
