using Microsoft.Extensions.Logging;

namespace Twin.Service.Hosting;

/// <summary>
/// The logger of a component created before the host (the MQTT client): it writes into the host's log once the host
/// exists (<see cref="Attach"/>); what comes earlier goes to standard error with its level.
/// </summary>
public sealed class LogRelay : ILogger
{
    private ILogger? _logger;

    /// <summary>Sends later entries to <paramref name="logger"/>.</summary>
    /// <param name="logger">The host's logger.</param>
    public void Attach(ILogger logger) => Volatile.Write(ref _logger, logger);

    /// <inheritdoc />
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => Volatile.Read(ref _logger)?.BeginScope(state);

    /// <inheritdoc />
    public bool IsEnabled(LogLevel logLevel) => Volatile.Read(ref _logger) is { } logger ? logger.IsEnabled(logLevel) : logLevel >= LogLevel.Information;

    /// <inheritdoc />
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (Volatile.Read(ref _logger) is { } logger) logger.Log(logLevel, eventId, state, exception, formatter);
        else if (logLevel >= LogLevel.Information) Console.Error.WriteLine($"{logLevel.ToString().ToLowerInvariant()}: {formatter(state, exception)}");
    }
}
