using System.CommandLine;
using Twin.Messaging.Security;
using Twin.Service.Security;

namespace Twin.Cli.Commands;

/// <summary>
/// <c>twin keygen --id ops-2025a --role operator --out keys/ops-2025a.key</c>: creates a key file (256 random bits,
/// base64, mode 0600; never overwrites) for signing the twin's states (<c>twin</c>) or operators' commands
/// (<c>operator</c>), and prints the entry for the experiment file's <c>security.keys</c> list.
/// </summary>
internal static class KeygenCommand
{
    /// <summary>Builds the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var id = new Option<string>("--id") { Description = "Key id, [A-Za-z0-9_.-]+ (sent with every signature; a new id per rotation)", Required = true };
        var role = new Option<string>("--role") { Description = "twin (the service signs state, alarm, status) or operator (commands)", Required = true };
        var output = new Option<FileInfo>("--out") { Description = "Key file to create (mode 0600)", Required = true };
        var cmd = new Command("keygen", "Create a signing key for the twin's states or operators' commands (experiment file, security: section)") { id, role, output };
        cmd.SetAction(r =>
        {
            string keyId = r.GetValue(id)!, roleName = r.GetValue(role)!;
            var file = r.GetValue(output)!;
            if (!MessageKey.IsValidId(keyId)) return CliErrors.Fail($"--id '{keyId}': expected [A-Za-z0-9_.-], 1 to {MessageKey.MaximumIdLength} characters");
            if (!SignerRoles.TryParse(roleName, out _)) return CliErrors.Fail($"--role '{roleName}': expected twin or operator");
            if (file.Exists) return CliErrors.Fail($"{file.FullName} exists; a key file is never overwritten (remove it first, or choose another path)");
            try
            {
                KeyFile.Create(file.FullName);
            }
            catch (IOException e)
            {
                return CliErrors.Fail($"{file.FullName}: {e.Message}");
            }
            Console.Error.WriteLine($"key '{keyId}' ({roleName}) written to {file.FullName} (mode 0600). Add to the experiment file:");
            Console.WriteLine($"    - {{ id: {keyId}, role: {roleName}, file: {file.FullName} }}");
            return 0;
        });
        return cmd;
    }
}
