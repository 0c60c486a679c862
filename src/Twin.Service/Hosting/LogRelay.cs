using Microsoft.Extensions.Logging;

namespace Twin.Service.Hosting;

/// <summary>
/// Carries the diagnostic lines of a component created before the host (the MQTT client) into the host's log
/// once the host exists; lines written earlier go to standard error.
/// </summary>
public sealed class LogRelay
{
    private ILogger? _logger;

    /// <summary>Writes one line (at information level once attached).</summary>
    /// <param name="line">The line.</param>
    public void Write(string line)
    {
        var logger = Volatile.Read(ref _logger);
        if (logger is null) Console.Error.WriteLine(line);
        else logger.LogInformation("{Line}", line);
    }

    /// <summary>Sends later lines to <paramref name="logger"/>.</summary>
    /// <param name="logger">The host's logger.</param>
    public void Attach(ILogger logger) => Volatile.Write(ref _logger, logger);
}
