namespace Twin.Service.Security;

/// <summary>The dashboard's roles.</summary>
public static class TwinRoles
{
    /// <summary>Operators see everything, change cell settings and acknowledge alarms.</summary>
    public const string Operator = "operator";

    /// <summary>Viewers see everything and change nothing.</summary>
    public const string Viewer = "viewer";

    /// <summary>True for "operator" or "viewer".</summary>
    /// <param name="role">A role name.</param>
    /// <returns>Whether it is a role of this product.</returns>
    public static bool IsRole(string? role) => role is Operator or Viewer;
}
