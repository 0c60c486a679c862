using System.CommandLine;
using Twin.Service.Security;

namespace Twin.Cli.Commands;

/// <summary>
/// <c>twin passwd [--name alice --role operator]</c>: reads a password (twice, without echo, on a terminal; one
/// line from standard input otherwise) and prints its hash — or, with <c>--name</c>, the whole entry for the
/// experiment file's <c>dashboard.users</c> list. The password itself is never stored.
/// </summary>
internal static class PasswdCommand
{
    /// <summary>Builds the command.</summary>
    /// <returns>The command.</returns>
    public static Command Create()
    {
        var name = new Option<string?>("--name") { Description = "User name: print a complete dashboard.users entry" };
        var role = new Option<string>("--role") { Description = "operator or viewer", DefaultValueFactory = _ => TwinRoles.Viewer };
        var cmd = new Command("passwd", "Hash a dashboard password for the experiment file (reads it from the terminal or standard input)") { name, role };
        cmd.SetAction(r =>
        {
            string roleName = r.GetValue(role)!;
            if (!TwinRoles.IsRole(roleName)) return CliErrors.Fail($"--role '{roleName}': expected '{TwinRoles.Operator}' or '{TwinRoles.Viewer}'");
            string? password;
            if (Console.IsInputRedirected)
            {
                password = Console.In.ReadLine();
            }
            else
            {
                password = ReadHidden("password: ");
                if (ReadHidden("again: ") != password) return CliErrors.Fail("the two passwords differ");
            }
            if (password is null) return CliErrors.Fail("no password given on standard input");
            string hash;
            try
            {
                hash = PasswordHashing.Hash(password);
            }
            catch (ArgumentException e)
            {
                return CliErrors.Fail(e.Message);
            }
            string? user = r.GetValue(name);
            Console.WriteLine(user is null ? hash : $"- {{ name: {user}, role: {roleName}, password_hash: \"{hash}\" }}");
            return 0;
        });
        return cmd;
    }

    private static string ReadHidden(string prompt)
    {
        Console.Error.Write(prompt);
        var text = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (text.Length > 0) text.Length--; continue; }
            text.Append(key.KeyChar);
        }
        Console.Error.WriteLine();
        return text.ToString();
    }
}
