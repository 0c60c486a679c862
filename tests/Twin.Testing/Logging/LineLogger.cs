using Microsoft.Extensions.Logging;

namespace Twin.Testing.Logging;

/// <summary>An <see cref="ILogger"/> that hands each entry, formatted as "level: message", to a line callback (test output, a list).</summary>
/// <param name="line">Receives each line; exceptions it throws are swallowed (e.g. test output after the test ended).</param>
public sealed class LineLogger(Action<string> line) : ILogger
{
    /// <summary>A logger writing to <paramref name="line"/>, or null when it is null.</summary>
    /// <param name="line">The callback, or null.</param>
    /// <returns>The logger, or null.</returns>
    public static ILogger? To(Action<string>? line) => line is null ? null : new LineLogger(line);

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try { line($"{logLevel.ToString().ToLowerInvariant()}: {formatter(state, exception)}"); }
        catch (Exception) { }
    }
}
