namespace Twin.Cli.Commands;

/// <summary>How the CLI reports a failure: one line on standard error naming the input and what was expected.</summary>
internal static class CliErrors
{
    /// <summary>Exit code for bad input (file content, option values).</summary>
    public const int BadInput = 2;

    /// <summary>Prints <c>error: message</c> to standard error.</summary>
    /// <param name="message">What was wrong and what was expected.</param>
    /// <returns><see cref="BadInput"/>.</returns>
    public static int Fail(string message)
    {
        // Plain text, never wrapped: the line is meant to be read by people and by scripts alike.
        Console.Error.WriteLine("error: " + message);
        return BadInput;
    }
}
