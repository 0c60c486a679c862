namespace Twin.Service.Security;

/// <summary>A dashboard user from the experiment file's <c>dashboard.users</c> list.</summary>
/// <param name="Name">Login name, <c>[A-Za-z0-9_.-]+</c>.</param>
/// <param name="Role"><see cref="TwinRoles.Operator"/> or <see cref="TwinRoles.Viewer"/>.</param>
/// <param name="PasswordHash">Hash made by <c>twin passwd</c> (<see cref="PasswordHashing"/>); never the password.</param>
public sealed record UserAccount(string Name, string Role, string PasswordHash);
